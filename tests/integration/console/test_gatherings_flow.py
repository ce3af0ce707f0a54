"""The gatherings dashboard end to end, on SQLite and PostgreSQL: forum's events (gatherings
published, updated, cancelled; signups requested, confirmed, waitlisted, promoted, cancelled,
checked in, imported) cross NATS into the console's consumers, and the API's figures are those
of a known week at every day of it; the CSV is Excel's; the same envelope applied twice changes
nothing; only operators may look, and a wrong day is a 422 problem."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import nats
import pytest
from sqlalchemy import func, select

from kit.contracts import forum
from kit.contracts.base import EventContract
from kit.jst import JST
from kit.messaging.envelope import Envelope
from kit.messaging.subjects import Naming
from services.console.handlers import consumer_name
from services.console.models import SignupState
from tests.support.events import publish
from tests.support.platform import RunningPlatform
from tests.support.servers import wait_for
from tests.support.sessions import bearer

API = "/console/api/v1"
OPERATOR = bearer("ops@example.jp", role="operator")
D0, D1, D2, D3, D4 = (date(2026, 10, 4) + timedelta(days=n) for n in range(5))  # D1: Monday 5 October 2026


@pytest.fixture
async def console(platform_factory: Callable[..., AbstractAsyncContextManager[RunningPlatform]]
                  ) -> AsyncIterator[RunningPlatform]:
    async with platform_factory(services=["console"]) as running:
        yield running


def jst(day: date, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=JST).astimezone(UTC)


async def send(platform: RunningPlatform, event: EventContract, producer: str, at: datetime | None = None,
               traceparent: str | None = None) -> Envelope:
    """Publish as the producer's relay would (Nats-Msg-Id = event id), the envelope dated `at` (forum's
    signups and gatherings are dated by their envelope) and travelling in trace `traceparent`."""
    envelope = Envelope.wrap(event, producer=producer)
    envelope = envelope.model_copy(update={"occurred_at": at or envelope.occurred_at, "traceparent": traceparent})
    await resend(platform, envelope, msg_id=str(envelope.id))
    return envelope


async def resend(platform: RunningPlatform, envelope: Envelope, msg_id: str | None = None) -> int:
    """Publish `envelope` (again) under a new Nats-Msg-Id: a redelivery JetStream's duplicate window
    would not catch, which only the consumer's inbox can drop. Its stream sequence."""
    subject = Naming(platform.settings.namespace).subject(envelope.versioned_type)
    nc = await nats.connect(platform.nats_url)
    try:
        ack = await nc.jetstream().publish(subject, envelope.model_dump_json().encode(),
                                           headers={"Nats-Msg-Id": msg_id or f"{envelope.id}-{uuid4().hex[:6]}"})
    finally:
        await nc.close()
    return int(ack.seq)


async def consumed(platform: RunningPlatform, contract: type[EventContract], seq: int) -> None:
    """Wait until the console's consumer of `contract` has taken and acknowledged stream sequence `seq`."""
    naming = Naming(platform.settings.namespace)
    nc = await nats.connect(platform.nats_url)
    try:
        async def done() -> bool:
            info = await nc.jetstream().consumer_info(naming.stream(contract.producer()),
                                                      naming.durable(consumer_name(contract)))
            return bool(info.delivered.stream_seq >= seq and not info.num_ack_pending and not info.num_pending)

        await wait_for(done, timeout_s=20)
    finally:
        await nc.close()


async def figures(platform: RunningPlatform, day: date | None, dashboard: str = "gatherings", days: int = 7
                  ) -> dict[str, Any]:
    params: dict[str, Any] = {"days": days} | ({"as_of": day.isoformat()} if day else {})
    r = await platform.client.get(f"{API}/{dashboard}", params=params, headers=OPERATOR)
    assert r.status_code == 200, r.text
    return dict(r.json())


async def settled(platform: RunningPlatform, day: date, check: Callable[[dict[str, Any]], bool],
                  dashboard: str = "gatherings") -> dict[str, Any]:
    """Poll the API until the figures as of `day` pass `check` (the consumers apply events as they come)."""
    latest: dict[str, Any] = {}

    async def ready() -> bool:
        nonlocal latest
        latest = await figures(platform, day, dashboard)
        return check(latest)

    try:
        await wait_for(ready, timeout_s=20, interval_s=0.1)
    except AssertionError:
        raise AssertionError(f"figures as of {day} never settled: {latest}") from None
    return latest


