"""Who may have a booth, and how an application moves. Pure.

Booths are for 中間支援組織 (intermediary support organisations), the registry's member kind
`intermediary` (services/registry/domain/kinds.py): the issue asks for "a registry member of
that kind". 地域運営組織 (`rmo`) are deliberately not included: they are the local groups the
intermediaries support, and meet them through the forum's programme and networking hours,
not from a booth. Widening it is this one set.
"""

from __future__ import annotations

from enum import StrEnum

from kit.errors import FieldProblem

BOOTH_KINDS = frozenset({"intermediary"})
STANDING = frozenset({"approved", "active"})  # a member in good standing (registry's MemberStatus)
BOOTH_EVENT_KINDS = frozenset({"block_forum"})  # in person, with a venue


class BoothStatus(StrEnum):
    applied = "applied"
    approved = "approved"
    rejected = "rejected"


STATUS_LABELS: dict[str, tuple[str, str]] = {"applied": ("審査中", "Under review"),
                                             "approved": ("承認", "Approved"),
                                             "rejected": ("見送り", "Rejected")}


def eligibility(*, kind: str | None, status: str | None) -> tuple[str, str] | None:
    """Why a member may not apply (ja, en), or None if it may. `kind` None: forum has not
    heard of the member yet (its copy arrives with the registry's events)."""
    if kind is None:
        return ("会員情報がまだ反映されていません。しばらくしてからお試しください。",
                "Your membership has not reached the forum yet; please try again shortly.")
    if kind not in BOOTH_KINDS:
        return ("ブース出展は中間支援組織の会員のみお申し込みいただけます。",
                "Booths are for intermediary support organisations only.")
    if status not in STANDING:
        return ("有効な会員のみお申し込みいただけます。", "Only members in good standing may apply.")
    return None


def event_problem(*, kind: str, status: str, ended: bool) -> tuple[str, str] | None:
    """Why this event takes no booth applications, or None."""
    if kind not in BOOTH_EVENT_KINDS:
        return ("ブースはブロックフォーラム（対面開催）にのみ出展できます。",
                "Booths are only at block forums (held in person).")
    if status != "published":
        return ("このイベントはブースの申込みを受け付けていません。", "This event takes no booth applications.")
    if ended:
        return ("このイベントは終了しました。", "This event has ended.")
    return None


def decide(current: str, *, approve: bool) -> BoothStatus | None:
    """The new status after an operator's decision, or None if nothing changes. An operator may
    change their mind either way (a booth withdrawn after approval is rejected)."""
    target = BoothStatus.approved if approve else BoothStatus.rejected
    return None if current == target else target


def text_problems(*, title: str) -> list[FieldProblem]:
    if not title.strip():
        return [FieldProblem("title", "required", "出展名を入力してください。", "Enter the booth's title.")]
    return []
