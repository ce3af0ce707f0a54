"""Duplicates (409 naming the holder, near-duplicate names flagged) and object-level access (BOLA)."""

from __future__ import annotations

import uuid

from tests.integration.registry.conftest import API, Api, Ids, admin_of_new_member, company, municipality
from tests.support.platform import RunningPlatform


async def test_second_membership_for_same_code_or_number_is_409(api: Api, ids: Ids) -> None:
    first = await api.apply(**municipality(ids, "dup1@example.jp"))
    assert first.status_code == 201
    again = await api.apply(kind="municipality", local_government_code=first.json()["local_government_code"],
                            contact_email="dup2@example.jp")
    assert again.status_code == 409, again.text
    assert again.json()["existing_member_id"] == first.json()["id"]
    assert again.json()["existing_member_url"].endswith(first.json()["id"])

    co = await api.apply(**company(ids, "dup3@example.jp", "株式会社ダブり"))
    same = await api.apply(kind="npo", name="別名", corporate_number=co.json()["corporate_number"],
                           contact_email="dup4@example.jp")
    assert same.status_code == 409 and same.json()["existing_member_id"] == co.json()["id"]


async def test_code_is_free_again_after_rejection(api: Api, ids: Ids) -> None:
    first = (await api.apply(**municipality(ids, "free1@example.jp"))).json()
    op = await api.operator()
    await api.client.post(f"{API}/members/{first['id']}/reject", headers=op, json={"note": "重複申請"})
    again = await api.apply(kind="municipality", local_government_code=first["local_government_code"],
                            contact_email="free2@example.jp")
    assert again.status_code == 201


async def test_near_duplicate_name_is_flagged_to_reviewer(api: Api, ids: Ids) -> None:
    first = (await api.apply(**company(ids, "sim1@example.jp", "株式会社ひだまりラボ"))).json()
    second = (await api.apply(**company(ids, "sim2@example.jp", "(株)ヒダマリラボ"))).json()
    assert first["id"] in second["similar_to"]
    queue = (await api.client.get(f"{API}/review-queue", headers=await api.operator())).json()
    flagged = [m for m in queue["items"] if m["id"] == second["id"]]
    assert flagged and flagged[0]["similar_to"]


async def test_staff_of_one_member_cannot_touch_another(registry: RunningPlatform, api: Api, ids: Ids) -> None:
    a_id, a = await admin_of_new_member(registry, api, municipality(ids, "bola-a@example.jp"))
    b_id, b = await admin_of_new_member(registry, api, municipality(ids, "bola-b@example.jp"))
    c = api.client
    assert (await c.get(f"{API}/members/{a_id}", headers=a)).status_code == 200
    unknown = str(uuid.uuid4())
    for target in (b_id, unknown):  # another member's id looks exactly like an unknown id
        responses = [
            await c.get(f"{API}/members/{target}", headers=a),
            await c.get(f"{API}/members/{target}/history", headers=a),
            await c.get(f"{API}/members/{target}/staff", headers=a),
            await c.get(f"{API}/members/{target}/small-bases", headers=a),
            await c.patch(f"{API}/members/{target}", headers=a, json={"contact_name": "乗っ取り"}),
            await c.post(f"{API}/members/{target}/withdraw", headers=a),
            await c.post(f"{API}/members/{target}/staff/invitations", headers=a, json={"email": "evil@example.jp"}),
            await c.delete(f"{API}/members/{target}/staff/{uuid.uuid4()}", headers=a),
        ]
        assert [r.status_code for r in responses] == [404] * len(responses), [r.text for r in responses]
        assert len({r.json()["detail"]["en"] for r in responses}) == 1
    for path in ("/members", "/review-queue", "/audit", "/export.csv"):
        assert (await c.get(f"{API}{path}", headers=a)).status_code == 403
    assert (await c.get(f"{API}/members/{b_id}")).status_code == 401
    op = await api.operator()
    assert (await c.get(f"{API}/members/{b_id}", headers=op)).json()["contact_email"] == "bola-b@example.jp"
    assert (await c.get(f"{API}/members/{b_id}/staff", headers=op)).status_code == 200
    assert (await c.get(f"{API}/members/{b_id}", headers=b)).status_code == 200


async def test_staff_role_cannot_administer(registry: RunningPlatform, api: Api, ids: Ids) -> None:
    from tests.integration.registry.conftest import link_from_outbox

    member_id, admin = await admin_of_new_member(registry, api, municipality(ids, "roles@example.jp"))
    c = api.client
    r = await c.post(f"{API}/members/{member_id}/staff/invitations", headers=admin,
                     json={"email": "helper@example.jp", "role": "staff"})
    assert r.status_code == 201, r.text
    token = await link_from_outbox(registry, "helper@example.jp", "invite_url")
    r = await c.post(f"{API}/invitations/accept", json={"token": token, "display_name": "手伝い 花子",
                                                        "password": "helper-password-1"})
    assert r.status_code == 200 and r.json()["role"] == "staff"
    staff = {"authorization": f"Bearer {r.json()['access_token']}"}
    assert (await c.get(f"{API}/members/{member_id}", headers=staff)).status_code == 200
    assert (await c.post(f"{API}/members/{member_id}/staff/invitations", headers=staff,
                         json={"email": "x@example.jp"})).status_code == 403
    assert (await c.patch(f"{API}/members/{member_id}", headers=staff, json={"website": "https://x.jp"})
            ).status_code == 403
