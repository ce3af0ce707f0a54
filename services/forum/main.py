"""forum's service definition."""

from __future__ import annotations

from pathlib import Path

from kit.service import ServiceDefinition
from services.forum.api import router
from services.forum.bootstrap import ForumDeps, bootstrap
from services.forum.handlers import router as handlers
from services.forum.models import MESSAGING, Base

SERVICE: ServiceDefinition[ForumDeps] = ServiceDefinition(
    name="forum", title="フォーラム・かかわりカフェ / Forums and cafés",
    bootstrap=bootstrap, api=router, handlers=handlers,
    metadata=Base.metadata, tables=MESSAGING, migrations=Path(__file__).parent / "migrations",
)
