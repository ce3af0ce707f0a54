"""matching's composition root: its dependencies, built once at start."""

from __future__ import annotations

from dataclasses import dataclass, field

from kit.messaging.unit_of_work import UnitOfWorkFactory
from kit.service import ServiceCore
from kit.web.sessions import SessionCodec
from services.matching.recommendations.index_cache import Recommender


@dataclass(frozen=True)
class MatchingDeps:
    uow: UnitOfWorkFactory
    sessions: SessionCodec  # the platform's signed session cookie, for the pages
    base_url: str  # the public address links in events point at (a program's page)
    production: bool
    recommender: Recommender = field(default_factory=Recommender)  # the scorer and its program index, kept


def bootstrap(core: ServiceCore) -> MatchingDeps:
    settings = core.settings
    return MatchingDeps(uow=core.uow, sessions=SessionCodec(secret=settings.secret_key, secure=settings.production),
                        base_url=settings.public_base_url, production=settings.production)
