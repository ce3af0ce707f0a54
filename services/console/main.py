"""console's service definition: the operators' dashboards, read models of every service's events."""

from __future__ import annotations

from pathlib import Path

from kit.service import ServiceDefinition
from kit.web.pages import register_templates
from services.console.api import router
from services.console.bootstrap import ConsoleDeps, bootstrap
from services.console.handlers import router as handlers
from services.console.models import MESSAGING, Base
from services.console.pages import router as pages

HERE = Path(__file__).parent
register_templates("console", HERE / "templates" / "pages")

SERVICE: ServiceDefinition[ConsoleDeps] = ServiceDefinition(
    name="console", title="運営コンソール / The operators' console: the network's figures and the system's health",
    bootstrap=bootstrap, api=router, pages=pages, handlers=handlers,
    metadata=Base.metadata, tables=MESSAGING, migrations=HERE / "migrations",
)
