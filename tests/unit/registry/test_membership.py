"""Membership kinds, identifier rules and the full status workflow."""

from __future__ import annotations

from itertools import product

import pytest

from kit.errors import Conflict, FieldProblem, ValidationFailed
from services.registry.domain.local_government import Gazetteer
from services.registry.domain.membership import (
    ALL_TRANSITIONS,
    Action,
    IllegalTransition,
    MemberKind,
    MemberStatus,
    RmoLegalForm,
    allowed_actions,
    corporate_number_rule,
    is_active_membership,
    plan_transition,
    requires_local_government_code,
    validate_application,
)

S, A, K, F = MemberStatus, Action, MemberKind, RmoLegalForm
NTA = "7000012050002"

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
def test_is_active_membership(status: MemberStatus, holds: bool) -> None:
    assert is_active_membership(status) is holds


@pytest.mark.parametrize("member", [*S, *A, *K, *F])
def test_every_enum_member_has_bilingual_label(member: MemberStatus | Action | MemberKind | RmoLegalForm) -> None:
    assert member.label.ja and member.label.en
    assert not member.label.ja.isascii()  # the Japanese label really is Japanese


# --- kind rules -----------------------------------------------------------------

@pytest.mark.parametrize("kind", list(K))
def test_requires_local_government_code(kind: MemberKind) -> None:
    assert requires_local_government_code(kind) is (kind in (K.prefecture, K.municipality))


@pytest.mark.parametrize(
    ("kind", "form", "rule"),
    [(K.prefecture, None, "forbidden"), (K.municipality, None, "forbidden"), (K.company, None, "required"),
     (K.npo, None, "required"), (K.intermediary, None, "optional"), (K.university, None, "optional"),
     (K.rmo, None, "optional"), (K.rmo, F.npo_corp, "required"), (K.rmo, F.kabushiki, "required"),
     (K.rmo, F.ippan_shadan, "required"), (K.rmo, F.ninka_chien, "optional"), (K.rmo, F.nini, "optional"),
     (K.rmo, F.other, "optional")],
)
def test_corporate_number_rule(kind: MemberKind, form: RmoLegalForm | None, rule: str) -> None:
    assert corporate_number_rule(kind, form) == rule


HIDA, GIFU, CHIYODA = "212172", "210005", "131016"


@pytest.mark.parametrize(
    ("kind", "form", "lg_code", "cn", "name", "expected"),
    [
        (K.municipality, None, HIDA, None, None, set()),
        (K.municipality, None, CHIYODA, None, "", set()),  # a Tokyo ward joins as a municipality
        (K.prefecture, None, GIFU, None, None, set()),
        (K.municipality, None, None, None, None, {("local_government_code", "required")}),
        (K.municipality, None, GIFU, None, None, {("local_government_code", "kind_mismatch")}),
        (K.prefecture, None, HIDA, None, None, {("local_government_code", "kind_mismatch")}),
        (K.municipality, None, HIDA, None, "飛騨市", {("name", "not_allowed")}),
        (K.municipality, None, HIDA, NTA, None, {("corporate_number", "not_allowed")}),
        (K.municipality, F.nini, HIDA, None, None, {("legal_form", "not_allowed")}),
        (K.company, None, None, NTA, "株式会社ひだまり", set()),
        (K.company, None, None, "7-0000-1205-0002", "株式会社ひだまり", set()),
        (K.company, None, None, None, None, {("name", "required"), ("corporate_number", "required")}),
        (K.company, None, None, "6000012050002", "ひだまり", {("corporate_number", "check_digit")}),
        (K.company, None, None, "12345", "ひだまり", {("corporate_number", "format")}),
        (K.company, F.kabushiki, None, NTA, "ひだまり", {("legal_form", "not_allowed")}),
        (K.npo, None, None, None, "NPO法人ひだまり", {("corporate_number", "required")}),
        (K.npo, None, None, NTA, "  ", {("name", "required")}),
        (K.intermediary, None, None, None, "飛騨市民活動センター", set()),
        (K.intermediary, None, None, "bad", "飛騨市民活動センター", {("corporate_number", "format")}),
        (K.university, None, None, None, "岐阜大学", set()),
        (K.rmo, None, None, None, "まちづくり協議会", {("legal_form", "required")}),
        (K.rmo, F.kabushiki, None, None, "まちづくり協議会", {("corporate_number", "required")}),
        (K.rmo, F.npo_corp, None, NTA, "まちづくり協議会", set()),
        (K.rmo, F.nini, None, None, "まちづくり協議会", set()),
        (K.rmo, F.ninka_chien, None, None, "まちづくり協議会", set()),
        (K.rmo, F.other, None, None, "まちづくり協議会", set()),
        (K.rmo, F.nini, HIDA, None, "まちづくり協議会", set()),  # an org may name the municipality it is in
        (K.municipality, F.kabushiki, GIFU, "123", "飛騨市",  # everything wrong is reported at once
         {("local_government_code", "kind_mismatch"), ("name", "not_allowed"), ("legal_form", "not_allowed"),
          ("corporate_number", "not_allowed")}),
    ],
)
def test_validate_application(gazetteer: Gazetteer, kind: MemberKind, form: RmoLegalForm | None,
                              lg_code: str | None, cn: str | None, name: str | None,
                              expected: set[tuple[str, str]]) -> None:
    lg = gazetteer.lookup(lg_code) if lg_code else None
    problems = validate_application(kind, form, lg, cn, name)
    assert {(p.field, p.code) for p in problems} == expected
    assert len(problems) == len(expected)
    assert all(isinstance(p, FieldProblem) and p.ja and p.en and p.ja != p.en for p in problems)


def test_kind_mismatch_message_names_the_body(gazetteer: Gazetteer) -> None:
    [p] = validate_application(K.prefecture, None, gazetteer.lookup(HIDA), None, None)
    assert "岐阜県飛騨市" in p.ja and "岐阜県飛騨市" in p.en


def test_validate_application_accepts_stored_strings(gazetteer: Gazetteer) -> None:
    assert validate_application("rmo", "nini", None, None, "協議会") == []  # type: ignore[arg-type]
