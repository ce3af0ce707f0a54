"""notify's service definition: what the runtime needs to run it."""

from __future__ import annotations

from pathlib import Path

from kit.contracts.notify import MessageDelivered
from kit.runtime import ServiceRuntime
from kit.service import ServiceDefinition
from kit.web.pages import register_templates
from services.notify.api import pages, router
from services.notify.dev_smtp import SmtpSink
from services.notify.handlers import router as handlers
from services.notify.mailer import Mailer
from services.notify.models import MESSAGING, Base

HERE = Path(__file__).parent
register_templates("notify", HERE / "pages")


async def start_mail(runtime: ServiceRuntime) -> None:
    smtp_url = runtime.settings.smtp_url
    if not smtp_url:  # all-in-one development: catch mail in a built-in sink
        sink = SmtpSink().start()
        runtime.extras["smtp_sink"] = sink
        smtp_url = sink.url
    mailer = Mailer(runtime.db, smtp_url)
    runtime.extras["mailer"] = mailer
    mailer.start()


async def stop_mail(runtime: ServiceRuntime) -> None:
    if mailer := runtime.extras.get("mailer"):
        await mailer.stop()
    if sink := runtime.extras.get("smtp_sink"):
        sink.stop()


SERVICE = ServiceDefinition(
    name="notify",
    title="通知（メール・アプリ内・Webhook） / Notifications",
    api=router,
    pages=pages,
    handlers=handlers,
    metadata=Base.metadata,
    tables=MESSAGING,
    migrations=HERE / "migrations",
    produces=[MessageDelivered],
    on_start=[start_mail],
    on_stop=[stop_mail],
)
