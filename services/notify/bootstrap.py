"""notify's composition root: its dependencies, built once at start."""

from __future__ import annotations

from dataclasses import dataclass

from kit.messaging.unit_of_work import UnitOfWorkFactory
from kit.service import ServiceCore
from kit.web.sessions import SessionCodec
from kit.worker import Worker
from services.notify.dev_smtp import SmtpSink
from services.notify.mailer import PendingMail, mailer


@dataclass(frozen=True)
class NotifyDeps:
    uow: UnitOfWorkFactory
    mailer: Worker[PendingMail]
    smtp_sink: SmtpSink | None  # all-in-one development without SMTP_URL: mail is caught here
    sessions: SessionCodec  # reads the platform's signed session cookie, for the inbox page


def bootstrap(core: ServiceCore) -> NotifyDeps:
    sink = None if core.settings.smtp_url else SmtpSink()
    smtp_url = core.settings.smtp_url or (sink.url if sink else "")
    return NotifyDeps(uow=core.uow, mailer=mailer(core.db, smtp_url), smtp_sink=sink,
                      sessions=SessionCodec(secret=core.settings.secret_key, secure=core.settings.production))


async def start_smtp_sink(deps: NotifyDeps) -> None:
    if deps.smtp_sink is not None:
        deps.smtp_sink.start()


async def stop_smtp_sink(deps: NotifyDeps) -> None:
    if deps.smtp_sink is not None:
        deps.smtp_sink.stop()
