"""Which scheduled jobs an event has, when each is due, and how a change of the event changes
its rows. Pure.

What an event calls for (`schedule`):
- `reminder_24h` and `reminder_1h`: 24 h and 1 h before the start, to every confirmed attendee;
- in-person events with `reconfirm_hours`: `reconfirm_request` that long before the start, and
  `reconfirm_deadline` halfway from the request to the start (T − reconfirm_hours / 2):
  attendees get half the window to answer, and the seats freed at the deadline half the window
  to reach the waitlist, who need that time to arrange the journey to a venue;
- lottery and hybrid events: `lottery_draw` when the lottery closes.
Only published events call for jobs.

How the rows follow (`changes`), given what the table holds:
- a job called for and missing is added, unless its time has passed (a 24 h reminder is not
  sent 3 h before); the draw is added even late: its entrants are waiting for it;
- a job not yet claimed takes its new time (the event moved), or goes if that time has passed;
- a job claimed by the worker (`attempts` > 0: running, or waiting to retry) is left to it,
  unless the event moved later, when it is due again at the new time;
- a job that fired fires again only if the event moved later (the one way a job whose time had
  come is wanted in the future); a draw never fires twice;
- a job not fired that is no longer called for (cancelled, unpublished, now online) goes.
Fired rows stay, as the record of what was sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class JobKind(StrEnum):
    reminder_24h = "reminder_24h"
    reminder_1h = "reminder_1h"
    reconfirm_request = "reconfirm_request"
    reconfirm_deadline = "reconfirm_deadline"
    lottery_draw = "lottery_draw"


# What a reminder job tells attendees: ReminderDue's `which`.
REMINDERS: dict[JobKind, str] = {JobKind.reminder_24h: "24h", JobKind.reminder_1h: "1h",
                                 JobKind.reconfirm_request: "reconfirm"}
BEFORE_START = {JobKind.reminder_24h: timedelta(hours=24), JobKind.reminder_1h: timedelta(hours=1)}
REARMABLE = frozenset(REMINDERS) | {JobKind.reconfirm_deadline}
LOTTERY_MODES = ("lottery", "hybrid")


@dataclass(frozen=True)
class EventTimes:
    """What planning needs of an event."""

    status: str  # draft | published | cancelled
    starts_at: datetime
    online: bool
    mode: str
    lottery_closes_at: datetime | None = None
    reconfirm_hours: float | None = None


@dataclass(frozen=True)
class JobState:
    """What planning needs of a job's row."""

    due_at: datetime
    done_at: datetime | None
    attempts: int  # > 0: the worker has claimed it


def reconfirm_deadline(starts_at: datetime, reconfirm_hours: float) -> datetime:
    return starts_at - timedelta(hours=reconfirm_hours) / 2


def schedule(event: EventTimes) -> dict[JobKind, datetime]:
    """Every job the event calls for, with its time, past or not."""
    if event.status != "published":
        return {}
    wanted = {kind: event.starts_at - before for kind, before in BEFORE_START.items()}
    if not event.online and event.reconfirm_hours:
        wanted[JobKind.reconfirm_request] = event.starts_at - timedelta(hours=event.reconfirm_hours)
        wanted[JobKind.reconfirm_deadline] = reconfirm_deadline(event.starts_at, event.reconfirm_hours)
    if event.mode in LOTTERY_MODES and event.lottery_closes_at is not None:
        wanted[JobKind.lottery_draw] = event.lottery_closes_at
    return wanted


def changes(event: EventTimes, jobs: Mapping[JobKind, JobState], now: datetime) -> dict[JobKind, datetime | None]:
    """What to write: per kind, the time its row is (again) due, fresh and unfired; None to
    delete the row. Kinds not in the answer stay as they are."""
    wanted = schedule(event)
    out: dict[JobKind, datetime | None] = {kind: None for kind, job in jobs.items()
                                           if job.done_at is None and kind not in wanted}
    for kind, at in wanted.items():
        job = jobs.get(kind)
        late = at <= now and kind != JobKind.lottery_draw
        if job is None:
            if not late:
                out[kind] = at
        elif job.done_at is not None:
            if kind in REARMABLE and at > now:
                out[kind] = at
        elif job.attempts == 0:
            if late:
                out[kind] = None
            elif job.due_at != at:
                out[kind] = at
        elif at > now and job.due_at != at:
            out[kind] = at
    return out
