"""The one path every change to a membership takes: a history row and its event, in one unit of work.

The outbox and the table never disagree, because both are written in the caller's transaction.
"""

from __future__ import annotations

from kit.contracts import registry as events
from kit.contracts.base import DEFAULT_LOCALE
from kit.messaging.envelope import new_event_id
from kit.messaging.unit_of_work import UnitOfWork
from kit.web.auth import Principal
from kit.web.locale import as_locale
from services.registry.membership.domain.workflow import EventVerb
from services.registry.models import Member, MemberHistory

EVENTS: dict[EventVerb, type[events._MemberEvent]] = {
    "applied": events.MemberApplied, "approved": events.MemberApproved, "rejected": events.MemberRejected,
    "returned": events.MemberReturned, "suspended": events.MemberSuspended, "withdrawn": events.MemberWithdrawn,
    "updated": events.MemberUpdated,
}


def record(tx: UnitOfWork, member: Member, action: str, from_status: str | None, actor: Principal | None,
           note: str | None, verb: EventVerb) -> None:
    """Append the history row and emit the event."""
    tx.session.add(MemberHistory(
        id=new_event_id(), member_id=member.id, action=action, from_status=from_status, to_status=member.status,
        actor_id=actor.user_id if actor else None, actor_email=actor.email if actor else None, note=note,
        at=member.updated_at,
    ))
    tx.emit(EVENTS[verb](
        member_id=member.id, name=member.name, kind=member.kind, status=member.status,
        actor_id=actor.user_id if actor else None, note=note, contact_email=member.contact_email,
        locale=as_locale(member.locale) or DEFAULT_LOCALE, at=member.updated_at,
    ))
