"""`/ops/dlq`: the dead letters, for operators, served by the host for its process and by each service's
app for itself (as the health routes are).

A dead letter is replayed by republishing the original event on its subject, which only the event's
producer may do: with a NATS user per service (`kakawari nats config`), registry's credentials cannot
publish forum's events, replays included. So a replay is done where the producer runs. The host
replays any event of a service it hosts (all-in-one: every one); a service's app, its own events;
anything else is refused with 409, naming the service to ask (`/<owner>/ops/dlq/<id>/replay`). The
console forwards an operator's replay there (services/console/system).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from fastapi import APIRouter, Depends, Path, Query

from kit.errors import Conflict, NotFound
from kit.messaging.dlq import DeadLetters
from kit.messaging.subjects import Naming
from kit.web.auth import Principal
from kit.web.deps import principal

EntryId = Path(ge=1, le=2**63 - 1, description="The dead letter's id (its sequence in the DLQ stream).")


async def _operator(who: Principal = Depends(principal)) -> None:
    who.require_operator()


def dead_letter_routes(hosted: Mapping[str, Callable[[], DeadLetters | None]], *, naming: Naming) -> APIRouter:
    """GET /ops/dlq and POST /ops/dlq/{id}/replay. `hosted`: each service served here, with its DLQ handle
    (its own NATS connection, so a replay goes out with the producer's credentials); a replay of an event
    none of them produced is a 409."""
    router = APIRouter(include_in_schema=False, dependencies=[Depends(_operator)])

    def connected(service: str) -> DeadLetters:
        dlq = hosted[service]()
        if dlq is None:
            raise NotFound(ja="まだ起動中です。", en="Still starting.")
        return dlq

    first = next(iter(hosted))

    @router.get("/ops/dlq")
    async def dlq_list(limit: int = Query(100, ge=1, le=1000)) -> list[dict[str, Any]]:
        """Dead letters, oldest first: what failed, where, how often, and why (operators only)."""
        return [entry.as_dict() for entry in await connected(first).list(limit)]

    @router.post("/ops/dlq/{entry_id}/replay")
    async def dlq_replay(entry_id: int = EntryId) -> dict[str, Any]:
        """Publish a dead letter again on its subject; it leaves the DLQ (operators only)."""
        entry = await connected(first).get(entry_id)
        if entry is None:
            raise NotFound(ja="その項目はありません。", en="No such dead letter.")
        owner = naming.producer_of(entry.subject)
        if owner is None:
            raise Conflict(ja=f"この出来事（{entry.subject}）はこの環境のサービスが発行したものではありません。",
                           en=f"No service of this deployment published this event ({entry.subject}).", owner=None)
        if owner not in hosted:
            raise Conflict(ja=f"この出来事は {owner} サービスのものです。{owner} で再送してください"
                              f"（/{owner}/ops/dlq/{entry_id}/replay）。",
                           en=f"This event is the {owner} service's: replay it there "
                              f"(/{owner}/ops/dlq/{entry_id}/replay).", owner=owner)
        try:
            return (await connected(owner).replay(entry_id)).as_dict()
        except LookupError as exc:  # replayed by someone else meanwhile
            raise NotFound(ja="その項目はありません。", en="No such dead letter.") from exc

    return router
