"""matching's subscriptions: every event it reacts to, in one place.

matching keeps its own copy of the registry's members (name, kind, status), so programs can name
their member and check it may post, without reading another service's database; and blanks a
person the registry erased (APPI).
"""

from __future__ import annotations

from kit.contracts.registry import PersonErased
from kit.db.types import utcnow
from kit.members import keep_members
from kit.messaging.handlers import EventRouter, HandlerContext
from services.matching.bootstrap import MatchingDeps
from services.matching.helpers import service as helpers
from services.matching.models import Member

router: EventRouter[MatchingDeps] = EventRouter("matching")
Context = HandlerContext[MatchingDeps]
keep_members(router, Member)  # registry.member.approved/updated/suspended/withdrawn.v1 → the copy


@router.on(PersonErased, name="matching-registry-person-erased")
async def on_person_erased(event: PersonErased, ctx: Context) -> None:
    """Blank the person's helper profile; the pseudonymous id keeps dated counts true."""
    await helpers.erase(ctx.session, event.email, utcnow())


# forum.signup.checked_in.v1 (a forum check-in counts as a participation) is handled by the
# participation slice, here, beside the others: `@router.on(SignupCheckedIn, name="matching-forum-checked-in")`.
