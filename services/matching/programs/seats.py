"""A program's place counters, as the kit's one capacity rule sees them (kit/capacity.py): the
first-come applications take places with it, the same rule as forum's signups, not a copy."""

from __future__ import annotations

from sqlalchemy import Table

from kit.capacity import Seats
from services.matching.models import Program

assert isinstance(Program.__table__, Table)
PROGRAM_SEATS = Seats(Program.__table__, capacity="capacity", taken=("confirmed", "held"), waitlisted="waitlisted",
                      ticket="waitlist_seq", reserved="reserved")