# -- the known week --------------------------------------------------------------------------------------
FORUM, ONLINE, CAFE, CANCELLED = (UUID(int=n) for n in (1, 2, 3, 4))
TITLES = {FORUM: "北陸・東海ブロックフォーラム", ONLINE: "全国フォーラム（オンライン）", CAFE: "かかわりカフェ 10月",
          CANCELLED: "かかわりカフェ 11月"}


GatheringEvent = forum.EventPublished | forum.EventUpdated | forum.EventCancelled


def gathering(cls: type[GatheringEvent], id: UUID, capacity: int | None = None) -> GatheringEvent:
    kind, starts, hours, size, online = {
        FORUM: ("block_forum", jst(D3, 13), 3, 5, False), ONLINE: ("national_forum", jst(D3, 9), 3, 100, True),
        CAFE: ("cafe", jst(D4 + timedelta(days=7), 19), 2, 5, False),
        CANCELLED: ("cafe", jst(D4 + timedelta(days=14), 19), 2, 5, False)}[id]
    return cls(event_id=id, kind=kind, title=TITLES[id], starts_at=starts, ends_at=starts + timedelta(hours=hours),
               capacity=capacity or size, online=online, venue=None if online else "金沢市文化ホール")


def signup_facts(n: int, event: UUID) -> dict[str, Any]:
    g = gathering(forum.EventPublished, event)
    return {"signup_id": UUID(int=100 + n), "event_id": event, "event_title": g.title, "starts_at": g.starts_at,
            "ends_at": g.ends_at, "email": f"p{n}@example.jp", "name": f"参加者{n}", "manage_url": "http://testserver/m",
            "online": g.online, "venue": g.venue}


def requested(n: int, event: UUID) -> forum.SignupRequested:
    return forum.SignupRequested(**signup_facts(n, event), verify_url="http://testserver/v")


def confirmed(n: int, event: UUID) -> forum.SignupConfirmed:
    return forum.SignupConfirmed(**signup_facts(n, event), checkin_code=f"C{n}")


def waitlisted(n: int, event: UUID, position: int = 1) -> forum.SignupWaitlisted:
    return forum.SignupWaitlisted(**signup_facts(n, event), waitlist_position=position)


def promoted(n: int, event: UUID) -> forum.SignupPromoted:
    return forum.SignupPromoted(**signup_facts(n, event), offer_expires_at=jst(D3, 9))


def cancelled(n: int, event: UUID) -> forum.SignupCancelled:
    return forum.SignupCancelled(**signup_facts(n, event), reason="person")


def checked_in(n: int, event: UUID, at: datetime) -> forum.SignupCheckedIn:
    return forum.SignupCheckedIn(signup_id=UUID(int=100 + n), event_id=event, at=at)


# (event, when forum decided it): signups and gatherings are dated by their envelope
SIGNUPS: list[tuple[EventContract, datetime]] = [
    (confirmed(1, FORUM), jst(D1, 10)), (checked_in(1, FORUM, jst(D3, 13, 5)), jst(D3, 13, 5)),
    (requested(2, FORUM), jst(D1, 11)), (confirmed(2, FORUM), jst(D2, 8)),  # then never comes
    (waitlisted(3, FORUM), jst(D1, 12)), (promoted(3, FORUM), jst(D2, 9)), (confirmed(3, FORUM), jst(D2, 23, 59)),
    (confirmed(4, FORUM), jst(D1, 13)), (cancelled(4, FORUM), jst(D2, 9)),
    (waitlisted(5, FORUM, 2), jst(D2, 10)),
    (forum.SignupImported(signup_id=UUID(int=106), event_id=FORUM, status="confirmed", signed_up_at=jst(D1, 8),
                          checked_in_at=jst(D3, 13, 30), at=jst(D3, 13, 30)), jst(D3, 14)),
    (forum.SignupImported(signup_id=UUID(int=111), event_id=FORUM, status="cancelled", signed_up_at=jst(D1, 7),
                          cancelled_at=jst(D2, 7), at=jst(D2, 7)), jst(D3, 14)),
    (confirmed(7, ONLINE), jst(D2, 12)), (confirmed(8, ONLINE), jst(D2, 13)),
    (requested(9, CAFE), jst(D3, 20)), (confirmed(10, CAFE), jst(D4, 0, 0)),
    (confirmed(12, CANCELLED), jst(D1, 15)),
]


