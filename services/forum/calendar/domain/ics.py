"""forum's calendar rules on the kit's iCalendar builder (kit/ical.py, which notify's invitations
share): how a signup's state shows in the attendee's calendar (STATUS, a label, no alarm once it
is off), where it is (the venue, or that it is online: never the join URL, which the manage page
shows to confirmed attendees shortly before the start), when the alarm rings, and the series
feed's calendar properties. Pure: plain values in, bytes out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID

from icalendar import Calendar, vDuration

from kit.ical import PRODID, CalendarEvent, Method, Status, calendar_ics, content_type, event_uid

__all__ = ["ORGANIZER", "Occurrence", "Person", "content_type", "event_ics", "feed_ics", "status", "uid"]

ALARM_ONLINE = 60  # minutes: an online café, a nudge an hour ahead
ALARM_IN_PERSON = 24 * 60  # a forum in a hall: a day ahead, to travel
REFRESH = timedelta(hours=1)  # how often a subscribed feed asks again


@dataclass(frozen=True)
class Person:
    email: str
    name: str


# The sender notify's invitations name too, so a client holding both sees one organizer.
ORGANIZER = Person("noreply@kakawari-lab.example.jp", "かかわりラボ事務局")


@dataclass(frozen=True)
class Occurrence:
    """One date as a calendar sees it: the event's facts, nothing of forum's tables."""

    event_id: UUID | str
    title: str
    starts_at: datetime
    ends_at: datetime
    sequence: int = 0  # grows on every move (and on cancellation), so clients replace their copy
    cancelled: bool = False
    online: bool = False
    venue: str | None = None
    url: str | None = None  # the event's page


# A seat not yet secured, or a place in line, is TENTATIVE with a label; a seat given up is CANCELLED.
_TENTATIVE = {"pending_verification": ("メール確認待ち", "awaiting email confirmation"),
              "offered": ("お席のご案内中", "seat offered"), "waitlisted": ("キャンセル待ち", "waitlisted"),
              "lottery_entered": ("抽選待ち", "in the lottery")}
_OFF = ("cancelled", "not_selected")


def uid(event_id: UUID | str) -> str:
    """The same for an event in every `.ics`, email and feed, so a client keeps one copy."""
    return event_uid(event_id)


def status(*, signup_status: str | None, event_cancelled: bool) -> Status:
    """STATUS for an attendee (`signup_status`) or for the feed (None)."""
    if event_cancelled or signup_status in _OFF:
        return "CANCELLED"
    return "TENTATIVE" if signup_status in _TENTATIVE else "CONFIRMED"


def event_ics(occurrence: Occurrence, *, stamp: datetime, signup_status: str = "confirmed",
              method: Method = "PUBLISH", attendee: Person | None = None, manage_url: str | None = None,
              locale: str = "ja", join_opens_minutes: int = 15, organizer: Person = ORGANIZER) -> bytes:
    """One attendee's calendar entry, with an alarm while it is on. `stamp` is DTSTAMP (now).
    PUBLISH (the download) names no attendee (RFC 5546); REQUEST and CANCEL need one."""
    ja = locale == "ja"
    state: Status = "CANCELLED" if method == "CANCEL" else status(signup_status=signup_status,
                                                                   event_cancelled=occurrence.cancelled)
    label = _TENTATIVE.get(signup_status) if state == "TENTATIVE" else None
    summary = occurrence.title if label is None else (
        f"【{label[0]}】{occurrence.title}" if ja else f"[{label[1]}] {occurrence.title}")
    lines = [occurrence.title]
    if occurrence.online:
        lines.append(_join_note(ja, join_opens_minutes, confirmed=state == "CONFIRMED"))
    if manage_url:
        lines.append(("申込みの確認・変更・キャンセル: " if ja else "See, change or cancel your signup: ") + manage_url)
    to = attendee if method != "PUBLISH" else None
    entry = CalendarEvent(
        uid=uid(occurrence.event_id), summary=summary, starts_at=occurrence.starts_at, ends_at=occurrence.ends_at,
        sequence=occurrence.sequence, description="\n".join(lines), location=_location(occurrence, ja),
        url=manage_url or occurrence.url, status=state, organizer_email=organizer.email,
        organizer_name=organizer.name, attendee_email=to.email if to else None,
        attendee_name=to.name if to else None,
        alarm_minutes=(ALARM_ONLINE if occurrence.online else ALARM_IN_PERSON,))
    return calendar_ics([entry], method=method, stamp=stamp)


def feed_ics(occurrences: Iterable[Occurrence], *, name: str, stamp: datetime, description: str = "",
             organizer: Person = ORGANIZER) -> bytes:
    """A subscribable calendar of every date: moved dates at their new time with a higher
    SEQUENCE, cancelled ones kept with STATUS:CANCELLED so subscribers' copies are struck out.
    No alarms: a subscriber is not (yet) an attendee."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("name", name)  # RFC 7986, and the names Apple's and Google's clients read
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Asia/Tokyo")
    if description:
        calendar.add("description", description)
        calendar.add("x-wr-caldesc", description)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH))
    stamp = stamp.astimezone(UTC)
    for o in occurrences:
        entry = CalendarEvent(
            uid=uid(o.event_id), summary=o.title, starts_at=o.starts_at, ends_at=o.ends_at, sequence=o.sequence,
            description="\n".join([o.title] + ([o.url] if o.url else [])), location=_location(o, None), url=o.url,
            status="CANCELLED" if o.cancelled else "CONFIRMED", organizer_email=organizer.email,
            organizer_name=organizer.name, alarm_minutes=())
        calendar.add_component(entry.component(stamp))
    return bytes(calendar.to_ical())


def _location(occurrence: Occurrence, ja: bool | None) -> str | None:
    """The venue, or that it is online (never where to join). `ja` None: both languages."""
    if not occurrence.online:
        return occurrence.venue
    return "オンライン / Online" if ja is None else "オンライン" if ja else "Online"


def _join_note(ja: bool, minutes: int, *, confirmed: bool) -> str:
    if confirmed:
        return (f"オンライン開催です。参加URLは開始{minutes}分前から申込みページに表示されます。" if ja else
                f"Online: the join link appears on your signup page from {minutes} minutes before the start.")
    return (f"オンライン開催です。参加URLは参加が確定した方に、開始{minutes}分前から表示されます。" if ja else
            f"Online: the join link is shown to confirmed attendees from {minutes} minutes before the start.")
