"""forum's subscriptions: every event it reacts to, in one place. forum keeps its own copy of
the registry's members (name, kind, status), so signups and booths can name and check them
without reading another service's database."""

from __future__ import annotations

from kit.contracts.registry import (
    MemberApproved,
    MemberSuspended,
    MemberUpdated,
    MemberWithdrawn,
)
from kit.db.types import utcnow
from kit.messaging.handlers import EventRouter, HandlerContext
from services.forum.bootstrap import ForumDeps
from services.forum.models import Member

router: EventRouter[ForumDeps] = EventRouter("forum")
Context = HandlerContext[ForumDeps]
MemberEvent = MemberApproved | MemberUpdated | MemberSuspended | MemberWithdrawn


async def keep(event: MemberEvent, ctx: Context) -> None:
    member = await ctx.session.get(Member, event.member_id)
    if member is None:
        ctx.session.add(Member(id=event.member_id, name=event.name, kind=event.kind, status=event.status,
                               updated_at=utcnow()))
        return
    member.name, member.kind, member.status, member.updated_at = event.name, event.kind, event.status, utcnow()


@router.on(MemberApproved, name="forum-member-approved")
async def on_member_approved(event: MemberApproved, ctx: Context) -> None:
    """A new member: forum's copy starts."""
    await keep(event, ctx)


@router.on(MemberUpdated, name="forum-member-updated")
async def on_member_updated(event: MemberUpdated, ctx: Context) -> None:
    """A member's name, kind or status changed."""
    await keep(event, ctx)


@router.on(MemberSuspended, name="forum-member-suspended")
async def on_member_suspended(event: MemberSuspended, ctx: Context) -> None:
    """A suspended member's staff can no longer apply for booths."""
    await keep(event, ctx)


@router.on(MemberWithdrawn, name="forum-member-withdrawn")
async def on_member_withdrawn(event: MemberWithdrawn, ctx: Context) -> None:
    """A withdrawn member is kept for history, marked withdrawn."""
    await keep(event, ctx)
