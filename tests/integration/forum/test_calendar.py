"""forum's café series and calendars through the API, on both databases: a monthly series gets
one event per date with its own seats; a signup's `.ics` by its signed link parses with its
alarm; the series feed follows a moved date (higher SEQUENCE) and a cancelled one
(STATUS:CANCELLED); a tampered link gets 404; the series page lists the dates and the feed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from kit.contracts.base import EventContract
from kit.contracts.forum import EventPublished
from kit.jst import JST
from kit.messaging.envelope import Envelope
from kit.messaging.unit_of_work import UnitOfWork
from kit.web.auth import OPERATOR
from services.forum.models import Event, Lottery, ScheduledJob
from tests.support.platform import RunningPlatform
from tests.support.sessions import bearer, person

API = "/forum/api/v1"
OPS = bearer(person("ops@example.jp", OPERATOR))
JOIN_URL = "https://meet.example.jp/kakawari-cafe-secret"


@pytest.fixture
def emitted(monkeypatch: pytest.MonkeyPatch) -> list[EventContract]:
    """Every event a unit of work emits (the outbox rows go as soon as they are published)."""
    seen: list[EventContract] = []
    original = UnitOfWork.emit

    def emit(self: UnitOfWork, event: EventContract) -> Envelope:
        seen.append(event)
        return original(self, event)

    monkeypatch.setattr(UnitOfWork, "emit", emit)
    return seen


def first_start() -> datetime:
    """19:00 JST on the 10th of a month a few weeks away (every month has a 10th)."""
    soon = (datetime.now(JST) + timedelta(days=40)).replace(day=10, hour=19, minute=0, second=0, microsecond=0)
    return soon.astimezone(UTC)


async def new_series(platform: RunningPlatform, **extra: Any) -> dict[str, Any]:
    body = {"title": "かかわりカフェ 2026", "description": "毎月10日の夜、関係人口について話すオンラインカフェ。",
            "rrule": "FREQ=MONTHLY;COUNT=4", "first_starts_at": first_start().isoformat(), "duration_minutes": 90,
            "capacity": 2, "join_url": JOIN_URL, "hold_hours": None, **extra}
    r = await platform.client.post(f"{API}/series", json=body, headers=OPS)
    assert r.status_code == 201, r.text
    return dict(r.json())


def someone(i: int) -> dict[str, Any]:
    return {"name": f"参加 {i}", "email": f"cafe{i}@example.jp", "affiliation": "飛騨市", "consent": True}


async def feed(platform: RunningPlatform, series_id: str) -> dict[str, Any]:
    r = await platform.client.get(f"{API}/series/{series_id}/calendar.ics")
    assert r.status_code == 200 and r.headers["content-type"] == "text/calendar; charset=utf-8"
    return {str(e["uid"]).split("@")[0]: e for e in Calendar.from_ical(r.content).walk("VEVENT")}


async def test_a_monthly_series_has_one_event_per_date_with_its_own_seats(
        forum: RunningPlatform, emitted: list[EventContract]) -> None:
    series = await new_series(forum)
    published = [e for e in emitted if isinstance(e, EventPublished)]
    assert sorted(str(e.event_id) for e in published) == sorted(d["id"] for d in series["dates"])
    assert {(str(e.series_id), e.kind, e.sequence) for e in published} == {(series["id"], "cafe", 0)}
    dates = series["dates"]
    assert len(dates) == 4 and series["status"] == "published" and series["rrule"] == "FREQ=MONTHLY;COUNT=4"
    assert [datetime.fromisoformat(d["starts_at"]).astimezone(JST).day for d in dates] == [10] * 4
    assert {(d["kind"], d["online"], d["capacity"], d["confirmed"], d["sequence"], d["series_id"]) for d in dates} == {
        ("cafe", True, 2, 0, 0, series["id"])}
    assert series["feed_url"].startswith("webcal://") and series["feed_url"].endswith(
        f"/forum/api/v1/series/{series['id']}/calendar.ics")
    for i in (1, 2, 3):  # one date fills; the others keep their seats
        await forum.client.post(f"{API}/events/{dates[0]['id']}/signups", json=someone(i))
    again = (await forum.client.get(f"{API}/series/{series['id']}")).json()
    assert [(d["confirmed"], d["waitlisted"]) for d in again["dates"]] == [(2, 1), (0, 0), (0, 0), (0, 0)]
    listed = (await forum.client.get(f"{API}/series")).json()
    assert [s["id"] for s in listed] == [series["id"]] and len(listed[0]["dates"]) == 4
    async with forum["forum"].uow.read() as session:
        assert await session.scalar(select(func.count()).select_from(Event)) == 4


async def test_the_ics_parses_with_its_alarm_and_the_feed_follows_moves_and_cancellations(
        forum: RunningPlatform) -> None:
    series = await new_series(forum, capacity=1)
    first, second, third = (d["id"] for d in series["dates"][:3])
    seated = (await forum.client.post(f"{API}/events/{first}/signups", json=someone(1))).json()
    waiting = (await forum.client.post(f"{API}/events/{first}/signups", json=someone(2))).json()
    assert (seated["status"], waiting["status"]) == ("confirmed", "waitlisted")
    token = seated["manage_url"].rsplit("/", 1)[1]

    r = await forum.client.get(f"{API}/signups/manage/{token}/calendar.ics")
    assert r.status_code == 200 and r.headers["content-type"] == "text/calendar; method=PUBLISH; charset=utf-8"
    assert r.headers["content-disposition"].startswith("attachment; filename=\"kakawari-")
    calendar = Calendar.from_ical(r.content)
    assert str(calendar["method"]) == "PUBLISH"
    (event,) = calendar.walk("VEVENT")
    assert str(event["uid"]) == f"{first}@kakawari-lab.example.jp"
    assert event.decoded("dtstart") == datetime.fromisoformat(series["dates"][0]["starts_at"])
    assert (int(event.decoded("sequence")), str(event["status"])) == (0, "CONFIRMED")
    assert str(event["summary"]) == "かかわりカフェ 2026"
    (alarm,) = event.walk("VALARM")
    assert str(alarm["action"]) == "DISPLAY" and alarm.decoded("trigger") == -timedelta(hours=1)
    assert JOIN_URL.encode() not in r.content  # the join URL is only on the manage page, near the start
    waiting_ics = await forum.client.get(f"{API}/signups/manage/{waiting['manage_url'].rsplit('/', 1)[1]}/calendar.ics")
    (tentative,) = Calendar.from_ical(waiting_ics.content).walk("VEVENT")
    assert str(tentative["status"]) == "TENTATIVE" and JOIN_URL.encode() not in waiting_ics.content

    before = await feed(forum, series["id"])
    assert len(before) == 4 and {int(e.decoded("sequence")) for e in before.values()} == {0}
    assert {str(e["status"]) for e in before.values()} == {"CONFIRMED"}

    moved_to = datetime.fromisoformat(series["dates"][1]["starts_at"]) + timedelta(days=1, hours=1)
    moved = await forum.client.patch(f"{API}/events/{second}", headers=OPS, json={
        "starts_at": moved_to.isoformat(), "ends_at": (moved_to + timedelta(minutes=90)).isoformat()})
    assert moved.status_code == 200 and moved.json()["sequence"] == 1
    cancelled = await forum.client.post(f"{API}/events/{third}/cancel", headers=OPS)
    assert cancelled.status_code == 200

    after = await feed(forum, series["id"])
    assert after[second].decoded("dtstart") == moved_to and int(after[second].decoded("sequence")) == 1
    assert after[second].decoded("dtend") == moved_to + timedelta(minutes=90)
    assert str(after[third]["status"]) == "CANCELLED" and int(after[third].decoded("sequence")) == 1
    assert int(after[first].decoded("sequence")) == 0 and str(after[first]["status"]) == "CONFIRMED"
    assert JOIN_URL.encode() not in (await forum.client.get(f"{API}/series/{series['id']}/calendar.ics")).content

    # the attendee's own date moves: their .ics follows with a higher SEQUENCE
    later = datetime.fromisoformat(series["dates"][0]["starts_at"]) + timedelta(hours=2)
    await forum.client.patch(f"{API}/events/{first}", headers=OPS, json={
        "starts_at": later.isoformat(), "ends_at": (later + timedelta(minutes=90)).isoformat()})
    (event,) = Calendar.from_ical((await forum.client.get(f"{API}/signups/manage/{token}/calendar.ics")).content
                                  ).walk("VEVENT")
    assert event.decoded("dtstart") == later and int(event.decoded("sequence")) == 1

    assert (await forum.client.get(f"{API}/signups/manage/{token}x/calendar.ics")).status_code == 404
    assert (await forum.client.get(f"{API}/signups/manage/not-a-token/calendar.ics")).status_code == 404


async def test_only_operators_create_series_and_bad_rules_are_field_errors(forum: RunningPlatform) -> None:
    body = {"title": "カフェ", "rrule": "FREQ=MONTHLY;COUNT=3", "first_starts_at": first_start().isoformat(),
            "duration_minutes": 60, "capacity": 10}
    assert (await forum.client.post(f"{API}/series", json=body)).status_code == 401
    staff = bearer("staff@example.jp")
    assert (await forum.client.post(f"{API}/series", json=body, headers=staff)).status_code == 403
    for rule, field in (("FREQ=MONTHLY", "rrule"), ("FREQ=WEEKLY;COUNT=61", "rrule"),
                        ("FREQ=MONTHLY;BYDAY=1MO;COUNT=3", "first_starts_at")):
        r = await forum.client.post(f"{API}/series", json={**body, "rrule": rule}, headers=OPS)
        assert r.status_code == 422 and field in r.text, (rule, r.text)
    lottery = await forum.client.post(f"{API}/series", json={**body, "mode": "lottery"}, headers=OPS)
    assert lottery.status_code == 422 and "lottery_closes_hours" in lottery.text
    drawn = await forum.client.post(f"{API}/series", headers=OPS,
                                    json={**body, "mode": "lottery", "lottery_closes_hours": 48})
    assert drawn.status_code == 201
    dates = drawn.json()["dates"]
    assert {d["mode"] for d in dates} == {"lottery"} and len(dates) == 3
    async with forum["forum"].uow.read() as session:  # as for one event: a committed seed and a planned draw each
        seeded = (await session.scalars(select(Lottery.event_id))).all()
        draws = select(ScheduledJob.event_id).where(ScheduledJob.kind == "lottery_draw")
        drawing = (await session.scalars(draws)).all()
    assert sorted(map(str, seeded)) == sorted(map(str, drawing)) == sorted(d["id"] for d in dates)


async def test_a_draft_series_is_hidden_until_published_and_the_page_lists_its_dates(
        forum: RunningPlatform, emitted: list[EventContract]) -> None:
    series = await new_series(forum, publish=False)
    assert series["status"] == "draft" and {d["status"] for d in series["dates"]} == {"draft"}
    assert not emitted  # nothing announced before it is published
    assert (await forum.client.get(f"{API}/series/{series['id']}")).status_code == 404
    assert (await forum.client.get(f"{API}/series/{series['id']}/calendar.ics")).status_code == 404
    assert (await forum.client.get("/forum/series/" + series["id"])).status_code == 404
    assert (await forum.client.get(f"{API}/series")).json() == []
    published = await forum.client.post(f"{API}/series/{series['id']}/publish", headers=OPS)
    assert published.status_code == 200 and {d["status"] for d in published.json()["dates"]} == {"published"}
    assert len([e for e in emitted if isinstance(e, EventPublished)]) == 4
    await forum.client.post(f"{API}/events/{series['dates'][3]['id']}/cancel", headers=OPS)

    page = await forum.client.get(f"/forum/series/{series['id']}?lang=ja")
    assert page.status_code == 200 and "かかわりカフェ 2026" in page.text
    assert page.text.count('<tr data-event="') == 4 and "中止" in page.text and "webcal://" in page.text
    first = datetime.fromisoformat(series["dates"][0]["starts_at"]).astimezone(JST)
    assert first.strftime("%Y-%m-%d") in page.text and "19:00–20:30" in page.text
    for date in series["dates"]:
        assert f'href="/forum/events/{date["id"]}"' in page.text
    english = await forum.client.get(f"/forum/series/{series['id']}?lang=en")
    assert "Subscribe" in english.text and "Cancelled" in english.text
    assert (await forum.client.get(f"{API}/series/{series['id']}/calendar.ics")).status_code == 200
