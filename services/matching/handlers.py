"""matching's subscriptions: every event it reacts to, in one place.

matching keeps its own copy of the registry's members (name, kind, status), so programs can name
their member and check it may post, without reading another service's database; and blanks a
person the registry erased (APPI).
"""

from __future__ import annotations

from kit.contracts.forum import SignupCheckedIn, SignupConfirmed
from kit.contracts.matching import ProgramPublished
from kit.contracts.registry import PersonErased
from kit.db.types import utcnow
from kit.members import keep_members
from kit.messaging.handlers import EventRouter, HandlerContext
from services.matching.bootstrap import MatchingDeps
from services.matching.helpers import service as helpers
from services.matching.models import Member
from services.matching.participation import service as participation
from services.matching.recommendations import service as recommendations

router: EventRouter[MatchingDeps] = EventRouter("matching")
Context = HandlerContext[MatchingDeps]
keep_members(router, Member)  # registry.member.approved/updated/suspended/withdrawn.v1 → the copy


@router.on(PersonErased, name="matching-registry-person-erased")
async def on_person_erased(event: PersonErased, ctx: Context) -> None:
    """Blank the person: the words in scouts to them, their active applications (withdrawn, the
    next in line moving up) and their profile; the pseudonymous id keeps dated counts true."""
    await recommendations.forget(ctx.session, event.email)
    await helpers.erase(ctx.session, event.email, utcnow(), emit=ctx.emit, base_url=ctx.deps.base_url)


@router.on(ProgramPublished, name="matching-program-published-host-role")
async def on_program_published(event: ProgramPublished, ctx: Context) -> None:
    """Whoever posts a published program takes the host role where it is (つなげる)."""
    await participation.host_took_role(ctx.session, ctx.emit, program_id=event.program_id)


# Participation: a forum check-in names only the signup, so a known helper's confirmed seat is
# remembered first (by id, not address).
@router.on(SignupConfirmed, name="matching-forum-signup-confirmed")
async def on_forum_signup_confirmed(event: SignupConfirmed, ctx: Context) -> None:
    """Remember a known helper's seat at a forum gathering, so their check-in counts."""
    await participation.forum_seat(ctx.session, signup_id=event.signup_id, event_id=event.event_id,
                                   email=event.email, venue=event.venue, online=event.online)


@router.on(SignupCheckedIn, name="matching-forum-checked-in")
async def on_forum_checked_in(event: SignupCheckedIn, ctx: Context) -> None:
    """A known helper's forum check-in counts as a participation (and may deepen their relation)."""
    await participation.forum_checkin(ctx.session, ctx.emit, signup_id=event.signup_id, event_id=event.event_id,
                                      at=event.at, base_url=ctx.deps.base_url)
