"""Each service's health from its `/readyz`, and the platform's in one word. Pure."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

State = Literal["ready", "degraded", "not_ready", "unreachable"]
Overall = Literal["ready", "degraded", "down"]
PARTS = ("database", "nats")  # what a service's readiness report checks


@dataclass(frozen=True, slots=True)
class Health:
    state: State
    reason: str | None = None  # what is down, or why the service did not answer


def from_readyz(status: int, report: Mapping[str, object] | None) -> Health:
    """A `/readyz` answer: 200 with `ready` true is ready; anything else says what is down."""
    report = report or {}
    down = [part for part in PARTS if report.get(part) is False]
    if status == 200 and report.get("ready") is True:
        # Serving without NATS: writes wait in the outbox until it is back.
        degraded = report.get("status") == "degraded"
        return Health("degraded", f"{', '.join(down) or 'nats'} down") if degraded else Health("ready")
    return Health("not_ready", f"{', '.join(down)} down" if down else f"HTTP {status}")


def unreachable(error: BaseException) -> Health:
    """No answer: the error's kind (a refused connection, a timeout) and its message."""
    message = str(error)
    return Health("unreachable", f"{type(error).__name__}: {message}" if message else type(error).__name__)


def overall(states: Iterable[State]) -> Overall:
    """ready when every service is, down when none serves (or there are none), degraded in between
    (some services down, or serving without NATS)."""
    states = list(states)
    ready, serving = states.count("ready"), states.count("ready") + states.count("degraded")
    return "ready" if states and ready == len(states) else "degraded" if serving else "down"
