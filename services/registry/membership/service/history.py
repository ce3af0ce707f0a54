"""The one path every change to a membership takes: a history row and its event, in one unit of work.

The outbox and the table never disagree, because both are written in the caller's transaction.
A membership that predates the platform is told once, with its whole history (`imported`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypedDict

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


class Home(TypedDict):
    prefecture_code: str | None
    municipality_code: str | None


def home(member: Member) -> Home:
    """Where a member is at home, as every member event carries it (the console's prefecture and block).
    An organisation has no local-government code of its own, so its municipality_code is None."""
    return {"prefecture_code": member.prefecture_code, "municipality_code": member.local_government_code}


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
        locale=as_locale(member.locale) or DEFAULT_LOCALE, at=member.updated_at, **home(member),
    ))


def imported(member: Member, history: Iterable[MemberHistory]) -> events.MemberImported:
    """A membership from before the platform with its dated steps, oldest first: facts, not news."""
    steps = tuple(events.StatusChange(status=row.to_status, at=row.at) for row in sorted(history, key=lambda r: r.at))
    return events.MemberImported(member_id=member.id, name=member.name, kind=member.kind, status=member.status,
                                 history=steps, at=steps[-1].at, **home(member))
