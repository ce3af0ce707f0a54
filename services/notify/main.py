"""notify's service definition: what the runtime needs to run it."""

from __future__ import annotations

from pathlib import Path

from kit.contracts import notify as contracts
from kit.service import ServiceDefinition
from kit.web.pages import register_templates
from services.notify.api import router
from services.notify.bootstrap import NotifyDeps, bootstrap, load_templates, start_smtp_sink, stop_smtp_sink
from services.notify.handlers import router as handlers
from services.notify.models import MESSAGING, Base
from services.notify.pages import router as pages

HERE = Path(__file__).parent
register_templates("notify", HERE / "templates" / "pages")

SERVICE: ServiceDefinition[NotifyDeps] = ServiceDefinition(
    name="notify",
    title="通知（メール・アプリ内・Webhook） / Notifications",
    bootstrap=bootstrap,
    api=router,
    pages=pages,
    handlers=handlers,
    metadata=Base.metadata,
    tables=MESSAGING,
    migrations=HERE / "migrations",
    produces=[contracts.DeliverySent, contracts.DeliveryDeferred, contracts.DeliveryFailed,
              contracts.AddressSuppressed],
    workers=lambda deps: [deps.mailer, deps.webhooks, deps.digests],
    on_start=[load_templates, start_smtp_sink],
    on_stop=[stop_smtp_sink],
)
