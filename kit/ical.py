"""iCalendar (RFC 5545) for events: one builder that forum's calendar and notify's invitations share.

Pure: plain values in, bytes out (icalendar). Every time goes out in UTC (`...Z`), so no VTIMEZONE
is needed and every client shows its own local time. The UID is stable per event
(`{event_id}@kakawari-lab.example.jp`) and SEQUENCE counts its changes, so a client that already
has the event updates it (a moved date, STATUS:CANCELLED) rather than adding a second one.

iTIP (RFC 5546): METHOD:REQUEST and METHOD:CANCEL carry an ORGANIZER and the ATTENDEE they are
for; PUBLISH (a download or a feed) needs neither. A mail that carries one as its
`text/calendar; method=...` part must use the same method in both places (RFC 6047).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal
from uuid import UUID

from icalendar import Alarm, Calendar, Event, vCalAddress, vText

UID_DOMAIN = "kakawari-lab.example.jp"
PRODID = "-//kakawari-lab.example.jp//kakawari//JA"
Status = Literal["CONFIRMED", "TENTATIVE", "CANCELLED"]
Method = Literal["PUBLISH", "REQUEST", "CANCEL"]
STATUSES: tuple[str, ...] = ("CONFIRMED", "TENTATIVE", "CANCELLED")
METHODS: tuple[str, ...] = ("PUBLISH", "REQUEST", "CANCEL")
CONTENT_TYPE = "text/calendar"


def event_uid(event_id: UUID | str) -> str:
    """The UID of an event: the same in every .ics, feed and invitation about it."""
    return f"{event_id}@{UID_DOMAIN}"


def _uid(uid: UUID | str) -> str:
    # An event's id becomes its UID; a string is taken as a UID already.
    return event_uid(uid) if isinstance(uid, UUID) else uid


def _utc(value: datetime, name: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware (got {value!r})")
    return value.astimezone(UTC)


def content_type(method: Method) -> str:
    """The MIME type of a calendar carrying `method` (RFC 6047): the part's method= matches the METHOD inside."""
    return f"{CONTENT_TYPE}; method={method}; charset=utf-8"


@dataclass(frozen=True)
class CalendarEvent:
    """One VEVENT. `uid` is an event's id (made into its UID) or a UID; `alarm_minutes` gives one
    VALARM per entry, that many minutes before the start."""

    uid: UUID | str
    summary: str
    starts_at: datetime
    ends_at: datetime
    sequence: int = 0
    description: str = ""
    location: str | None = None
    url: str | None = None
    status: Status = "CONFIRMED"
    organizer_email: str | None = None
    organizer_name: str | None = None
    attendee_email: str | None = None
    attendee_name: str | None = None
    alarm_minutes: Sequence[int] = (60,)

    def component(self, stamp: datetime) -> Event:
        if self.status not in STATUSES:
            raise ValueError(f"unknown STATUS {self.status!r}")
        starts, ends = _utc(self.starts_at, "starts_at"), _utc(self.ends_at, "ends_at")
        if ends <= starts:
            raise ValueError("ends_at must come after starts_at")
        if self.sequence < 0:
            raise ValueError("sequence must not be negative")
        event = Event()
        event.add("uid", _uid(self.uid))
        event.add("sequence", self.sequence)
        event.add("dtstamp", stamp)
        event.add("dtstart", starts)
        event.add("dtend", ends)
        event.add("summary", self.summary)
        if self.description:
            event.add("description", self.description)
        if self.location:
            event.add("location", self.location)
        if self.url:
            event.add("url", self.url)
        event.add("status", self.status)
        event.add("transp", "TRANSPARENT" if self.status == "CANCELLED" else "OPAQUE")
        if self.organizer_email:
            event.add("organizer", _address(self.organizer_email, self.organizer_name))
        if self.attendee_email:
            attendee = _address(self.attendee_email, self.attendee_name)
            # 申込は確定済み：返信ボタンで主催者に承諾メールを送らせない / the seat is taken already: no RSVP asked
            attendee.params["ROLE"] = "REQ-PARTICIPANT"
            attendee.params["PARTSTAT"] = "DECLINED" if self.status == "CANCELLED" else "ACCEPTED"
            attendee.params["RSVP"] = "FALSE"
            event.add("attendee", attendee)
        if self.status != "CANCELLED":  # 中止の予定は鳴らさない / a cancelled event rings no alarm
            for minutes in self.alarm_minutes:
                event.add_component(_alarm(minutes, self.summary))
        return event


def _address(email: str, name: str | None) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    if name:
        address.params["CN"] = vText(name)
    return address


def _alarm(minutes: int, summary: str) -> Alarm:
    if minutes < 0:
        raise ValueError("alarm_minutes are minutes before the start, so not negative")
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", summary)
    alarm.add("trigger", timedelta(minutes=-minutes))
    return alarm


def calendar_ics(events: Sequence[CalendarEvent], *, method: Method = "PUBLISH", name: str | None = None,
                 stamp: datetime | None = None) -> bytes:
    """A VCALENDAR of `events` (a series feed, or one event), CRLF-folded UTF-8 bytes.

    `stamp` is DTSTAMP (now unless given, so a test can fix it); `name` names a feed in clients."""
    if method not in METHODS:
        raise ValueError(f"unknown METHOD {method!r}")
    if method != "PUBLISH":
        for event in events:
            # iTIP は主催者と宛先の参加者を必須とする / iTIP needs the organizer and the attendee it is for
            if not event.organizer_email or not event.attendee_email:
                raise ValueError(f"METHOD:{method} needs organizer_email and attendee_email")
            if method == "CANCEL" and event.status != "CANCELLED":
                raise ValueError("METHOD:CANCEL goes with STATUS:CANCELLED")
    stamp = _utc(stamp or datetime.now(UTC), "stamp")
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
    for event in events:
        calendar.add_component(event.component(stamp))
    raw: bytes = calendar.to_ical()
    return raw


def event_ics(*, uid: UUID | str, sequence: int, summary: str, description: str, starts_at: datetime,
              ends_at: datetime, location: str | None, url: str | None, status: Status = "CONFIRMED",
              method: Method = "PUBLISH", organizer_email: str | None = None, organizer_name: str | None = None,
              attendee_email: str | None = None, attendee_name: str | None = None,
              alarm_minutes: Sequence[int] = (60,), stamp: datetime | None = None) -> bytes:
    """One event as an .ics: a signup's download (PUBLISH), the confirmation's invitation
    (REQUEST, to the attendee) or its withdrawal (CANCEL with STATUS:CANCELLED)."""
    event = CalendarEvent(uid=uid, sequence=sequence, summary=summary, description=description,
                          starts_at=starts_at, ends_at=ends_at, location=location, url=url, status=status,
                          organizer_email=organizer_email, organizer_name=organizer_name,
                          attendee_email=attendee_email, attendee_name=attendee_name, alarm_minutes=alarm_minutes)
    return calendar_ics([event], method=method, stamp=stamp)
