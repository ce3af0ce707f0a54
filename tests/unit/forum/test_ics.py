"""forum's iCalendar builder: a signup's `.ics` parses with icalendar, holds its alarm, carries
SEQUENCE and STATUS, never a join URL; the REQUEST variant names its attendee; the feed keeps
cancelled dates as STATUS:CANCELLED."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from icalendar import Calendar, Component

from services.forum.calendar.domain.ics import ORGANIZER, Occurrence, Person, content_type, event_ics, feed_ics, uid

STAMP = datetime(2026, 5, 1, 0, 0, tzinfo=UTC)
START = datetime(2026, 6, 17, 10, 0, tzinfo=UTC)  # 19:00 JST
CAFE = Occurrence(event_id=uuid4(), title="かかわりカフェ 6月", starts_at=START, ends_at=START + timedelta(hours=1),
                  sequence=2, online=True, url="https://kakawari.example.jp/forum/events/x")
FORUM = Occurrence(event_id=uuid4(), title="北陸・東海ブロックフォーラム", starts_at=START,
                   ends_at=START + timedelta(hours=6), venue="ウインクあいち 大ホール")
MANAGE = "https://kakawari.example.jp/forum/manage/abc.def"


def only_event(raw: bytes) -> tuple[Calendar, Component]:
    calendar = Calendar.from_ical(raw)
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return calendar, events[0]


def test_a_confirmed_signup_parses_with_its_alarm_sequence_and_status() -> None:
    calendar, event = only_event(event_ics(CAFE, stamp=STAMP, manage_url=MANAGE))
    assert str(calendar["method"]) == "PUBLISH" and str(calendar["version"]) == "2.0"
    assert str(event["uid"]) == uid(CAFE.event_id) == f"{CAFE.event_id}@kakawari-lab.example.jp"
    assert event.decoded("dtstart") == START and event.decoded("dtend") == START + timedelta(hours=1)
    assert int(event.decoded("sequence")) == 2 and str(event["status"]) == "CONFIRMED"
    assert str(event["location"]) == "オンライン" and str(event["url"]) == MANAGE
    assert str(event["organizer"]) == f"mailto:{ORGANIZER.email}"
    (alarm,) = event.walk("VALARM")
    assert str(alarm["action"]) == "DISPLAY" and alarm.decoded("trigger") == -timedelta(hours=1)
    assert str(alarm["description"])


def test_an_in_person_forum_alarms_a_day_ahead_at_its_venue_in_english() -> None:
    _, event = only_event(event_ics(FORUM, stamp=STAMP, locale="en", manage_url=MANAGE))
    assert str(event["location"]) == "ウインクあいち 大ホール"
    assert event.walk("VALARM")[0].decoded("trigger") == -timedelta(hours=24)
    assert "See, change or cancel your signup" in str(event["description"])


@pytest.mark.parametrize(("signup_status", "expected", "label"), [
    ("waitlisted", "TENTATIVE", "【キャンセル待ち】"), ("pending_verification", "TENTATIVE", "【メール確認待ち】"),
    ("cancelled", "CANCELLED", ""), ("not_selected", "CANCELLED", ""), ("confirmed", "CONFIRMED", "")])
def test_the_status_follows_the_signup(signup_status: str, expected: str, label: str) -> None:
    _, event = only_event(event_ics(CAFE, stamp=STAMP, signup_status=signup_status, manage_url=MANAGE))
    assert str(event["status"]) == expected
    assert str(event["summary"]) == label + CAFE.title
    assert bool(event.walk("VALARM")) is (expected != "CANCELLED")  # no alarm for what is off
    assert "参加が確定した方に" in str(event["description"]) or expected == "CONFIRMED"


def test_a_cancelled_event_is_cancelled_for_everyone() -> None:
    moved = Occurrence(**{**CAFE.__dict__, "cancelled": True, "sequence": 3})
    _, event = only_event(event_ics(moved, stamp=STAMP))
    assert str(event["status"]) == "CANCELLED" and int(event.decoded("sequence")) == 3 and not event.walk("VALARM")


def test_the_request_variant_names_the_attendee_and_matches_its_mime_type() -> None:
    attendee = Person("tanaka@city.hida.example.jp", "田中 花子")
    calendar, event = only_event(event_ics(CAFE, stamp=STAMP, method="REQUEST", attendee=attendee))
    assert str(calendar["method"]) == "REQUEST"
    assert str(event["attendee"]) == "mailto:tanaka@city.hida.example.jp"
    assert event["attendee"].params["PARTSTAT"] == "ACCEPTED"
    assert content_type("REQUEST") == "text/calendar; method=REQUEST; charset=utf-8"
    with pytest.raises(ValueError, match="attendee"):
        event_ics(CAFE, stamp=STAMP, method="REQUEST")
    calendar, event = only_event(event_ics(CAFE, stamp=STAMP, method="CANCEL", attendee=attendee))
    assert str(calendar["method"]) == "CANCEL" and str(event["status"]) == "CANCELLED"
    _, published = only_event(event_ics(CAFE, stamp=STAMP, attendee=attendee))
    assert "attendee" not in published  # RFC 5546: PUBLISH names no attendee


def test_the_feed_holds_every_date_with_its_sequence_and_cancelled_ones_marked() -> None:
    dates = [Occurrence(event_id=uuid4(), title="かかわりカフェ", starts_at=START + timedelta(days=28 * i),
                        ends_at=START + timedelta(days=28 * i, hours=1), online=True, sequence=i % 2,
                        cancelled=i == 2) for i in range(4)]
    calendar = Calendar.from_ical(feed_ics(dates, name="かかわりカフェ 2026", stamp=STAMP, description="毎月"))
    assert str(calendar["x-wr-calname"]) == "かかわりカフェ 2026" and str(calendar["method"]) == "PUBLISH"
    assert calendar["refresh-interval"].params["VALUE"] == "DURATION"
    events = calendar.walk("VEVENT")
    assert [str(e["uid"]) for e in events] == [uid(d.event_id) for d in dates]
    assert [int(e.decoded("sequence")) for e in events] == [0, 1, 0, 1]
    assert [str(e["status"]) for e in events] == ["CONFIRMED", "CONFIRMED", "CANCELLED", "CONFIRMED"]
    assert not any(e.walk("VALARM") for e in events)  # a subscriber is not an attendee


def test_no_join_url_ever_appears() -> None:
    raw = event_ics(CAFE, stamp=STAMP, manage_url=MANAGE) + feed_ics([CAFE], name="x", stamp=STAMP)
    assert b"zoom" not in raw.lower() and b"join_url" not in raw
