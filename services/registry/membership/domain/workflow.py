"""Membership status workflow: which action may move which status where.

The table is data, not branching code, so tests can enumerate every legal and
illegal (status, action) pair and the UI can offer only legal actions.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Literal

from kit.errors import Conflict, FieldProblem, ValidationFailed
from services.registry.domain.text import Label


class MemberStatus(StrEnum):
    draft = "draft"
    submitted = "submitted"
    returned = "returned"
    approved = "approved"
    rejected = "rejected"
    active = "active"
    suspended = "suspended"
    withdrawn = "withdrawn"

    @property
    def label(self) -> Label:
        return STATUS_LABELS[self]


class Action(StrEnum):
    submit = "submit"
    approve = "approve"
    reject = "reject"
    return_for_changes = "return_for_changes"
    activate = "activate"
    suspend = "suspend"
    reinstate = "reinstate"
    withdraw = "withdraw"

    @property
    def label(self) -> Label:
        return ACTION_LABELS[self]


_S, _A = MemberStatus, Action
STATUS_LABELS: dict[MemberStatus, Label] = {
    _S.draft: Label("下書き", "Draft"),
    _S.submitted: Label("申請中", "Submitted"),
    _S.returned: Label("差し戻し", "Returned for changes"),
    _S.approved: Label("承認済み", "Approved"),
    _S.rejected: Label("却下", "Rejected"),
    _S.active: Label("有効", "Active"),
    _S.suspended: Label("停止中", "Suspended"),
    _S.withdrawn: Label("退会", "Withdrawn"),
}
ACTION_LABELS: dict[Action, Label] = {
    _A.submit: Label("申請", "submit"),
    _A.approve: Label("承認", "approve"),
    _A.reject: Label("却下", "reject"),
    _A.return_for_changes: Label("差し戻し", "return for changes"),
    _A.activate: Label("有効化", "activate"),
    _A.suspend: Label("停止", "suspend"),
    _A.reinstate: Label("再開", "reinstate"),
    _A.withdraw: Label("退会", "withdraw"),
}

# The event vocabulary is fixed for subscribers; activate/reinstate map to "updated".
EventVerb = Literal["applied", "approved", "rejected", "returned", "suspended", "withdrawn", "updated"]


@dataclass(frozen=True, slots=True)
class Transition:
    from_status: MemberStatus
    action: Action
    to_status: MemberStatus
    event_verb: EventVerb


_LEGAL: list[Transition] = [
    Transition(_S.draft, _A.submit, _S.submitted, "applied"),
    Transition(_S.returned, _A.submit, _S.submitted, "applied"),
    Transition(_S.submitted, _A.approve, _S.approved, "approved"),
    Transition(_S.submitted, _A.reject, _S.rejected, "rejected"),
    Transition(_S.submitted, _A.return_for_changes, _S.returned, "returned"),
    Transition(_S.approved, _A.activate, _S.active, "updated"),
    Transition(_S.active, _A.suspend, _S.suspended, "suspended"),
    Transition(_S.suspended, _A.reinstate, _S.active, "updated"),
    *(Transition(s, _A.withdraw, _S.withdrawn, "withdrawn") for s in (_S.approved, _S.active, _S.suspended)),
]
# Every legal (status, action) pair; any pair absent from it is illegal.
ALL_TRANSITIONS = MappingProxyType({(t.from_status, t.action): t for t in _LEGAL})

# Actions that must carry a note, and the field the note is reported under.
REQUIRED_NOTE: dict[Action, str] = {_A.reject: "reason", _A.return_for_changes: "comment", _A.suspend: "reason"}

# Statuses that keep a local-government code / corporate number taken.
HOLDING_STATUSES = frozenset({_S.draft, _S.submitted, _S.returned, _S.approved, _S.active, _S.suspended})


class IllegalTransition(Conflict):
    def __init__(self, status: MemberStatus, action: Action) -> None:
        super().__init__(
            ja=f"「{status.label.ja}」の状態では「{action.label.ja}」はできません。",
            en=f"Cannot {action.label.en} a membership that is {status.label.en.lower()}.",
            from_status=status.value,
            action=action.value,
            allowed_actions=[a.value for a in allowed_actions(status)],
        )


def allowed_actions(status: MemberStatus | str) -> list[Action]:
    status = MemberStatus(status)
    return [a for (s, a) in ALL_TRANSITIONS if s == status]


def plan_transition(status: MemberStatus | str, action: Action | str, *, note: str | None = None) -> Transition:
    """Decide the move without performing it; raises before anything is written."""
    status, action = MemberStatus(status), Action(action)
    transition = ALL_TRANSITIONS.get((status, action))
    if transition is None:
        raise IllegalTransition(status, action)
    field = REQUIRED_NOTE.get(action)
    if field is not None and not (note and note.strip()):
        what = Label("理由", "reason") if field == "reason" else Label("コメント", "comment")
        raise ValidationFailed([
            FieldProblem(
                field,
                "required",
                ja=f"「{action.label.ja}」には{what.ja}の入力が必要です。",
                en=f"A {what.en} is required to {action.label.en}.",
            )
        ])
    return transition

