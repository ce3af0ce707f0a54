"""Text with a NUL character is a 422 naming the field, on both databases: PostgreSQL cannot
store it, and before the kit refused it at the door these were 500s there."""

from __future__ import annotations

from tests.integration.registry.conftest import API, Api, Ids, csrf_of, municipality
from tests.support.platform import RunningPlatform


def field_of(response: object) -> list[str]:
    body = response.json()  # type: ignore[attr-defined]
    return [e["field"] for e in body["errors"] if e["code"] == "string_nul"]


async def test_nul_in_a_query_is_refused_with_its_parameter(registry: RunningPlatform, api: Api) -> None:
    directory = await registry.client.get(f"{API}/directory", params={"q": "飛騨\x00"})
    assert directory.status_code == 422 and field_of(directory) == ["q"], directory.text
    assert directory.headers["content-type"].startswith("application/problem+json")
    members = await registry.client.get(f"{API}/members", params={"q": "\x00"}, headers=await api.operator())
    assert members.status_code == 422 and field_of(members) == ["q"]
    # A percent sign that is not a NUL is just text.
    plain = await registry.client.get(f"{API}/directory", params={"q": "100%00"})
    assert plain.status_code == 200
    # Nor is a path holding "%00" as text (sent as %2500): the path arrives decoded once.
    coded = await registry.client.get(f"{API}/local-governments/%2500")
    assert coded.status_code in (404, 422) and "string_nul" not in coded.text, coded.text


async def test_nul_in_a_json_body_is_refused_with_its_field(registry: RunningPlatform, ids: Ids) -> None:
    body = municipality(ids, "nul@example.jp") | {"contact_name": "関係\x00太郎"}
    applied = await registry.client.post(f"{API}/applications", json=body)
    assert applied.status_code == 422 and field_of(applied) == ["contact_name"], applied.text
    # Nothing was written: the same application with clean text goes through.
    body["contact_name"] = "関係 太郎"
    assert (await registry.client.post(f"{API}/applications", json=body)).status_code == 201


async def test_nul_in_a_form_is_refused(registry: RunningPlatform) -> None:
    client = registry.client
    client.cookies.clear()
    page = await client.get("/registry/login")
    answer = await client.post("/registry/login", data={"csrf_token": csrf_of(page.text), "email": "a\x00@example.jp",
                                                        "password": "x"}, headers={"accept": "text/html"})
    assert answer.status_code == 422 and "NUL" in answer.text
