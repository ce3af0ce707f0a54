"""Which events a member's endpoint may subscribe to. Pure.

Every contract about one member (its model has a `member_id`) may be picked, by its versioned
name (`registry.member.approved.v1`), plus the test event, which "send test event" delivers
whatever the endpoint picked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import kit.contracts  # noqa: F401 - imports every producer's module, which fills the catalogue
from kit.contracts.base import CATALOGUE
from kit.errors import FieldProblem

TEST_EVENT = "webhook.test.v1"
MAX_EVENT_TYPES = 50
# A signed invitation link is a credential for the invited person alone; a member's systems
# (and their logs) should not receive it.
NOT_FOR_WEBHOOKS = frozenset({"registry.staff.invited.v1"})
# Japanese names for the pages; the contract's own description is the English one.
LABELS_JA: dict[str, str] = {
    "registry.member.applied.v1": "入会申請が提出された",
    "registry.member.approved.v1": "入会が承認された",
    "registry.member.rejected.v1": "入会申請が却下された",
    "registry.member.returned.v1": "入会申請が差し戻された",
    "registry.member.suspended.v1": "会員資格が停止された",
    "registry.member.withdrawn.v1": "退会した",
    "registry.member.updated.v1": "会員情報・状態が変わった",
    TEST_EVENT: "テストイベント（「テスト送信」で常に送られます）",
}


@dataclass(frozen=True, slots=True)
class EventType:
    name: str  # versioned: registry.member.approved.v1
    ja: str
    en: str


def selectable() -> list[EventType]:
    """The event types an endpoint may pick, sorted by name, the test event last."""
    found = [EventType(name, LABELS_JA.get(name, contract.description), contract.description or name)
             for name, contract in sorted(CATALOGUE.items())
             if "member_id" in contract.model_fields and name not in NOT_FOR_WEBHOOKS]
    return [*found, EventType(TEST_EVENT, LABELS_JA[TEST_EVENT], "Test event (always sent by \"send test event\")")]


def selectable_names() -> frozenset[str]:
    return frozenset(t.name for t in selectable())


def clean_event_types(picked: Sequence[str]) -> tuple[list[str], list[FieldProblem]]:
    """The picked types without repeats, in the order given, and what is wrong with them."""
    known = selectable_names()
    problems: list[FieldProblem] = []
    if not picked:
        problems.append(FieldProblem("event_types", "missing", "イベントを1つ以上選んでください。",
                                     "Pick at least one event type."))
    if len(picked) > MAX_EVENT_TYPES:
        problems.append(FieldProblem("event_types", "too_long", f"イベントは{MAX_EVENT_TYPES}件までです。",
                                     f"Pick at most {MAX_EVENT_TYPES} event types."))
    for i, name in enumerate(picked):
        if name not in known:
            problems.append(FieldProblem(f"event_types.{i}", "unknown_event_type", "不明なイベントです。",
                                         "Unknown event type."))
    return list(dict.fromkeys(picked)), problems
