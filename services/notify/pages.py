"""notify's pages, mounted under /notify/: the sub-slices' page routers.

Templates live in ./templates/pages, one folder per slice, registered by main.py as `notify/…`;
the messages' own templates (email and inbox texts) in ./templates/messages; scripts in ./static.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter

from kit.web.static import static_router
from services.notify.delivery.pages import router as delivery
from services.notify.inbox.pages import router as inbox
from services.notify.messages.pages import router as messages
from services.notify.preferences.pages import router as preferences
from services.notify.webhooks.pages import router as webhooks

router = APIRouter(include_in_schema=False)
for part in (inbox, preferences, delivery, webhooks, messages):
    router.include_router(part)
router.include_router(static_router(Path(__file__).parent / "static"))  # the pages' scripts, at /notify/assets/
