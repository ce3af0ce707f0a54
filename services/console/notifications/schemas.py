"""The notifications dashboard as the API returns it (and the pages render it). Labelled values
carry their Japanese and English words (`state_ja`, `state_en`; `channel_ja`, `channel_en`)."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from pydantic import BaseModel, Field


class StateCounts(BaseModel):
    """Deliveries by their state as of the day (each delivery once, in its latest state)."""

    sent: int
    deferred: int = Field(description="waiting: quiet hours, the daily digest, or a retry")
    failed: int
    bounced: int
    total: int
    failure_rate: float | None = Field(description="(failed + bounced) / (sent + failed + bounced), 0–1; null if none")


class StateRow(BaseModel):
    state: str = Field(description="sent | deferred | failed | bounced")
    state_ja: str
    state_en: str
    deliveries: int


class ChannelCounts(StateCounts):
    channel: str = Field(description="email | webhook")
    channel_ja: str
    channel_en: str


class TemplateCounts(StateCounts):
    template: str = Field(description="the message type's name in notify's catalogue")


class DeliveryDay(BaseModel):
    """One JST day: deliveries that reached each state that day, addresses suppressed that day."""

    day: date
    sent: int
    deferred: int
    failed: int
    bounced: int
    suppressed: int


class FailureRow(BaseModel):
    """A delivery that failed or bounced; `trace_id` finds the trace it travelled in."""

    delivery_id: UUID
    channel: str
    template: str
    state: str = Field(description="failed | bounced")
    state_ja: str
    state_en: str
    reason: str | None
    at: datetime
    trace_id: str | None


class NotificationFigures(BaseModel):
    """The notifications dashboard as of a day: facts dated before that day's end (JST) only."""

    as_of: date
    cutoff: datetime = Field(description="the instant the day ends in JST (UTC); facts at or after it are left out")
    days: int = Field(description="the window of `per_day`: this many days ending on `as_of`")
    totals: StateCounts
    states: list[StateRow] = Field(
        description="the totals as labelled rows, in the order sent, deferred, failed, bounced")
    by_channel: list[ChannelCounts]
    by_template: list[TemplateCounts]
    per_day: list[DeliveryDay]
    suppressed: int = Field(description="addresses suppressed (hard bounces) before the cutoff")
    recent_failures: list[FailureRow] = Field(description="the latest failures before the cutoff, newest first")
