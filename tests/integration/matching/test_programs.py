"""matching's programs through the API, on both databases: a member's staff post a draft placed
from the official list, publish it (one `matching.program.published.v1`), close it and mark it
done; the public list and its filters; another member's staff, the public and the wrong kinds of
member are refused with nothing half-written; field-level errors in Japanese and English; the
capacity never goes below the places taken (the kit's capacity rule on the program's counters);
and matching's copy of the members follows the registry's events."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID, uuid4

from kit.contracts.registry import MemberApproved, MemberSuspended
from kit.db.types import utcnow
from kit.web.auth import OPERATOR
from services.matching.models import Member, Program
from services.matching.programs.seats import PROGRAM_SEATS
from tests.integration.matching.conftest import (
    API,
    HIDA,
    days_ahead,
    emitted,
    outbox_size,
    post,
    program,
    publish,
    staff_of,
)
from tests.support.platform import RunningPlatform
from tests.support.servers import wait_for
from tests.support.sessions import bearer, person

OPS = bearer(person("ops@example.jp", OPERATOR))
PUBLISHED, CLOSED = "matching.program.published.v1", "matching.program.closed.v1"


async def stored(platform: RunningPlatform, program_id: str) -> Program:
    async with platform["matching"].uow.read() as session:
        found = await session.get(Program, UUID(program_id))
    assert found is not None
    return found


async def test_a_member_posts_publishes_closes_and_finishes_a_program(matching: RunningPlatform) -> None:
    client = matching.client
    member_id, staff = await staff_of(matching)
    draft = await post(matching, staff)
    assert draft["status"] == "draft" and draft["member_id"] == str(member_id) and draft["member_name"] == "飛騨市"
    assert (draft["municipality"], draft["prefecture_code"]) == ("岐阜県飛騨市", "21")
    assert (draft["lat"], draft["lon"]) == (36.23812, 137.18632)  # from the official list
    assert draft["required_skills"] == ["harvest"] and draft["optional_skills"] == ["driving"]
    assert draft["tags"] == ["りんご", "日帰り"] and draft["seats_left"] == 5
    assert draft["url"] == f"http://testserver/matching/programs/{draft['id']}"

    assert (await client.get(f"{API}/programs/{draft['id']}")).status_code == 404  # a draft is not public
    assert (await client.get(f"{API}/programs/{draft['id']}", headers=staff)).json()["status"] == "draft"
    assert (await client.get(f"{API}/programs")).json() == []
    own = await client.get(f"{API}/programs", params={"member_id": str(member_id)}, headers=staff)
    assert [p["id"] for p in own.json()] == [draft["id"]]

    published = await client.post(f"{API}/programs/{draft['id']}/publish", headers=staff)
    assert published.status_code == 200 and published.json()["status"] == "published"
    again = await client.post(f"{API}/programs/{draft['id']}/publish", headers=staff)
    assert again.status_code == 200
    [event] = await emitted(matching, PUBLISHED)  # once, not again
    assert event["program_id"] == draft["id"] and event["municipality_code"] == HIDA
    assert event["municipality"] == "岐阜県飛騨市" and event["lat"] == 36.23812
    assert event["starts_on"] == draft["starts_on"] and event["skills"] == ["driving", "harvest"]
    assert event["url"] == draft["url"] and event["host_name"] == "中村さん（果樹農家）"

    closed = await client.post(f"{API}/programs/{draft['id']}/close", headers=staff)
    assert closed.json()["status"] == "closed" and closed.json()["closed_at"]
    assert len(await emitted(matching, CLOSED)) == 1
    done = await client.post(f"{API}/programs/{draft['id']}/done", headers=staff)
    assert done.json()["status"] == "done"
    back = await client.post(f"{API}/programs/{draft['id']}/publish", headers=staff)
    assert back.status_code == 409 and back.json()["program_status"] == "done"
    edit = await client.patch(f"{API}/programs/{draft['id']}", json={"title": "別の題"}, headers=staff)
    assert edit.status_code == 409


async def test_the_public_list_filters_by_place_skill_month_and_online(matching: RunningPlatform) -> None:
    client = matching.client
    _, staff = await staff_of(matching)
    later = days_ahead(70)
    onsite = await post(matching, staff)
    online = await post(matching, staff, title="オンラインで観光パンフレットの英訳", online=True,
                        municipality_code="011002", required_skills=["language"], optional_skills=[],
                        starts_on=later.isoformat(), ends_on=(later + timedelta(days=60)).isoformat(),
                        schedule="season")
    await post(matching, staff, title="下書きのまま")
    for p in (onsite, online):
        assert (await client.post(f"{API}/programs/{p['id']}/publish", headers=staff)).status_code == 200

    async def ids(**params: Any) -> list[str]:
        r = await client.get(f"{API}/programs", params=params)
        assert r.status_code == 200, r.text
        return [p["id"] for p in r.json()]

    assert await ids() == [onsite["id"], online["id"]]  # by first day; the draft is not listed
    assert await ids(prefecture="21") == [onsite["id"]]
    assert await ids(prefecture="01", municipality="011002") == [online["id"]]
    assert await ids(skill="language") == [online["id"]]
    assert await ids(skill="driving") == [onsite["id"]]  # optional skills count too
    assert await ids(online="true") == [online["id"]]
    assert await ids(online="false") == [onsite["id"]]
    assert await ids(month=days_ahead(30).strftime("%Y-%m")) == [onsite["id"]]
    assert await ids(month=(later + timedelta(days=40)).strftime("%Y-%m")) == [online["id"]]  # within the season
    assert await ids(skill="farming") == []
    assert (await client.get(f"{API}/programs", params={"month": "2026-13"})).status_code == 422
    skills = (await client.get(f"{API}/skills")).json()
    assert {"code": "harvest", "ja": "収穫", "en": "Harvesting"} in skills


async def test_another_members_staff_and_the_public_are_refused_and_nothing_is_half_written(
        matching: RunningPlatform) -> None:
    client = matching.client
    owner_id, owner = await staff_of(matching, "高山市")
    _, other = await staff_of(matching, "下呂市")
    draft = await post(matching, owner)
    before = await stored(matching, draft["id"])

    for method, path, body in (("PATCH", "", {"title": "乗っ取り"}), ("POST", "/publish", None),
                               ("POST", "/close", None), ("POST", "/done", None), ("GET", "", None)):
        r = await client.request(method, f"{API}/programs/{draft['id']}{path}", json=body, headers=other)
        assert r.status_code == 404, (method, path, r.text)  # the same as a program that does not exist
    stealing = await client.post(f"{API}/programs", json=program(member_id=str(owner_id)), headers=other)
    assert stealing.status_code == 404
    assert (await client.post(f"{API}/programs", json=program())).status_code == 401
    nobody = bearer(person("someone@example.jp", "staff"))  # signed in, acting for no member
    assert (await client.post(f"{API}/programs", json=program(), headers=nobody)).status_code == 403
    assert (await client.post(f"{API}/programs/{draft['id']}/publish", headers=nobody)).status_code == 404

    # A change that is wrong in one field changes nothing at all.
    half = await client.patch(f"{API}/programs/{draft['id']}", headers=owner,
                              json={"title": "新しい題", "required_skills": ["cooking"], "ends_on": "2000-01-01"})
    assert half.status_code == 422 and [e["field"] for e in half.json()["errors"]] == ["ends_on"]
    after = await stored(matching, draft["id"])
    assert (after.title, after.updated_at) == (before.title, before.updated_at)
    again = (await client.get(f"{API}/programs/{draft['id']}", headers=owner)).json()
    assert again["required_skills"] == ["harvest"]
    assert await outbox_size(matching) == 0

    # Operators manage every member's programs, naming the member for a new one.
    edited = await client.patch(f"{API}/programs/{draft['id']}", json={"capacity": 8, "host_name": None},
                                headers=OPS)
    assert edited.status_code == 200 and edited.json()["capacity"] == 8 and edited.json()["host_name"] is None
    skills = await client.patch(f"{API}/programs/{draft['id']}", headers=owner,
                                json={"required_skills": ["driving", "cooking"], "optional_skills": ["harvest"]})
    assert skills.status_code == 200, skills.text
    shown = (await client.get(f"{API}/programs/{draft['id']}", headers=owner)).json()
    assert (shown["required_skills"], shown["optional_skills"]) == (["cooking", "driving"], ["harvest"])
    unnamed = await client.post(f"{API}/programs", json=program(), headers=OPS)
    assert unnamed.status_code == 422 and unnamed.json()["errors"][0]["field"] == "member_id"
    named = await client.post(f"{API}/programs", json=program(member_id=str(owner_id)), headers=OPS)
    assert named.status_code == 201 and named.json()["member_id"] == str(owner_id)


async def test_only_municipalities_rmos_and_intermediaries_in_good_standing_post(matching: RunningPlatform) -> None:
    client = matching.client
    _, company = await staff_of(matching, "株式会社かかわり", "company")
    refused = await client.post(f"{API}/programs", json=program(), headers=company)
    assert refused.status_code == 403 and "市区町村" in refused.json()["detail"]["ja"]
    unknown = bearer(person("new@example.jp", "staff", uuid4()))  # the registry's event has not arrived yet
    assert (await client.post(f"{API}/programs", json=program(), headers=unknown)).status_code == 409
    rmo_id, rmo = await staff_of(matching, "宮川地域振興協議会", "rmo")
    draft = await post(matching, rmo)
    async with matching["matching"].uow() as tx:
        suspended = await tx.session.get(Member, rmo_id)
        assert suspended is not None
        suspended.status = "suspended"
        await tx.commit()
    assert (await client.post(f"{API}/programs/{draft['id']}/publish", headers=rmo)).status_code == 403
    assert await emitted(matching, PUBLISHED) == []


async def test_errors_are_field_level_in_japanese_and_english(matching: RunningPlatform) -> None:
    client = matching.client
    _, staff = await staff_of(matching)
    shape = await client.post(f"{API}/programs", headers=staff,
                              json=program(capacity=0, municipality_code="21-217", title=""))
    assert shape.status_code == 422
    errors = {e["field"]: e for e in shape.json()["errors"]}
    assert set(errors) == {"capacity", "municipality_code", "title"}
    assert errors["capacity"]["ja"] == "1以上で入力してください。" and errors["capacity"]["en"]
    assert errors["capacity"]["message"] == errors["capacity"]["ja"]  # Japanese first

    rules = await client.post(f"{API}/programs", headers={**staff, "accept-language": "en"},
                              json=program(municipality_code="999999", ends_on=days_ahead(20).isoformat(),
                                           required_skills=["harvest", "juggling"], optional_skills=["harvest"]))
    assert rules.status_code == 422
    found = {(e["field"], e["code"]): e for e in rules.json()["errors"]}
    assert set(found) == {("municipality_code", "unknown"), ("ends_on", "order"), ("required_skills", "unknown"),
                          ("optional_skills", "both")}
    assert found[("ends_on", "order")]["message"] == "The end date must not come before the start date."
    assert found[("ends_on", "order")]["ja"] == "終了日は開始日以降にしてください。"
    assert "juggling" in found[("required_skills", "unknown")]["en"]

    prefecture = await client.post(f"{API}/programs", headers=staff, json=program(municipality_code="210005"))
    assert prefecture.json()["errors"][0]["code"] == "not_municipality"  # 岐阜県 itself, not a municipality
    season = await client.post(f"{API}/programs", headers=staff,
                               json=program(ends_on=days_ahead(90).isoformat()))  # 61 days on fixed dates
    too_long = "期間は31日以内にしてください。"
    assert season.json()["errors"][0] == {"field": "ends_on", "code": "too_long", "message": too_long,
                                          "ja": too_long, "en": "The period must be at most 31 days."}
    wide = await client.post(f"{API}/programs", headers=staff, json=program(municipality_code="２１２１７２"))
    assert wide.status_code == 201 and wide.json()["municipality_code"] == HIDA  # full-width digits are folded

    past = await post(matching, staff, starts_on="2024-05-01", ends_on="2024-05-02")
    late = await client.post(f"{API}/programs/{past['id']}/publish", headers=staff)
    assert late.status_code == 409 and late.json()["detail"]["en"].startswith("A program whose end date")


async def test_the_capacity_never_goes_below_the_places_taken(matching: RunningPlatform) -> None:
    _, staff = await staff_of(matching)
    draft = await post(matching, staff, capacity=4, reserved=1)
    key = UUID(draft["id"])
    async with matching["matching"].uow() as tx:  # places taken by the kit's one capacity rule
        decisions = [await PROGRAM_SEATS.take(tx.session, key, "confirmed") for _ in range(4)]
        await tx.commit()
    assert [d.seated for d in decisions] == [True, True, True, False] and decisions[3].waitlist_position == 1
    read = (await matching.client.get(f"{API}/programs/{draft['id']}", headers=staff)).json()
    assert (read["confirmed"], read["waitlisted"], read["seats_left"]) == (3, 1, 0)
    fewer = await matching.client.patch(f"{API}/programs/{draft['id']}", json={"capacity": 3}, headers=staff)
    assert fewer.status_code == 422 and fewer.json()["errors"][0]["field"] == "capacity"
    enough = await matching.client.patch(f"{API}/programs/{draft['id']}", json={"capacity": 4, "reserved": 0},
                                         headers=staff)
    assert enough.status_code == 200 and enough.json()["seats_left"] == 1


async def test_the_member_copy_follows_the_registrys_events(matching: RunningPlatform) -> None:
    member_id = uuid4()
    staff = bearer(person("staff@hida.example.jp", "staff", member_id))
    await publish(matching, MemberApproved(member_id=member_id, name="飛騨市", kind="municipality", status="approved",
                                           at=utcnow()))

    async def copied(status: str) -> bool:
        async with matching["matching"].uow.read() as session:
            found = await session.get(Member, member_id)
        return found is not None and found.status == status

    await wait_for(lambda: copied("approved"), timeout_s=20)
    draft = await post(matching, staff)
    await publish(matching, MemberSuspended(member_id=member_id, name="飛騨市", kind="municipality",
                                            status="suspended", at=utcnow()))
    await wait_for(lambda: copied("suspended"), timeout_s=20)
    refused = await matching.client.post(f"{API}/programs/{draft['id']}/publish", headers=staff)
    assert refused.status_code == 403
