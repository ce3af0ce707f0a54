"""The delivery log's HTTP API, for operators: search, one delivery's tries, resend, suppressions."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Path, Query

from kit.web.auth import Principal
from kit.web.deps import dependency, principal
from kit.web.openapi import problems
from services.notify.bootstrap import NotifyDeps
from services.notify.delivery import service
from services.notify.delivery.schemas import DeliveryAttemptRead, DeliveryLog, DeliveryRead, SuppressionRead
from services.notify.domain.kinds import Channel, DeliveryState

router = APIRouter(tags=["deliveries"])
Deps = Annotated[NotifyDeps, Depends(dependency(NotifyDeps))]
Caller = Annotated[Principal, Depends(principal)]
Limit = Annotated[int, Query(ge=1, le=200)]
Offset = Annotated[int, Query(ge=0, le=100_000)]
AddressHash = Annotated[str, Path(pattern="^[0-9a-f]{64}$", description="SHA-256 of the address.")]


@router.get("/deliveries", response_model=list[DeliveryRead], responses=problems(401, 403))
async def search_deliveries(
    deps: Deps, who: Caller,
    recipient: Annotated[str | None, Query(max_length=320, description="An address, matched by its hash.")] = None,
    event_id: Annotated[UUID | None, Query(description="The source event (or the delivery) id.")] = None,
    state: DeliveryState | None = None, channel: Channel | None = None,
    template: Annotated[str | None, Query(max_length=64)] = None, limit: Limit = 50, offset: Offset = 0,
) -> Any:
    """The delivery log, newest first, searched by recipient, source event, state, channel or template."""
    query = service.LogQuery(recipient=recipient, event_id=event_id, state=state, channel=channel,
                             template=template, limit=limit, offset=offset)
    return await service.search(uow=deps.uow, viewer=who, query=query)


@router.get("/deliveries/{delivery_id}", response_model=DeliveryLog, responses=problems(401, 403, 404))
async def delivery_log(delivery_id: UUID, deps: Deps, who: Caller) -> Any:
    """One delivery and its log: every try, its outcome and when the next is due."""
    delivery, attempts = await service.delivery_log(uow=deps.uow, viewer=who, delivery_id=delivery_id)
    return DeliveryLog(**DeliveryRead.model_validate(delivery).model_dump(),
                       log=[DeliveryAttemptRead.model_validate(a) for a in attempts])


@router.post("/deliveries/{delivery_id}/resend", response_model=DeliveryRead, status_code=201,
             responses=problems(401, 403, 404, 409))
async def resend_delivery(delivery_id: UUID, deps: Deps, who: Caller) -> Any:
    """Send a delivery again, as a new row pointing to the old one."""
    fresh = await service.resend(uow=deps.uow, viewer=who, delivery_id=delivery_id)
    (deps.webhooks if fresh.channel == Channel.webhook else deps.mailer).wake()
    return fresh


@router.get("/suppressions", response_model=list[SuppressionRead], responses=problems(401, 403))
async def list_suppressions(deps: Deps, who: Caller, active: bool = True, limit: Limit = 50,
                            offset: Offset = 0) -> Any:
    """Addresses that hard-bounced (only those still suppressed, unless `active=false`)."""
    return await service.list_suppressions(uow=deps.uow, viewer=who, active_only=active, limit=limit, offset=offset)


@router.post("/suppressions/{address_hash}/lift", response_model=SuppressionRead, responses=problems(401, 403, 404))
async def lift_suppression(address_hash: AddressHash, deps: Deps, who: Caller) -> Any:
    """Let mail reach a suppressed address again."""
    return await service.lift_suppression(uow=deps.uow, viewer=who, address_hash=address_hash)
