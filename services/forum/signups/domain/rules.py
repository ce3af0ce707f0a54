"""A signup's states and the decision a new signup gets. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class SignupStatus(StrEnum):
    confirmed = "confirmed"
    pending_verification = "pending_verification"  # the seat is held until the address is verified
    waitlisted = "waitlisted"
    offered = "offered"  # promoted from the waitlist, the seat held until the offer expires
    lottery_entered = "lottery_entered"
    not_selected = "not_selected"
    cancelled = "cancelled"


SEATED = (SignupStatus.confirmed, SignupStatus.pending_verification, SignupStatus.offered)
ACTIVE = (*SEATED, SignupStatus.waitlisted, SignupStatus.lottery_entered)
# Which seat counter of the event a seated status occupies.
COUNTER = {SignupStatus.confirmed: "confirmed", SignupStatus.pending_verification: "held", SignupStatus.offered: "held"}

# Check-in codes: 8 characters without 0/O and 1/I, read aloud and typed at a desk.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8

# The purpose of use and the consent text's version, recorded with every signup (APPI).
CONSENT_VERSION = "2026-04"
PURPOSE = ("参加者の受付、当日の運営、開催のご連絡、参加状況の集計（個人を特定しない形）に利用します。"
           " / Used to register you, run the day, contact you about the event, and count attendance anonymously.")


@dataclass(frozen=True)
class Attempt:
    """How a new signup tries for a seat: `into` the held or confirmed counter, capped at
    `limit` seats (hybrid: the first-come share); or it enters the lottery."""

    lottery: bool
    into: str | None = None
    limit: int | None = None


def attempt(*, mode: str, now: datetime, lottery_closes_at: datetime | None, first_come_seats: int | None,
            verified: bool, hold: bool) -> Attempt:
    """`verified`: the address is known (a signed-in member's staff); `hold`: the event holds
    a public signup's seat until its address is verified (double opt-in)."""
    into = "confirmed" if verified or not hold else "held"
    if mode == "first_come" or (lottery_closes_at is not None and now >= lottery_closes_at):
        return Attempt(lottery=False, into=into)
    if mode == "hybrid":
        return Attempt(lottery=False, into=into, limit=first_come_seats)
    return Attempt(lottery=True)


def status_for(into: str) -> SignupStatus:
    return SignupStatus.confirmed if into == "confirmed" else SignupStatus.pending_verification
