"""What happens to one email before it is sent: the rules, without I/O.

Order matters: an address that hard-bounced gets nothing (not even critical mail: it cannot
arrive); a person's switch turns off non-critical mail; quiet hours hold non-urgent mail until
the window ends (never dropping it); everything else goes at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from services.notify.domain.kinds import DeliveryState

JST = ZoneInfo("Asia/Tokyo")
DEFAULT_QUIET = ("21:00", "08:00")


def parse_hhmm(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


@dataclass(frozen=True)
class QuietHours:
    """A daily window in JST; it may wrap midnight (21:00–08:00)."""

    start: time
    end: time

    @classmethod
    def parse(cls, start: str, end: str) -> QuietHours:
        return cls(parse_hhmm(start), parse_hhmm(end))

    def ends_after(self, now: datetime) -> datetime | None:
        """If `now` (aware) falls in the window, when it ends (UTC); else None."""
        local = now.astimezone(JST)
        clock = local.time().replace(tzinfo=None)
        if self.start == self.end:
            return None
        wraps = self.start > self.end
        inside = (clock >= self.start or clock < self.end) if wraps else (self.start <= clock < self.end)
        if not inside:
            return None
        end_day = local.date() + timedelta(days=1) if wraps and clock >= self.start else local.date()
        return datetime.combine(end_day, self.end, tzinfo=JST).astimezone(UTC)


@dataclass(frozen=True)
class EmailPlan:
    state: DeliveryState
    send_at: datetime
    reason: str | None = None


def plan_email(*, now: datetime, critical: bool, urgent: bool, wanted: bool, suppressed: bool,
               quiet: QuietHours | None) -> EmailPlan:
    if suppressed:
        return EmailPlan(DeliveryState.suppressed, now, "address suppressed after a hard bounce")
    if not critical and not wanted:
        return EmailPlan(DeliveryState.suppressed, now, "turned off in the recipient's settings")
    if not critical and not urgent and quiet is not None and (until := quiet.ends_after(now)) is not None:
        return EmailPlan(DeliveryState.deferred, until, "quiet hours")
    return EmailPlan(DeliveryState.queued, now)


def next_digest_at(now: datetime, at: str) -> datetime:
    """The next time (UTC), after `now`, that the JST clock shows `at`."""
    local = now.astimezone(JST)
    candidate = datetime.combine(local.date(), parse_hhmm(at), tzinfo=JST)
    if candidate <= local:
        candidate += timedelta(days=1)
    return candidate.astimezone(UTC)