async def the_week(platform: RunningPlatform) -> dict[int, tuple[Envelope, type[EventContract]]]:
    """Publish the week: each gathering first (a gathering's first event names it: the consumers, one
    per type, take one gathering's events in any order), then its change and cancellation, then signups.
    The signups' envelopes, by their place in SIGNUPS."""
    for id, at in ((FORUM, jst(D1, 9)), (ONLINE, jst(D1, 9, 30)), (CAFE, jst(D2, 9)), (CANCELLED, jst(D1, 9))):
        await send(platform, gathering(forum.EventPublished, id), "forum", at)
    await settled(platform, D2, lambda f: len(f["upcoming"]) == 4)
    await send(platform, gathering(forum.EventUpdated, FORUM, capacity=6), "forum", jst(D1, 10))
    await send(platform, gathering(forum.EventCancelled, CANCELLED), "forum", jst(D2, 10))
    await settled(platform, D2, lambda f: [g["capacity"] for g in f["upcoming"]] == [100, 6, 5])
    envelopes = {n: (await send(platform, event, "forum", at), type(event)) for n, (event, at) in enumerate(SIGNUPS)}
    await settled(platform, D4, lambda f: f["new_signups"] == 12 and f["attendance_totals"]["checked_in"] == 2
                  and f["upcoming"][0]["confirmed"] == 1)
    return envelopes


async def signup_rows(platform: RunningPlatform) -> int:
    async with platform["console"].uow.read() as session:
        return int(await session.scalar(select(func.count()).select_from(SignupState)) or 0)


def seats(found: dict[str, Any]) -> dict[str, tuple[int, int, int, float | None]]:
    return {g["id"]: (g["confirmed"], g["held"], g["waitlisted"], g["fill_rate"]) for g in found["upcoming"]}


def per_day(found: dict[str, Any]) -> list[int]:
    return [d["signups"] for d in found["signups_by_day"]]


EXPECTED: dict[date, dict[str, Any]] = {
    D0: {"seats": {}, "per_day": [0] * 7, "attendance": {}},
    # 1, 4, 6 and 11 confirmed, 2 requested, 3 waiting; 12 on the café cancelled later
    D1: {"seats": {str(ONLINE): (0, 0, 0, 0.0), str(FORUM): (4, 1, 1, 0.8333), str(CANCELLED): (1, 0, 0, 0.2)},
         "per_day": [0] * 6 + [7], "attendance": {}},
    # 4 and 11 cancelled, 2 and 3 (at 23:59) confirmed, 5 waits; 7 and 8 online; the 11月 café cancelled
    D2: {"seats": {str(ONLINE): (2, 0, 0, 0.02), str(FORUM): (4, 0, 1, 0.6667), str(CAFE): (0, 0, 0, 0.0)},
         "per_day": [0] * 5 + [7, 3], "attendance": {}},
    # the forums are over: 1 and 6 came, 2 and 3 did not; online has no check-in; 9 holds a café seat
    D3: {"seats": {str(CAFE): (0, 1, 0, 0.2)}, "per_day": [0] * 4 + [7, 3, 1],
         "attendance": {str(FORUM): (4, True, 2, 2, 0.5), str(ONLINE): (2, False, None, None, None)}},
    D4: {"seats": {str(CAFE): (1, 1, 0, 0.4)}, "per_day": [0] * 3 + [7, 3, 1, 1],
         "attendance": {str(FORUM): (4, True, 2, 2, 0.5), str(ONLINE): (2, False, None, None, None)}},
}


def check(found: dict[str, Any], day: date) -> None:
    expected = EXPECTED[day]
    assert found["as_of"] == day.isoformat()
    assert found["cutoff"].startswith(f"{day.isoformat()}T15:00:00")  # the day's end in JST, in UTC
    assert seats(found) == expected["seats"]
    assert [g["starts_at"] for g in found["upcoming"]] == sorted(g["starts_at"] for g in found["upcoming"])
    assert per_day(found) == expected["per_day"] and found["new_signups"] == sum(expected["per_day"])
    assert sum(w["signups"] for w in found["signups_by_week"]) == found["new_signups"]
    assert {a["id"]: (a["confirmed"], a["check_in"], a["checked_in"], a["no_shows"], a["attendance_rate"])
            for a in found["attendance"]} == expected["attendance"]


