"""The words notify's rules are written in: channels, categories and delivery states. Pure."""

from __future__ import annotations

from enum import StrEnum


class Channel(StrEnum):
    """How a message reaches its recipient."""

    email = "email"
    inbox = "inbox"  # the in-app inbox
    webhook = "webhook"  # a member's own system


class Category(StrEnum):
    """What a message is about: the unit a person turns on or off, per channel.

    `account` holds the critical messages (sign-in links, invitations, security): they ignore
    preferences, so it is not offered as a switch."""

    membership = "membership"
    events = "events"
    programs = "programs"
    digests = "digests"
    account = "account"


SETTABLE_CATEGORIES: tuple[Category, ...] = (Category.membership, Category.events, Category.programs,
                                             Category.digests)
PERSON_CHANNELS: tuple[Channel, ...] = (Channel.email, Channel.inbox)


class DeliveryState(StrEnum):
    """Where a delivery stands. queued → sending → sent; or deferred (quiet hours, or a retry
    after a temporary failure), failed (gave up), bounced (a hard bounce), suppressed (not sent
    on purpose: a preference, a suppressed address, an erased person; the reason says which)."""

    queued = "queued"
    sending = "sending"
    sent = "sent"
    deferred = "deferred"
    failed = "failed"
    bounced = "bounced"
    suppressed = "suppressed"


WAITING: tuple[DeliveryState, ...] = (DeliveryState.queued, DeliveryState.deferred)
FINAL: tuple[DeliveryState, ...] = (DeliveryState.sent, DeliveryState.failed, DeliveryState.bounced,
                                    DeliveryState.suppressed)
