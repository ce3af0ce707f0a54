"""The membership status workflow: every legal and illegal (status, action) pair, notes, labels."""

from __future__ import annotations

from itertools import product

import pytest

from kit.errors import Conflict, ValidationFailed
from services.registry.membership.domain.workflow import (
    ALL_TRANSITIONS,
    HOLDING_STATUSES,
    Action,
    IllegalTransition,
    MemberStatus,
    allowed_actions,
    plan_transition,
)

S, A = MemberStatus, Action

# Written out independently of the module's table: (from, action) → (to, event verb).
EXPECTED: dict[tuple[MemberStatus, Action], tuple[MemberStatus, str]] = {
    (S.draft, A.submit): (S.submitted, "applied"),
    (S.returned, A.submit): (S.submitted, "applied"),
    (S.submitted, A.approve): (S.approved, "approved"),
    (S.submitted, A.reject): (S.rejected, "rejected"),
    (S.submitted, A.return_for_changes): (S.returned, "returned"),
    (S.approved, A.activate): (S.active, "updated"),
    (S.active, A.suspend): (S.suspended, "suspended"),
    (S.suspended, A.reinstate): (S.active, "updated"),
    (S.approved, A.withdraw): (S.withdrawn, "withdrawn"),
    (S.active, A.withdraw): (S.withdrawn, "withdrawn"),
    (S.suspended, A.withdraw): (S.withdrawn, "withdrawn"),
}
ILLEGAL = [pair for pair in product(S, A) if pair not in EXPECTED]
NOTE_FIELD = {A.reject: "reason", A.return_for_changes: "comment", A.suspend: "reason"}
EVENT_VERBS = {"applied", "approved", "rejected", "returned", "suspended", "withdrawn", "updated"}



# --- workflow -------------------------------------------------------------------

def test_table_matches_spec() -> None:
    assert set(ALL_TRANSITIONS) == set(EXPECTED)
    assert len(ILLEGAL) == len(S) * len(A) - 11
    assert {t.event_verb for t in ALL_TRANSITIONS.values()} <= EVENT_VERBS


@pytest.mark.parametrize(("status", "action"), list(EXPECTED))
def test_every_legal_transition(status: MemberStatus, action: Action) -> None:
    t = plan_transition(status, action, note="理由があります")
    assert (t.from_status, t.action, (t.to_status, t.event_verb)) == (status, action, EXPECTED[status, action])
    assert t == ALL_TRANSITIONS[status, action]
    assert action in allowed_actions(status)


@pytest.mark.parametrize(("status", "action"), ILLEGAL)
def test_every_illegal_pair(status: MemberStatus, action: Action) -> None:
    for note in (None, "理由"):  # illegality is reported before any missing note
        with pytest.raises(IllegalTransition) as exc:
            plan_transition(status, action, note=note)
        err = exc.value
        assert isinstance(err, Conflict) and err.status == 409
        assert err.extra["from_status"] == status.value and err.extra["action"] == action.value
        assert status.label.ja in err.ja and action.label.ja in err.ja
        assert action.label.en in err.en
    assert action not in allowed_actions(status)


@pytest.mark.parametrize("status", [S.rejected, S.withdrawn])
def test_terminal_statuses_allow_nothing(status: MemberStatus) -> None:
    assert allowed_actions(status) == []


@pytest.mark.parametrize(
    ("status", "action", "note"),
    [(s, a, note) for (s, a) in EXPECTED if a in NOTE_FIELD for note in (None, "", "   ", "\u3000")],
)
def test_required_note_missing(status: MemberStatus, action: Action, note: str | None) -> None:
    with pytest.raises(ValidationFailed) as exc:
        plan_transition(status, action, note=note)
    [p] = exc.value.problems
    assert (p.field, p.code) == (NOTE_FIELD[action], "required")
    assert p.ja and p.en


@pytest.mark.parametrize(("status", "action"), [pair for pair in EXPECTED if pair[1] not in NOTE_FIELD])
def test_note_optional_elsewhere(status: MemberStatus, action: Action) -> None:
    assert plan_transition(status, action, note=None).to_status == EXPECTED[status, action][0]


def test_plan_accepts_stored_strings() -> None:
    assert plan_transition("submitted", "reject", note="重複").to_status is S.rejected


@pytest.mark.parametrize(
    ("status", "holds"),
    [(S.draft, True), (S.submitted, True), (S.returned, True), (S.approved, True), (S.active, True),
     (S.suspended, True), (S.rejected, False), (S.withdrawn, False)],
)
def test_which_statuses_hold_the_code(status: MemberStatus, holds: bool) -> None:
    """A membership holds its code until rejected or withdrawn."""
    assert (status in HOLDING_STATUSES) is holds


@pytest.mark.parametrize("member", [*S, *A])
def test_every_enum_member_has_bilingual_label(member: MemberStatus | Action) -> None:
    assert member.label.ja and member.label.en
    assert not member.label.ja.isascii()  # the Japanese label really is Japanese