async def test_the_known_week_at_every_day_and_the_same_envelope_twice(console: RunningPlatform) -> None:
    envelopes = await the_week(console)
    for day in EXPECTED:
        check(await figures(console, day), day)

    found = await figures(console, D3)
    forum_row = next(g for g in found["attendance"] if g["id"] == str(FORUM))
    assert (forum_row["kind"], forum_row["kind_ja"], forum_row["kind_en"]) == (
        "block_forum", "地域ブロック別フォーラム", "Regional block forum")
    assert forum_row["capacity"] == 6 and forum_row["note_ja"] is None
    online_row = next(g for g in found["attendance"] if g["id"] == str(ONLINE))
    assert online_row["online"] and "no check-in" in online_row["note_en"]
    assert found["attendance_totals"] == {"in_person": 1, "online": 1, "confirmed": 4, "checked_in": 2,
                                          "no_shows": 2, "attendance_rate": 0.5}
    assert [(w["week"], w["starts_on"], w["ends_on"], w["signups"]) for w in found["signups_by_week"]] == [
        ("2026-09-28", "2026-10-01", "2026-10-04", 0), ("2026-10-05", "2026-10-05", "2026-10-07", 11)]
    at_d2 = await figures(console, D2)
    assert {k["kind"]: (k["gatherings"], k["capacity"], k["confirmed"], k["held"], k["waitlisted"], k["fill_rate"])
            for k in at_d2["by_kind"]} == {"block_forum": (1, 6, 4, 0, 1, 0.6667), "cafe": (1, 5, 0, 0, 0, 0.0),
                                           "national_forum": (1, 100, 2, 0, 0, 0.02)}

    # the same envelopes again (a redelivery after JetStream's duplicate window): the inbox drops them
    before = {day: await figures(console, day) for day in EXPECTED}
    rows = await signup_rows(console)
    last = {contract: await resend(console, envelope) for envelope, contract in envelopes.values()}
    for contract, seq in last.items():
        await consumed(console, contract, seq)
    assert {day: await figures(console, day) for day in EXPECTED} == before
    assert await signup_rows(console) == rows  # not even a repeated fact was stored


async def test_today_by_default_and_the_csv(console: RunningPlatform) -> None:
    today = datetime.now(UTC).astimezone(JST).date()
    starts = datetime.now(UTC) + timedelta(days=3)
    await publish(console, forum.EventPublished(event_id=uuid4(), kind="cafe", title="=1+1 カフェ", starts_at=starts,
                                                ends_at=starts + timedelta(hours=2), capacity=4, online=True),
                  producer="forum")
    found = await settled(console, today, lambda f: len(f["upcoming"]) == 1)
    assert (await figures(console, None))["as_of"] == today.isoformat() == found["as_of"]
    assert len(found["signups_by_day"]) == 7

    r = await console.client.get(f"{API}/gatherings.csv", params={"as_of": today.isoformat()}, headers=OPERATOR)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "text/csv; charset=utf-8"
    assert r.headers["content-disposition"] == f'attachment; filename="kakawari-gatherings-{today:%Y%m%d}.csv"'
    assert r.content.startswith(b"\xef\xbb\xbf") and b"\r\n" in r.content
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"), newline="")))
    assert rows[0] == [f"開催予定（{today.isoformat()} 時点）"]
    assert rows[2][:2] == ["かかわりカフェ", "'=1+1 カフェ"] and rows[2][4] == "オンライン"
    english = await console.client.get(f"{API}/gatherings.csv", params={"lang": "en", "days": 3}, headers=OPERATOR)
    assert english.status_code == 200 and "Kakawari café" in english.content.decode("utf-8-sig")
    assert "Signups per day (last 3 days)" in english.content.decode("utf-8-sig")


@pytest.mark.parametrize("path", ["/gatherings", "/gatherings.csv"])
async def test_operators_only_and_a_wrong_day_is_a_problem(console: RunningPlatform, path: str) -> None:
    client = console.client
    assert (await client.get(API + path)).status_code == 401
    assert (await client.get(API + path, headers=bearer("staff@example.jp", role="staff"))).status_code == 403
    for params in ({"as_of": "2026-13-01"}, {"as_of": "yesterday"}, {"as_of": "1999-12-31"},
                   {"as_of": "3000-01-01"}, {"days": 0}, {"days": 10_000}, {"lang": "fr"}):
        if path == "/gatherings" and "lang" in params:
            continue
        r = await client.get(API + path, params=params, headers=OPERATOR)
        assert r.status_code == 422, (params, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")
    assert (await client.get(API + path, params={"as_of": "2999-12-31"}, headers=OPERATOR)).status_code == 200
