"""First-come applications' pure rules: who may apply, withdraw and move up, what a host's action
leads to, and places in line without gaps."""

from __future__ import annotations

from datetime import date

import pytest

from kit.errors import Conflict
from services.matching.applications.domain.rules import (
    ApplicationStatus,
    HostAction,
    apply_refusal,
    host_move,
    positions,
    promotes,
    withdraw_refusal,
)

TODAY = date(2026, 9, 1)


def test_only_a_published_program_not_over_takes_applications() -> None:
    assert apply_refusal(program_status="published", ends_on=TODAY, today=TODAY, previous=None) is None
    assert apply_refusal(program_status="published", ends_on=TODAY, today=TODAY, previous="withdrawn") is None
    for status in ("draft", "closed", "done"):
        assert apply_refusal(program_status=status, ends_on=TODAY, today=TODAY, previous=None)
    over = apply_refusal(program_status="published", ends_on=date(2026, 8, 31), today=TODAY, previous=None)
    assert over == ("この募集は応募を締め切りました。", "This program no longer takes applications.")


def test_a_declined_person_does_not_apply_again() -> None:
    ja, en = apply_refusal(program_status="published", ends_on=TODAY, today=TODAY, previous="declined") or ("", "")
    assert "主催者" in ja and "declined" in en


def test_withdrawals_and_promotions_stop_when_the_program_is_done() -> None:
    assert withdraw_refusal(program_status="published") is None and withdraw_refusal(program_status="closed") is None
    assert withdraw_refusal(program_status="done")
    assert promotes(program_status="closed", ends_on=TODAY, today=TODAY)
    assert not promotes(program_status="published", ends_on=date(2026, 8, 31), today=TODAY)
    assert not promotes(program_status="done", ends_on=TODAY, today=TODAY)


@pytest.mark.parametrize(("action", "status", "target"), [
    (HostAction.decline, "accepted", ApplicationStatus.declined),
    (HostAction.decline, "waitlisted", ApplicationStatus.declined),
    (HostAction.decline, "declined", None),
    (HostAction.accept, "waitlisted", ApplicationStatus.accepted),
    (HostAction.accept, "accepted", None),
])
def test_a_hosts_action_and_its_repeat(action: HostAction, status: str, target: ApplicationStatus | None) -> None:
    assert host_move(action, status) == target


@pytest.mark.parametrize(("action", "status"), [(HostAction.accept, "withdrawn"), (HostAction.accept, "declined"),
                                                (HostAction.decline, "withdrawn")])
def test_what_has_ended_stays_ended(action: HostAction, status: str) -> None:
    with pytest.raises(Conflict) as refused:
        host_move(action, status)
    assert refused.value.status == 409 and refused.value.extra == {"application_status": status}


def test_places_in_line_have_no_gaps_when_people_leave() -> None:
    assert positions([7, 3, None, 12]) == {3: 1, 7: 2, 12: 3}
    assert positions([]) == {}
