"""A service's own copy of the registry's members (name, kind, status), kept from the
`registry.member.*` events, so the service can name and check members without reading the
registry's database. forum and matching keep one; both declare it with these two pieces:

    class Member(MemberCopy, Base): ...          # models.py: the table
    keep_members(router, Member)                  # handlers.py: its four subscriptions
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar
from uuid import UUID

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from kit.contracts.registry import MemberApproved, MemberSuspended, MemberUpdated, MemberWithdrawn
from kit.db.types import utcnow
from kit.messaging.handlers import EventRouter, HandlerContext

D = TypeVar("D")
MemberEvent = MemberApproved | MemberUpdated | MemberSuspended | MemberWithdrawn


class MemberCopy:
    """The columns of a member's copy (a declarative mixin)."""

    __tablename__ = "members"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    updated_at: Mapped[datetime]


M = TypeVar("M", bound=MemberCopy)

# What each event means for the copy: its subscription's description.
_EVENTS: tuple[tuple[type[MemberEvent], str, str], ...] = (
    (MemberApproved, "approved", "A new member: the copy starts."),
    (MemberUpdated, "updated", "A member's name, kind or status changed."),
    (MemberSuspended, "suspended", "A suspended member's staff can no longer act for it here."),
    (MemberWithdrawn, "withdrawn", "A withdrawn member is kept for history, marked withdrawn."),
)


def keep_members(router: EventRouter[D], model: type[M]) -> None:
    """Subscribe `router` to the four member events, each upserting `model`'s row
    (consumers `<service>-member-<verb>`)."""

    async def keep(event: MemberEvent, ctx: HandlerContext[Any]) -> None:
        member = await ctx.session.get(model, event.member_id)
        if member is None:
            ctx.session.add(model(id=event.member_id, name=event.name, kind=event.kind,  # type: ignore[call-arg]
                                  status=event.status, updated_at=utcnow()))
            return
        member.name, member.kind, member.status, member.updated_at = event.name, event.kind, event.status, utcnow()

    for contract, verb, description in _EVENTS:
        async def handler(event: MemberEvent, ctx: HandlerContext[Any]) -> None:
            await keep(event, ctx)

        handler.__doc__ = description
        handler.__name__ = f"on_member_{verb}"
        router.on(contract, name=f"{router.service}-member-{verb}")(handler)
