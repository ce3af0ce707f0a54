"""The auditable lottery through the API, on both databases: the seed's hash is published
before the draw and the seed only at it; the draw runs once (the scheduler's path and the
operator's button); anyone re-running the published algorithm, here with nothing but hashlib,
on the published list gets the published winners; hybrid events seat the first N first come
and draw the rest.

The seed is committed with `commit_seed` through the forum's unit of work: idempotent, so this
works whether or not event creation already calls it."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import select

from kit.web.auth import OPERATOR
from services.forum.lottery import service as lottery
from services.forum.models import Event, Signup
from tests.support.platform import RunningPlatform
from tests.support.sessions import bearer, person

API = "/forum/api/v1"
OPS = bearer(person("ops@example.jp", OPERATOR))


async def lottery_event(platform: RunningPlatform, capacity: int, **extra: Any) -> str:
    start = datetime.now(UTC) + timedelta(days=30)
    body = {"kind": "cafe", "title": "かかわりカフェ 抽選回", "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=1)).isoformat(), "capacity": capacity, "mode": "lottery",
            "lottery_closes_at": (start - timedelta(days=7)).isoformat(), **extra}
    r = await platform.client.post(f"{API}/events", json=body, headers=OPS)
    assert r.status_code == 201, r.text
    event_id = str(r.json()["id"])
    async with platform["forum"].uow() as tx:  # the creation hook, should it not be there (idempotent)
        event = await tx.session.get(Event, UUID(event_id))
        assert event is not None
        await lottery.commit_seed(tx.session, event)
        await tx.commit()
    return event_id


def someone(i: int) -> dict[str, Any]:
    return {"name": f"応募 {i}", "email": f"entrant{i}@example.jp", "affiliation": "飛騨市", "consent": True}


async def enter(platform: RunningPlatform, event_id: str, i: int, *, signed_in: bool = False) -> dict[str, Any]:
    headers = bearer(person(f"entrant{i}@example.jp", "staff")) if signed_in else {}
    r = await platform.client.post(f"{API}/events/{event_id}/signups", json=someone(i), headers=headers)
    assert r.status_code == 201, r.text
    return dict(r.json())


async def close_now(platform: RunningPlatform, event_id: str) -> None:
    """Time passes: the closing time is behind us."""
    async with platform["forum"].uow() as tx:
        event = await tx.session.get(Event, UUID(event_id))
        assert event is not None
        event.lottery_closes_at = datetime.now(UTC) - timedelta(seconds=1)
        await tx.commit()


def rerun(record: dict[str, Any]) -> list[str]:
    """What an auditor runs: nothing but the published record and hashlib."""
    seed = record["seed"]
    assert hashlib.sha256(seed.encode()).hexdigest() == record["seed_hash"]
    order = sorted(record["entrants"], key=lambda i: (hashlib.sha256(f"{seed}:{i}".encode()).hexdigest(), i))
    return order[:len(record["winners"])]


async def statuses(platform: RunningPlatform, event_id: str) -> dict[str, tuple[str, int | None]]:
    async with platform["forum"].uow.read() as session:
        rows = (await session.scalars(select(Signup).where(Signup.event_id == UUID(event_id)))).all()
        return {str(s.id): (s.status, s.waitlist_ticket) for s in rows}


async def test_a_lottery_is_committed_then_drawn_once_and_anyone_can_reproduce_it(forum: RunningPlatform) -> None:
    event = await lottery_event(forum, 3)
    before = (await forum.client.get(f"{API}/events/{event}/lottery")).json()
    assert before["drawn"] is False and before["seed"] is None and before["entrants"] is None
    assert len(before["seed_hash"]) == 64 and before["algorithm"] == "sha256-rank-v1"
    page = await forum.client.get(f"/forum/events/{event}/lottery")
    assert page.status_code == 200 and before["seed_hash"] in page.text and "抽選前" in page.text

    entered = [await enter(forum, event, i, signed_in=i % 2 == 0) for i in range(10)]
    assert {e["status"] for e in entered} == {"lottery_entered"}
    early = await forum.client.post(f"{API}/events/{event}/lottery/draw", headers=OPS)
    assert early.status_code == 409  # not closed yet, and no force
    assert (await forum.client.post(f"{API}/events/{event}/lottery/draw",
                                    headers=bearer("staff@example.jp"))).status_code == 403

    await close_now(forum, event)
    async with forum["forum"].uow() as tx:  # the scheduler's path
        await lottery.draw(tx, forum["forum"].deps.links, UUID(event))
        drawn_events = [e.type for e in tx.events]
        await tx.commit()
    assert drawn_events.count("forum.lottery.drawn") == 1
    assert drawn_events.count("forum.signup.waitlisted") == 7
    async with forum["forum"].uow() as tx:  # a second run (another replica, a retry) draws nothing
        await lottery.draw(tx, forum["forum"].deps.links, UUID(event))
        assert tx.events == []
        await tx.commit()

    record = (await forum.client.get(f"{API}/events/{event}/lottery")).json()
    assert record["drawn"] is True and record["seed_hash"] == before["seed_hash"]
    assert record["entrants"] == [e["id"] for e in entered]  # the order they entered
    assert len(record["winners"]) == 3 and rerun(record) == record["winners"]
    assert "@" not in json.dumps(record)  # ids only, no personal data
    again = await forum.client.post(f"{API}/events/{event}/lottery/draw", headers=OPS)
    assert again.status_code == 200 and again.json() == record

    now = await statuses(forum, event)
    verified = {e["id"] for i, e in enumerate(entered) if i % 2 == 0}
    for winner in record["winners"]:
        assert now[winner][0] == ("confirmed" if winner in verified else "pending_verification")
    drawn_order = sorted(record["entrants"], key=lambda i: hashlib.sha256(f"{record['seed']}:{i}".encode()).hexdigest())
    rest = drawn_order[3:]
    assert [now[i][0] for i in rest] == ["waitlisted"] * 7
    tickets = [now[i][1] or 0 for i in rest]
    assert tickets == sorted(tickets) and 0 not in tickets  # the waitlist follows the drawn order
    counts = (await forum.client.get(f"{API}/events/{event}")).json()
    assert counts["confirmed"] + counts["held"] == 3 and counts["waitlisted"] == 7

    page = await forum.client.get(f"/forum/events/{event}/lottery?lang=en")
    assert page.status_code == 200 and record["seed"] in page.text and "How to verify" in page.text


async def test_hybrid_seats_the_first_come_and_draws_the_rest(forum: RunningPlatform) -> None:
    event = await lottery_event(forum, 5, mode="hybrid", first_come_seats=2, hold_hours=None)
    entered = [await enter(forum, event, i) for i in range(8)]
    assert [e["status"] for e in entered] == ["confirmed"] * 2 + ["lottery_entered"] * 6

    forced = await forum.client.post(f"{API}/events/{event}/lottery/draw", json={"force": True}, headers=OPS)
    assert forced.status_code == 200, forced.text
    record = forced.json()
    assert record["entrants"] == [e["id"] for e in entered[2:]]
    assert len(record["winners"]) == 3 and rerun(record) == record["winners"]
    assert datetime.fromisoformat(record["closes_at"]) <= datetime.fromisoformat(record["drawn_at"])  # closed early
    counts = (await forum.client.get(f"{API}/events/{event}")).json()
    assert (counts["confirmed"], counts["held"], counts["waitlisted"]) == (5, 0, 3)

    late = await enter(forum, event, 99)  # after the draw: first come, so the waitlist
    assert late["status"] == "waitlisted" and late["waitlist_position"] == 4


async def test_no_lottery_for_a_first_come_event_and_none_for_a_draft_to_the_public(forum: RunningPlatform) -> None:
    start = datetime.now(UTC) + timedelta(days=30)
    body = {"kind": "cafe", "title": "先着", "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=1)).isoformat(), "capacity": 5}
    first_come = (await forum.client.post(f"{API}/events", json=body, headers=OPS)).json()["id"]
    assert (await forum.client.get(f"{API}/events/{first_come}/lottery")).status_code == 404
    assert (await forum.client.post(f"{API}/events/{first_come}/lottery/draw", json={"force": True},
                                    headers=OPS)).status_code == 404
    draft = await lottery_event(forum, 3, publish=False)
    assert (await forum.client.get(f"{API}/events/{draft}/lottery")).status_code == 404
    assert (await forum.client.get(f"{API}/events/{draft}/lottery", headers=OPS)).status_code == 200
