"""The kit's iCalendar builder: what clients read back (parsed with icalendar itself): the stable
UID, SEQUENCE, UTC times, alarms, the iTIP method with its organizer and attendee, cancellations,
feeds of several dates, and text that needs escaping and folding. No I/O."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from uuid import UUID

import pytest
from icalendar import Calendar

from kit.ical import CalendarEvent, calendar_ics, content_type, event_ics, event_uid

EVENT = UUID("0b6e4f00-0000-4000-8000-000000000001")
JST = timezone(timedelta(hours=9))
STARTS = datetime(2026, 10, 17, 13, 0, tzinfo=JST)  # 04:00 UTC
ENDS = datetime(2026, 10, 17, 17, 0, tzinfo=JST)
STAMP = datetime(2026, 9, 1, 0, 0, tzinfo=UTC)


def build(**values: Any) -> bytes:
    base: dict[str, Any] = dict(
        uid=EVENT, sequence=0, summary="北陸・東海ブロックフォーラム", description="事例発表と交流会",
        starts_at=STARTS, ends_at=ENDS, location="金沢市文化ホール", url="https://kakawari.example.jp/forum/e/1",
        status="CONFIRMED", method="REQUEST", organizer_email="noreply@kakawari-lab.example.jp",
        organizer_name="かかわりラボ事務局", attendee_email="tanaka@city.hida.example.jp", attendee_name="田中 花子",
        stamp=STAMP)
    return event_ics(**(base | values))


def parse(raw: bytes) -> Calendar:
    calendar = Calendar.from_ical(raw)
    assert isinstance(calendar, Calendar)
    return calendar


def only_event(raw: bytes) -> Any:
    [event] = parse(raw).walk("VEVENT")
    return event


def test_an_invitation_reads_back_as_given() -> None:
    raw = build()
    calendar = parse(raw)
    assert calendar["VERSION"] == "2.0" and calendar["METHOD"] == "REQUEST" and calendar["PRODID"]
    event = only_event(raw)
    assert str(event["UID"]) == f"{EVENT}@kakawari-lab.example.jp" == event_uid(EVENT)
    assert event["SEQUENCE"] == 0 and event["STATUS"] == "CONFIRMED"
    assert str(event["SUMMARY"]) == "北陸・東海ブロックフォーラム" and str(event["LOCATION"]) == "金沢市文化ホール"
    assert str(event["DESCRIPTION"]) == "事例発表と交流会"
    assert str(event["URL"]) == "https://kakawari.example.jp/forum/e/1"
    assert event.decoded("DTSTART") == datetime(2026, 10, 17, 4, 0, tzinfo=UTC)
    assert event.decoded("DTEND") == datetime(2026, 10, 17, 8, 0, tzinfo=UTC)
    assert event.decoded("DTSTAMP") == STAMP


def test_times_go_out_in_utc_without_a_timezone_block() -> None:
    raw = build()
    assert b"DTSTART:20261017T040000Z" in raw and b"DTEND:20261017T080000Z" in raw
    assert b"VTIMEZONE" not in raw and b"TZID" not in raw


def test_naive_or_backwards_times_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        build(starts_at=datetime(2026, 10, 17, 13, 0))
    with pytest.raises(ValueError, match="after"):
        build(ends_at=STARTS)


def test_the_uid_is_stable_and_a_string_uid_is_kept() -> None:
    assert only_event(build())["UID"] == only_event(build(sequence=3, summary="変更"))["UID"]
    assert str(only_event(build(uid="custom-1@example.jp"))["UID"]) == "custom-1@example.jp"


def test_the_default_alarm_rings_an_hour_before() -> None:
    [alarm] = parse(build()).walk("VALARM")
    assert alarm["ACTION"] == "DISPLAY" and str(alarm["DESCRIPTION"]) == "北陸・東海ブロックフォーラム"
    assert alarm.decoded("TRIGGER") == timedelta(hours=-1)


def test_several_alarms_or_none() -> None:
    triggers = [a.decoded("TRIGGER") for a in parse(build(alarm_minutes=(1440, 60))).walk("VALARM")]
    assert triggers == [timedelta(days=-1), timedelta(hours=-1)]
    assert parse(build(alarm_minutes=())).walk("VALARM") == []
    with pytest.raises(ValueError):
        build(alarm_minutes=(-5,))


def test_the_invitation_names_organizer_and_attendee_without_asking_for_a_reply() -> None:
    event = only_event(build())
    organizer, attendee = event["ORGANIZER"], event["ATTENDEE"]
    assert str(organizer) == "mailto:noreply@kakawari-lab.example.jp" and organizer.params["CN"] == "かかわりラボ事務局"
    assert str(attendee) == "mailto:tanaka@city.hida.example.jp" and attendee.params["CN"] == "田中 花子"
    assert attendee.params["PARTSTAT"] == "ACCEPTED" and attendee.params["RSVP"] == "FALSE"


def test_request_and_cancel_need_organizer_and_attendee_publish_does_not() -> None:
    for method in ("REQUEST", "CANCEL"):
        with pytest.raises(ValueError, match="organizer_email and attendee_email"):
            build(method=method, status="CANCELLED", attendee_email=None)
    published = build(method="PUBLISH", organizer_email=None, attendee_email=None)
    assert parse(published)["METHOD"] == "PUBLISH"
    assert "ORGANIZER" not in only_event(published) and "ATTENDEE" not in only_event(published)


def test_a_cancellation_raises_the_sequence_and_rings_nothing() -> None:
    raw = build(method="CANCEL", status="CANCELLED", sequence=2)
    event = only_event(raw)
    assert parse(raw)["METHOD"] == "CANCEL" and event["STATUS"] == "CANCELLED" and event["SEQUENCE"] == 2
    assert event["ATTENDEE"].params["PARTSTAT"] == "DECLINED" and parse(raw).walk("VALARM") == []
    with pytest.raises(ValueError, match="CANCEL goes with STATUS:CANCELLED"):
        build(method="CANCEL", status="CONFIRMED")


def test_unknown_method_or_status_is_refused() -> None:
    with pytest.raises(ValueError):
        build(method="REPLY")
    with pytest.raises(ValueError):
        build(status="POSTPONED")


def test_optional_fields_are_left_out() -> None:
    event = only_event(build(description="", location=None, url=None))
    assert "DESCRIPTION" not in event and "LOCATION" not in event and "URL" not in event


def test_text_is_escaped_and_long_lines_are_folded_at_75_octets() -> None:
    summary = "かかわりカフェ; 第12回, 関係人口と地域の未来\\を語る" * 4
    description = "1行目\n2行目, 持ち物; 名刺"
    raw = build(summary=summary, description=description)
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    raw.decode("utf-8")  # folding never splits a character
    event = only_event(raw)
    assert str(event["SUMMARY"]) == summary and str(event["DESCRIPTION"]) == description


def test_lines_end_with_crlf() -> None:
    raw = build()
    assert raw.endswith(b"END:VCALENDAR\r\n") and b"\n" not in raw.replace(b"\r\n", b"")


def test_a_feed_holds_each_date_with_its_own_uid_and_follows_a_moved_one() -> None:
    first, second = UUID(int=1), UUID(int=2)
    dates = [CalendarEvent(uid=first, summary="かかわりカフェ 6月", starts_at=STARTS, ends_at=ENDS),
             CalendarEvent(uid=second, summary="かかわりカフェ 7月", starts_at=STARTS + timedelta(days=35),
                           ends_at=ENDS + timedelta(days=35), sequence=1, status="CANCELLED")]
    raw = calendar_ics(dates, name="かかわりカフェ", stamp=STAMP)
    calendar = parse(raw)
    assert calendar["METHOD"] == "PUBLISH" and str(calendar["X-WR-CALNAME"]) == "かかわりカフェ"
    events = calendar.walk("VEVENT")
    assert [str(e["UID"]) for e in events] == [event_uid(first), event_uid(second)]
    assert [e["STATUS"] for e in events] == ["CONFIRMED", "CANCELLED"]
    assert len(events[0].walk("VALARM")) == 1 and events[1].walk("VALARM") == []


def test_dtstamp_defaults_to_now() -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    stamped = only_event(build(stamp=None)).decoded("DTSTAMP")
    assert before <= stamped <= datetime.now(UTC)


def test_the_mime_type_names_the_same_method() -> None:
    assert content_type("REQUEST") == "text/calendar; method=REQUEST; charset=utf-8"
