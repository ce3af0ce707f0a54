"""forum's signups through the API, on both databases: the three answers (confirmed, held for
verification, waitlisted), the same address never twice, a flash crowd of concurrent signups
for a few seats with exact counts, promotion on cancel and on more capacity, and the rule for
less capacity."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from kit.web.auth import OPERATOR
from services.forum.models import Signup
from tests.support.platform import RunningPlatform
from tests.support.sessions import bearer, person

API = "/forum/api/v1"
OPS = bearer(person("ops@example.jp", OPERATOR))


async def new_event(platform: RunningPlatform, capacity: int, **extra: Any) -> str:
    start = datetime.now(UTC) + timedelta(days=30)
    body = {"kind": "cafe", "title": "かかわりカフェ 12月", "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=1)).isoformat(), "capacity": capacity, **extra}
    r = await platform.client.post(f"{API}/events", json=body, headers=OPS)
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def someone(i: int, **extra: Any) -> dict[str, Any]:
    return {"name": f"参加 {i}", "name_kana": "さんか", "email": f"p{i}@example.jp", "affiliation": "飛騨市",
            "prefecture_code": "21", "consent": True, **extra}


async def counts(platform: RunningPlatform, event_id: str) -> dict[str, int]:
    body = (await platform.client.get(f"{API}/events/{event_id}")).json()
    return {k: body[k] for k in ("capacity", "confirmed", "held", "waitlisted")}


async def test_signups_are_held_then_waitlisted_and_the_same_address_is_one_signup(forum: RunningPlatform) -> None:
    event = await new_event(forum, 2)
    first = await forum.client.post(f"{API}/events/{event}/signups", json=someone(1))
    assert first.status_code == 201 and first.json()["status"] == "pending_verification"
    assert "/forum/manage/" in first.json()["manage_url"]
    again = await forum.client.post(f"{API}/events/{event}/signups", json=someone(1, name="別名"))
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    member = bearer(person("p2@example.jp", "staff"))
    signed_in = await forum.client.post(f"{API}/events/{event}/signups", json=someone(2), headers=member)
    assert signed_in.json()["status"] == "confirmed"  # a signed-in member's own address needs no verifying
    third = await forum.client.post(f"{API}/events/{event}/signups", json=someone(3))
    assert third.json() | {"id": None, "manage_url": None} == {
        "id": None, "status": "waitlisted", "waitlist_position": 1, "manage_url": None}
    assert await counts(forum, event) == {"capacity": 2, "confirmed": 1, "held": 1, "waitlisted": 1}

    no_consent = await forum.client.post(f"{API}/events/{event}/signups", json=someone(4, consent=False))
    assert no_consent.status_code == 422 and "consent" in no_consent.text


async def test_a_flash_crowd_never_overbooks_and_the_waitlist_has_no_gaps(forum: RunningPlatform) -> None:
    seats, people = 7, 120
    event = await new_event(forum, seats, hold_hours=None)
    answers = await asyncio.gather(*(forum.client.post(f"{API}/events/{event}/signups", json=someone(i))
                                     for i in range(people)))
    assert all(a.status_code == 201 for a in answers), {a.status_code for a in answers}
    statuses = [a.json()["status"] for a in answers]
    assert statuses.count("confirmed") == seats and statuses.count("waitlisted") == people - seats
    positions = sorted(a.json()["waitlist_position"] for a in answers if a.json()["status"] == "waitlisted")
    assert positions == list(range(1, people - seats + 1))
    expected = {"capacity": seats, "confirmed": seats, "held": 0, "waitlisted": people - seats}
    assert await counts(forum, event) == expected
    async with forum["forum"].uow.read() as session:
        assert await session.scalar(select(func.count()).select_from(Signup)) == people


async def test_cancel_and_more_capacity_promote_the_first_in_line(forum: RunningPlatform) -> None:
    event = await new_event(forum, 1, hold_hours=None)
    seated = (await forum.client.post(f"{API}/events/{event}/signups", json=someone(1))).json()
    waiting = [(await forum.client.post(f"{API}/events/{event}/signups", json=someone(i))).json() for i in (2, 3, 4)]
    token = seated["manage_url"].rsplit("/", 1)[1]
    cancelled = await forum.client.post(f"{API}/signups/manage/{token}/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    promoted = await forum.client.get(f"{API}/signups/manage/{waiting[0]['manage_url'].rsplit('/', 1)[1]}")
    assert promoted.json()["status"] == "confirmed"
    still = await forum.client.get(f"{API}/signups/manage/{waiting[2]['manage_url'].rsplit('/', 1)[1]}")
    assert still.json()["waitlist_position"] == 2

    more = await forum.client.patch(f"{API}/events/{event}", json={"capacity": 2}, headers=OPS)
    assert more.status_code == 200 and more.json()["confirmed"] == 2 and more.json()["waitlisted"] == 1
    fewer = await forum.client.patch(f"{API}/events/{event}", json={"capacity": 1}, headers=OPS)
    assert fewer.status_code == 422 and "capacity" in fewer.text  # nobody confirmed is dropped
    tampered = await forum.client.post(f"{API}/signups/manage/{token}x/cancel")
    assert tampered.status_code == 404


async def test_only_operators_create_events_and_bad_times_are_field_errors(forum: RunningPlatform) -> None:
    start = datetime.now(UTC) + timedelta(days=3)
    body = {"kind": "block_forum", "title": "北陸・東海ブロックフォーラム", "starts_at": start.isoformat(),
            "ends_at": (start - timedelta(hours=1)).isoformat(), "capacity": 100, "block": "hokuriku_tokai"}
    assert (await forum.client.post(f"{API}/events", json=body)).status_code == 401
    assert (await forum.client.post(f"{API}/events", json=body, headers=bearer("staff@example.jp"))).status_code == 403
    bad = await forum.client.post(f"{API}/events", json=body, headers=OPS)
    assert bad.status_code == 422 and "ends_at" in bad.text


async def test_a_crowd_decided_in_batches_is_decided_as_one_after_another(forum: RunningPlatform) -> None:
    """Signups that arrive together are decided in one transaction (the signup desk's batches):
    the same address sent several times at once still gets one signup, and a refusal (the
    per-organization cap) refuses only its own request."""
    event = await new_event(forum, 3, hold_hours=None, per_org_cap=2)
    same = [someone(0, affiliation="高山市")] * 5
    capped = [someone(i, affiliation="下呂市") for i in range(1, 5)]
    others = [someone(i, affiliation=f"団体{i}") for i in range(5, 12)]
    answers = await asyncio.gather(*(forum.client.post(f"{API}/events/{event}/signups", json=body)
                                     for body in [*same, *capped, *others]))
    by_address: dict[str, set[str]] = {}
    for body, answer in zip([*same, *capped, *others], answers, strict=True):
        if answer.status_code in (200, 201):
            by_address.setdefault(body["email"], set()).add(answer.json()["id"])
    assert len(by_address["p0@example.jp"]) == 1  # five requests, one signup
    assert sorted(a.status_code for a in answers[:5]).count(201) == 1
    assert [a.status_code for a in answers[5:9]].count(409) == 2  # 下呂市's third and fourth
    assert all(a.status_code == 201 for a in answers[9:])
    decided = [a.json() for a in answers if a.status_code == 201]
    assert [d["status"] for d in decided].count("confirmed") == 3
    positions = sorted(d["waitlist_position"] for d in decided if d["status"] == "waitlisted")
    assert positions == list(range(1, len(decided) - 3 + 1))
    assert await counts(forum, event) == {"capacity": 3, "confirmed": 3, "held": 0, "waitlisted": len(decided) - 3}
