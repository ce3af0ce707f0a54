"""forum's composition root: its dependencies, built once at start."""

from __future__ import annotations

from dataclasses import dataclass

from kit.messaging.unit_of_work import UnitOfWorkFactory
from kit.service import ServiceCore
from kit.web.sessions import SessionCodec
from services.forum.links import SignupLinks


@dataclass(frozen=True)
class ForumDeps:
    uow: UnitOfWorkFactory
    links: SignupLinks  # signed manage and verification links
    sessions: SessionCodec  # the platform's signed session cookie, for the pages
    production: bool


def bootstrap(core: ServiceCore) -> ForumDeps:
    settings = core.settings
    return ForumDeps(uow=core.uow, links=SignupLinks(secret=settings.secret_key, base_url=settings.public_base_url),
                     sessions=SessionCodec(secret=settings.secret_key, secure=settings.production),
                     production=settings.production)
