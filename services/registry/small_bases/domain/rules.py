"""Who registers a 小さな拠点, where, and the national figures it is counted against.

A municipality registers the bases in its own area; an RMO registers the bases it runs.
A base's opening day lies between OPENED_EARLIEST and a year from today (a base may be
registered while it is being prepared); anything else is a typo, answered as a field problem.
"""

from __future__ import annotations

from datetime import date, timedelta

from kit.errors import FieldProblem, Forbidden, ValidationFailed
from services.registry.domain.kinds import MemberKind
from services.registry.domain.local_government import LocalGovernment

NATIONAL_TARGET = 1800  # by FY2027
# 2025 national survey (government status report): formed, and of those run by an RMO.
REFERENCE = {"survey_year": 2025, "formed": 1636, "run_by_rmo": 1386}
REGISTERING_KINDS = frozenset({MemberKind.municipality.value, MemberKind.rmo.value})
# Community halls that became bases are often decades old; none predates the post-war municipalities.
OPENED_EARLIEST = date(1950, 1, 1)
OPENED_AHEAD = timedelta(days=366)


def _problem(field: str, code: str, ja: str, en: str) -> ValidationFailed:
    return ValidationFailed([FieldProblem(field, code, ja=ja, en=en)])


def check_is_municipality(lg: LocalGovernment) -> None:
    if lg.kind != "municipality":
        raise _problem("municipality_code", "not_municipality", "市区町村のコードを入力してください。",
                       "Enter the code of a municipality.")


def check_area(lg: LocalGovernment, *, member_kind: str, member_code: str | None) -> None:
    """A municipality member registers bases in its own area only."""
    if member_kind == MemberKind.municipality.value and member_code != lg.code:
        raise _problem("municipality_code", "other_municipality", "自らの市区町村内の拠点のみ登録できます。",
                       "A municipality registers the bases within its own area.")


def check_registrant(member_kind: str) -> None:
    if member_kind not in REGISTERING_KINDS:
        raise Forbidden(ja="小さな拠点は市区町村と地域運営組織が登録します。",
                        en="Small bases are registered by municipalities and RMOs.")


def check_runner(runner_kind: str | None) -> None:
    """The organisation running a base is an RMO member (None: no such member)."""
    if runner_kind != MemberKind.rmo.value:
        raise _problem("operator_member_id", "not_rmo", "運営する地域運営組織の会員IDが正しくありません。",
                       "The running organisation must be an RMO member.")


def check_opened_on(opened_on: date | None, today: date) -> None:
    latest = today + OPENED_AHEAD
    if opened_on is not None and not OPENED_EARLIEST <= opened_on <= latest:
        raise _problem("opened_on", "out_of_range",
                       f"開設日は{OPENED_EARLIEST.isoformat()}から{latest.isoformat()}までの日付で入力してください。",
                       f"Enter an opening date from {OPENED_EARLIEST.isoformat()} to {latest.isoformat()}.")
