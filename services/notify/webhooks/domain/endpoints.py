"""Rules about a member's endpoints: how many, which secrets sign, when one is disabled,
and what a payload looks like. Pure."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

MAX_ENDPOINTS = 10  # per member: enough for a few systems, not a way to multiply our sends
ROTATION_OVERLAP = timedelta(hours=24)  # the old secret keeps signing while receivers switch
RECENT_DELIVERIES = 10  # shown with each endpoint


def signing_secrets(secret: str, previous: str | None, previous_until: datetime | None,
                    now: datetime) -> list[str]:
    """The secrets that sign a try made `now`: the current one, and during a rotation the
    previous one too, so a receiver that still has only the old one keeps verifying."""
    if previous and previous_until is not None and previous_until > now:
        return [secret, previous]
    return [secret]


def rotating_until(previous: str | None, previous_until: datetime | None, now: datetime) -> datetime | None:
    """Until when the previous secret still signs, if a rotation is under way."""
    return previous_until if previous and previous_until is not None and previous_until > now else None


def should_disable(*, failing_since: datetime, last_success_at: datetime | None) -> bool:
    """An endpoint is disabled when a delivery gave up and nothing reached it meanwhile: it
    has failed for as long as that delivery was retried (about a day). One that still takes
    other deliveries stays on; only the one payload failed."""
    return last_success_at is None or last_success_at < failing_since


def disable_reason(attempts: int, failing_since: datetime, now: datetime, last_error: str | None) -> str:
    hours = max(0.0, (now - failing_since).total_seconds() / 3600)
    return f"{attempts} tries over {hours:.1f} h failed; last: {last_error or 'unknown error'}"


def recipient_hash(endpoint_id: UUID) -> str:
    """What the delivery log keeps of its recipient (the endpoint), as for an address."""
    return hashlib.sha256(str(endpoint_id).encode()).hexdigest()


def delivery_key(source_event_id: UUID | str, endpoint_id: UUID, event_type: str) -> str:
    """One delivery per (event, endpoint, type): a redelivered event finds its row."""
    return f"{source_event_id}:{endpoint_id}:webhook:{event_type}"


def timestamp(at: datetime) -> str:
    """ISO 8601 in UTC with a Z, as Standard Webhooks' examples write it."""
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")


def payload(event_type: str, at: datetime, data: Mapping[str, Any]) -> str:
    """The body sent (and signed) byte for byte: `{"type", "timestamp", "data"}`."""
    return json.dumps({"type": event_type, "timestamp": timestamp(at), "data": dict(data)},
                      ensure_ascii=False, separators=(",", ":"), default=str)


def test_event_data(*, endpoint_id: UUID, member_id: UUID) -> dict[str, Any]:
    return {"endpoint_id": str(endpoint_id), "member_id": str(member_id),
            "message": "かかわりラボからのテストイベントです。 / A test event from Kakawari Lab."}
