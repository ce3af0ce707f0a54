"""forum's pages, mounted under /forum/: the sub-slices' page routers.

Templates live in ./templates/pages, one folder per slice, registered by main.py as `forum/…`;
the pages' scripts in ./static.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter

from kit.web.static import static_router
from services.forum.booths.pages import router as booths
from services.forum.calendar.pages import router as calendar
from services.forum.checkin.pages import router as checkin
from services.forum.events.pages import router as events
from services.forum.lottery.pages import router as lottery
from services.forum.meetings.pages import router as meetings
from services.forum.ops.pages import router as ops
from services.forum.schedule.pages import router as schedule
from services.forum.signups.pages import router as signups

router = APIRouter(include_in_schema=False)
for part in (events, signups, lottery, calendar, checkin, booths, meetings, schedule, ops):
    router.include_router(part)
router.include_router(static_router(Path(__file__).parent / "static"))  # the pages' scripts, at /forum/assets/
