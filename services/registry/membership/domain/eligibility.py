"""Who may apply, and with which identifiers.

Local governments are identified by their 地方公共団体コード and named by the
gazetteer; organisations by a typed name and, where one exists, a 法人番号.
"""

from __future__ import annotations

from typing import Literal

from kit.errors import FieldProblem, ValidationFailed
from services.registry.domain.kinds import MemberKind, RmoLegalForm
from services.registry.domain.lg_code import CODE_FIELD
from services.registry.domain.local_government import LocalGovernment
from services.registry.membership.domain.corporate_number import validate_corporate_number

CorporateNumberRule = Literal["required", "optional", "forbidden"]
_LG_KINDS = frozenset({MemberKind.prefecture, MemberKind.municipality})
# RMO forms that usually have no 法人番号, so one cannot be demanded.
_RMO_NUMBER_OPTIONAL = frozenset({RmoLegalForm.nini, RmoLegalForm.other, RmoLegalForm.ninka_chien})


def _coerce(kind: MemberKind, legal_form: RmoLegalForm | None) -> tuple[MemberKind, RmoLegalForm | None]:
    """Callers may pass stored strings; enums give labels and exact membership tests."""
    return MemberKind(kind), None if legal_form is None else RmoLegalForm(legal_form)


def requires_local_government_code(kind: MemberKind) -> bool:
    return MemberKind(kind) in _LG_KINDS


def corporate_number_rule(kind: MemberKind, legal_form: RmoLegalForm | None = None) -> CorporateNumberRule:
    kind, legal_form = _coerce(kind, legal_form)
    if kind in _LG_KINDS:
        return "forbidden"  # identified by their 地方公共団体コード instead
    if kind in (MemberKind.company, MemberKind.npo):
        return "required"
    if kind == MemberKind.rmo and legal_form is not None and legal_form not in _RMO_NUMBER_OPTIONAL:
        return "required"
    # intermediary, university, informal RMOs; an RMO without a form gets its own problem.
    return "optional"


def _lg_problems(kind: MemberKind, lg: LocalGovernment | None, typed_name: str) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    if lg is None:
        problems.append(FieldProblem(CODE_FIELD, "required", ja="地方公共団体コードを入力してください。",
                                     en="Enter the local government code."))
    elif lg.kind != kind.value:
        problems.append(FieldProblem(
            CODE_FIELD, "kind_mismatch",
            ja=f"このコードは{lg.full_name}のもので、{kind.label.ja}のコードではありません。",
            en=f"This code belongs to {lg.full_name}, which is not a {kind.label.en.lower()}.",
        ))
    if typed_name:
        problems.append(FieldProblem("name", "not_allowed", ja="団体名はコードから自動で設定されるため入力できません。",
                                     en="The name comes from the code; do not type it."))
    return problems


def _corporate_number_problems(rule: CorporateNumberRule, number: str) -> list[FieldProblem]:
    field = "corporate_number"
    if not number:
        return [FieldProblem(field, "required", ja="法人番号を入力してください。",
                             en="Enter the corporate number.")] if rule == "required" else []
    if rule == "forbidden":
        return [FieldProblem(field, "not_allowed", ja="地方公共団体は法人番号を入力しません。",
                             en="Local governments do not enter a corporate number.")]
    try:
        validate_corporate_number(number, field)
    except ValidationFailed as exc:
        return list(exc.problems)
    return []


def validate_application(
    kind: MemberKind,
    legal_form: RmoLegalForm | None,
    local_government: LocalGovernment | None,
    corporate_number: str | None,
    name: str | None,
) -> list[FieldProblem]:
    """Collect every problem at once so the form can show them together."""
    kind, legal_form = _coerce(kind, legal_form)
    typed_name = (name or "").strip()
    problems: list[FieldProblem] = []
    if kind in _LG_KINDS:
        problems += _lg_problems(kind, local_government, typed_name)
    elif not typed_name:
        problems.append(FieldProblem("name", "required", ja="団体名を入力してください。",
                                     en="Enter the organisation name."))
    if kind == MemberKind.rmo and legal_form is None:
        problems.append(FieldProblem("legal_form", "required", ja="地域運営組織の法人格を選択してください。",
                                     en="Choose the legal form of the RMO."))
    elif kind != MemberKind.rmo and legal_form is not None:
        problems.append(FieldProblem("legal_form", "not_allowed", ja="法人格は地域運営組織の場合のみ選択します。",
                                     en="A legal form is chosen only for RMOs."))
    problems += _corporate_number_problems(corporate_number_rule(kind, legal_form), (corporate_number or "").strip())
    return problems
