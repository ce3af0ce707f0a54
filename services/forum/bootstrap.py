"""forum's composition root: its dependencies, built once at start."""

from __future__ import annotations

from dataclasses import dataclass

from kit.messaging.unit_of_work import UnitOfWorkFactory
from kit.service import ServiceCore
from kit.web.sessions import SessionCodec
from kit.worker import Worker
from services.forum.links import SignupLinks
from services.forum.schedule.jobs import DueJob, ExpiredHold, holds, scheduler
from services.forum.signups.desk import SignupDesk


@dataclass(frozen=True)
class ForumDeps:
    uow: UnitOfWorkFactory
    links: SignupLinks  # signed manage and verification links
    desk: SignupDesk  # new signups, decided in batches per event
    sessions: SessionCodec  # the platform's signed session cookie, for the pages
    scheduler: Worker[DueJob]  # reminders, reconfirmation, lottery draws: once, across restarts and replicas
    holds: Worker[ExpiredHold]  # expired holds and offers give their seats to the next in line
    production: bool


def bootstrap(core: ServiceCore) -> ForumDeps:
    settings = core.settings
    links = SignupLinks(secret=settings.secret_key, base_url=settings.public_base_url)
    return ForumDeps(uow=core.uow, links=links, desk=SignupDesk(core.uow, links),
                     sessions=SessionCodec(secret=settings.secret_key, secure=settings.production),
                     scheduler=scheduler(core.db, core.uow, links), holds=holds(core.db, core.uow, links),
                     production=settings.production)
