"""registry's composition root: its typed dependencies, built once at start.

Routes take them as `deps: Deps` (`services.registry.web.deps`), handlers as `ctx.deps`,
the demo seed as its argument. Tests reach them as `platform["registry"].deps` and may
swap `limits` (hence not frozen).
"""

from __future__ import annotations

from dataclasses import dataclass

from kit.messaging.unit_of_work import UnitOfWorkFactory
from kit.service import ServiceCore
from kit.web.sessions import SessionCodec
from services.registry.config import LinkSettings, RateLimits
from services.registry.domain.local_government import Gazetteer
from services.registry.gazetteer import load_gazetteer


@dataclass
class RegistryDeps:
    uow: UnitOfWorkFactory
    secret_key: str  # signs bearer tokens; the platform's shared key, so every service can verify them
    links: LinkSettings  # signing key and public address of emailed links
    limits: RateLimits  # sign-in and application rate limits
    sessions: SessionCodec  # the pages' signed session cookie
    gazetteer: Gazetteer  # the official list of local governments


def bootstrap(core: ServiceCore) -> RegistryDeps:
    settings = core.settings
    return RegistryDeps(
        uow=core.uow,
        secret_key=settings.secret_key,
        links=LinkSettings(secret=settings.secret_key, base_url=settings.public_base_url),
        limits=RateLimits(),
        sessions=SessionCodec(secret=settings.secret_key, secure=settings.production),
        gazetteer=load_gazetteer(),
    )
