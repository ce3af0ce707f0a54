"""Scheduled work's API shapes."""

from __future__ import annotations

from datetime import datetime

from services.forum.signups.schemas import SignupDetail


class ReconfirmRead(SignupDetail):
    """A signup after its attendee reconfirmed: `reconfirmed_at` is when they first did."""

    reconfirmed_at: datetime | None
