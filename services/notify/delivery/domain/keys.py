"""Identities of deliveries: the idempotency key and the address hash the log keeps. Pure."""

from __future__ import annotations

import hashlib
from uuid import UUID

MESSAGE_ID_DOMAIN = "kakawari-lab.example.jp"


def normalize(address: str) -> str:
    return address.strip().lower()


def address_hash(address: str) -> str:
    """What the log keeps of an address after erasure: enough to match, nothing to read."""
    return hashlib.sha256(normalize(address).encode()).hexdigest()


def delivery_key(source_event_id: UUID | str, recipient: str, channel: str, template: str) -> str:
    """One row per (source event, recipient, channel, template): a redelivered event finds its row."""
    return f"{source_event_id}:{normalize(recipient)}:{channel}:{template}"


def message_id(delivery_id: UUID) -> str:
    """The email's Message-ID, from the delivery's id: a retry after a crash carries the same one."""
    return f"<{delivery_id}@{MESSAGE_ID_DOMAIN}>"
