"""What an application may be and how it moves, first come with a waitlist. Pure.

    (apply) ─► accepted ─────────────┐
           └► waitlisted ─(promoted)─┘─► withdrawn (by the person) | declined (by the host)

A place freed by a withdrawal or a decline goes to the first in line, in the same transaction.
A host's "accept" keeps to first come: free places go to the front of the line first; only a
person still waiting after that is seated, in one of the places the program keeps back from
first-come applications (`reserved`), if one is left.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from enum import StrEnum

from kit.errors import Conflict
from services.matching.programs.domain.rules import ProgramStatus


class ApplicationStatus(StrEnum):
    accepted = "accepted"  # has a place
    waitlisted = "waitlisted"  # in line, by ticket
    withdrawn = "withdrawn"  # by the person (or their erasure)
    declined = "declined"  # by the host


class HostAction(StrEnum):
    accept = "accept"
    decline = "decline"


ACTIVE = (ApplicationStatus.accepted, ApplicationStatus.waitlisted)
RUNNING = (ProgramStatus.published, ProgramStatus.closed)  # places still matter: the line moves, people may leave


def apply_refusal(*, program_status: str, ends_on: date, today: date, previous: str | None) -> tuple[str, str] | None:
    """Why a person may not apply now (ja, en), or None. `previous`: the status of their earlier
    application to the program, if any (an active one is simply returned, not refused)."""
    if program_status != ProgramStatus.published or ends_on < today:
        return ("この募集は応募を締め切りました。", "This program no longer takes applications.")
    if previous == ApplicationStatus.declined:
        return ("この募集への応募は主催者により見送られました。",
                "The host has declined your application to this program.")
    return None


def withdraw_refusal(*, program_status: str) -> tuple[str, str] | None:
    if program_status not in RUNNING:
        return ("実施済みの募集の応募は取り下げられません。",
                "An application to a finished program cannot be withdrawn.")
    return None


def promotes(*, program_status: str, ends_on: date, today: date) -> bool:
    """Whether a freed place goes to the next in line: while the program still lies ahead."""
    return program_status in RUNNING and ends_on >= today


def host_move(action: HostAction, status: str) -> ApplicationStatus | None:
    """The status a host's action leads to, or None when it is there already (nothing to do).
    Anything else is a 409: a withdrawn application stays withdrawn, a declined one declined."""
    if action == HostAction.decline:
        if status == ApplicationStatus.declined:
            return None
        if status in ACTIVE:
            return ApplicationStatus.declined
    else:
        if status == ApplicationStatus.accepted:
            return None
        if status == ApplicationStatus.waitlisted:
            return ApplicationStatus.accepted
    raise Conflict(ja="取り下げ・見送り済みの応募は変更できません。",
                   en="A withdrawn or declined application cannot be changed.", application_status=status)


def positions(tickets: Iterable[int | None]) -> dict[int, int]:
    """Each waitlist ticket's 1-based place in line now: tickets are handed out in order and
    leave gaps when people leave, places never do."""
    return {ticket: place for place, ticket in enumerate(sorted(t for t in tickets if t is not None), start=1)}


STATUS_LABELS: dict[str, tuple[str, str]] = {
    ApplicationStatus.accepted: ("参加決定", "You have a place"),
    ApplicationStatus.waitlisted: ("キャンセル待ち", "Waitlisted"),
    ApplicationStatus.withdrawn: ("取り下げ済み", "Withdrawn"),
    ApplicationStatus.declined: ("見送り", "Declined"),
}


def status_label(status: str, *, japanese: bool) -> str:
    ja, en = STATUS_LABELS.get(status, (status, status))
    return ja if japanese else en
