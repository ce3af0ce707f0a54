"""notify's composition root: its dependencies, built once at start."""

from __future__ import annotations

from dataclasses import dataclass

from kit.messaging.unit_of_work import UnitOfWorkFactory
from kit.service import ServiceCore
from kit.web.sessions import SessionCodec
from kit.worker import Worker
from services.notify.config import NotifyConfig
from services.notify.delivery.dev_smtp import SmtpSink
from services.notify.delivery.digests import DueDigest, digest_worker
from services.notify.delivery.mailer import PendingMail, mailer
from services.notify.inbox.live import InboxEvents
from services.notify.messages import render
from services.notify.preferences.tokens import UnsubscribeLinks
from services.notify.webhooks.sender import PendingHook, webhook_sender
from services.notify.webhooks.targets import allow_private


@dataclass(frozen=True)
class NotifyDeps:
    uow: UnitOfWorkFactory
    config: NotifyConfig
    mailer: Worker[PendingMail]
    webhooks: Worker[PendingHook]
    digests: Worker[DueDigest]
    smtp_sink: SmtpSink | None  # all-in-one development without SMTP_URL: mail is caught here
    sessions: SessionCodec  # reads the platform's signed session cookie, for the pages
    live: InboxEvents  # wakes a person's open inbox pages when their inbox changes
    links: UnsubscribeLinks  # signed one-click unsubscribe URLs (RFC 8058)
    public_base_url: str
    production: bool


def bootstrap(core: ServiceCore, config: NotifyConfig | None = None) -> NotifyDeps:
    config = config or NotifyConfig()
    settings = core.settings
    sink = None if settings.smtp_url else SmtpSink()
    smtp_url = settings.smtp_url or (sink.url if sink else "")
    links = UnsubscribeLinks(secret=settings.secret_key, base_url=settings.public_base_url)
    return NotifyDeps(
        uow=core.uow, config=config,
        mailer=mailer(core.db, core.uow, smtp_url, links=links, lease_s=config.lease_s,
                      connections=config.smtp_connections),
        webhooks=webhook_sender(core.db, core.uow, lease_s=config.lease_s, links=links,
                                allow_private=allow_private(config, settings.production)),
        digests=digest_worker(core.db, links=links, outbox=core.uow.outbox),
        smtp_sink=sink,
        sessions=SessionCodec(secret=settings.secret_key, secure=settings.production),
        live=InboxEvents(), links=links, public_base_url=settings.public_base_url, production=settings.production,
    )


async def load_templates(deps: NotifyDeps) -> None:
    """Every message type's templates, at start: a missing or broken one stops the service here,
    not at the first message of its kind."""
    render.preload()


async def start_smtp_sink(deps: NotifyDeps) -> None:
    if deps.smtp_sink is not None:
        deps.smtp_sink.start()


async def stop_smtp_sink(deps: NotifyDeps) -> None:
    if deps.smtp_sink is not None:
        deps.smtp_sink.stop()
