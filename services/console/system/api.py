"""The system dashboard's HTTP API, operators only: every service's health and figures, and replaying
a dead letter."""

from __future__ import annotations

from fastapi import APIRouter

from kit.web.openapi import problems
from services.console.system.schemas import DeadLetterRead, SystemRead
from services.console.system.web import EntryId, Monitor
from services.console.web import Operator

router = APIRouter(tags=["system"])


@router.get("/system", response_model=SystemRead, responses=problems(401, 403))
async def system(who: Operator, monitor: Monitor) -> SystemRead:
    """Each service's health (its /readyz), outbox backlog, request rate, 5xx share and p50/p95 latency
    (from its /metrics, over the time since the previous look), every JetStream consumer's pending,
    unacknowledged and redelivered messages, and the dead letters with their trace ids."""
    return await monitor.overview()


@router.post("/system/dead-letters/{entry_id}/replay", response_model=DeadLetterRead,
             responses=problems(401, 403, 404, 409, 503))
async def replay_dead_letter(entry_id: EntryId, who: Operator, monitor: Monitor) -> DeadLetterRead:
    """Have the event's producer publish a dead letter again on its original subject (consumers that had
    applied it skip it); it leaves the dead-letter stream. 409: its producer is not among the console's
    targets; 503: the producer could not be reached or could not publish."""
    return await monitor.replay(entry_id, who)
