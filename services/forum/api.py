"""forum's HTTP API (JSON, under /forum/api/v1): the sub-slices' routers, nothing else."""

from __future__ import annotations

from fastapi import APIRouter

from services.forum.booths.api import router as booths
from services.forum.calendar.api import router as calendar
from services.forum.checkin.api import router as checkin
from services.forum.events.api import router as events
from services.forum.lottery.api import router as lottery
from services.forum.meetings.api import router as meetings
from services.forum.schedule.api import router as schedule
from services.forum.signups.api import router as signups

router = APIRouter()
for part in (events, signups, lottery, calendar, checkin, booths, meetings, schedule):
    router.include_router(part)
