"""notify's HTTP API (JSON, under /notify/api/v1): the sub-slices' routers, nothing else."""

from __future__ import annotations

from fastapi import APIRouter

from services.notify.delivery.api import router as delivery
from services.notify.inbox.api import router as inbox
from services.notify.preferences.api import router as preferences
from services.notify.webhooks.api import router as webhooks

router = APIRouter()
for part in (inbox, preferences, delivery, webhooks):
    router.include_router(part)
