"""Who may apply with which identifiers: kinds, 地方公共団体コード and 法人番号 rules, every problem at once."""

from __future__ import annotations

import pytest

from kit.errors import FieldProblem
from services.registry.domain.kinds import MemberKind, RmoLegalForm
from services.registry.domain.local_government import Gazetteer
from services.registry.membership.domain.eligibility import (
    corporate_number_rule,
    requires_local_government_code,
    validate_application,
)

K, F = MemberKind, RmoLegalForm
NTA = "7000012050002"


@pytest.mark.parametrize("member", [*K, *F])
def test_every_kind_and_legal_form_has_bilingual_label(member: MemberKind | RmoLegalForm) -> None:
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
