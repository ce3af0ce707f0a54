"""The event's seat counters, as the kit's one capacity rule sees them (kit/capacity.py)."""

from __future__ import annotations

from sqlalchemy import Table

from kit.capacity import Seats
from services.forum.models import Event

assert isinstance(Event.__table__, Table)
EVENT_SEATS = Seats(Event.__table__, capacity="capacity", taken=("confirmed", "held"), waitlisted="waitlisted",
                    ticket="waitlist_seq", reserved="reserved")
