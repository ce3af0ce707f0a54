"""forum's composition root: its dependencies, built once at start."""

from __future__ import annotations

from dataclasses import dataclass

from kit.messaging.unit_of_work import UnitOfWorkFactory
from kit.service import ServiceCore


@dataclass(frozen=True)
class ForumDeps:
    uow: UnitOfWorkFactory


def bootstrap(core: ServiceCore) -> ForumDeps:
    return ForumDeps(uow=core.uow)
