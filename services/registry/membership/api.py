"""Membership's HTTP API: member records, the review queue and workflow, CSV, the audit log.

Thin: parse, authorize, call a use case. `workflow_router` holds the catch-all
`/members/{id}/{action}` and is mounted after every other router (see services/registry/api.py).
"""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Body, Query, Request, Response

from kit.web.openapi import problems
from services.registry.membership.domain.workflow import Action, MemberStatus
from services.registry.membership.schemas import (
    AuditRead,
    HistoryRead,
    ImportReport,
    MemberPage,
    MemberRead,
    MemberUpdate,
    ReviewQueueRead,
    TransitionRequest,
)
from services.registry.membership.service import csv_export, csv_import, records, review
from services.registry.membership.service.audit import list_audit
from services.registry.web.deps import Caller, Deps

router = APIRouter()
workflow_router = APIRouter()
Offset = Annotated[int, Query(ge=0, le=1_000_000)]
Search = Annotated[str | None, Query(max_length=100)]


@router.get("/members", response_model=MemberPage, tags=["members"])
async def list_members(deps: Deps, who: Caller, status: MemberStatus | None = None, q: Search = None,
                       offset: Offset = 0, limit: Annotated[int, Query(ge=1, le=500)] = 50) -> MemberPage:
    """Every member, by reading order, a page at a time (operators only)."""
    items, total = await records.list_members(uow=deps.uow, viewer=who, status=status.value if status else None,
                                              q=q, offset=offset, limit=limit)
    return MemberPage(items=[MemberRead.model_validate(m) for m in items], total=total, offset=offset, limit=limit)


@router.get("/review-queue", response_model=ReviewQueueRead, tags=["review"])
async def review_queue(deps: Deps, who: Caller) -> ReviewQueueRead:
    """Counts by status, and the submitted applications, oldest first."""
    counts, waiting = await records.review_queue(uow=deps.uow, viewer=who)
    return ReviewQueueRead(counts=counts, items=[MemberRead.model_validate(m) for m in waiting])


@router.get("/members/{member_id}", response_model=MemberRead, tags=["members"])
async def read_member(member_id: UUID, deps: Deps, who: Caller) -> Any:
    return await records.get_member(uow=deps.uow, member_id=member_id, viewer=who)


@router.patch("/members/{member_id}", response_model=MemberRead, tags=["members"])
async def update_member(member_id: UUID, body: MemberUpdate, deps: Deps, who: Caller) -> Any:
    return await records.update_member(uow=deps.uow, gazetteer=deps.gazetteer, member_id=member_id, actor=who,
                                       data=body)


@router.get("/members/{member_id}/history", response_model=list[HistoryRead], tags=["members"])
async def member_history(member_id: UUID, deps: Deps, who: Caller) -> Any:
    return await records.member_history(uow=deps.uow, member_id=member_id, viewer=who)


@router.get("/export.csv", tags=["operators"], response_class=Response, responses={
    200: {"description": "Every member as CSV (UTF-8).", "content": {"text/csv": {"schema": {"type": "string"}}}}})
async def export_csv(deps: Deps, who: Caller) -> Response:
    body = await csv_export.export_csv(uow=deps.uow, actor=who)
    return Response(body, media_type="text/csv; charset=utf-8",
                    headers={"content-disposition": f'attachment; filename="{csv_export.FILENAME}"'})


@router.post("/import", response_model=ImportReport, tags=["operators"], responses=problems(413), openapi_extra={
    "requestBody": {"required": True, "content": {"text/csv": {"schema": {"type": "string"}}}}})
async def import_csv(request: Request, deps: Deps, who: Caller, dry_run: bool = Query(True)) -> ImportReport:
    """Body: the CSV file itself (text/csv). Defaults to a dry run; nothing is written if any row fails."""
    who.require_operator()  # before reading a body only operators may send
    content = await request.body()
    return await csv_import.import_csv(uow=deps.uow, gazetteer=deps.gazetteer, actor=who, content=content,
                                       dry_run=dry_run)


@router.get("/audit", response_model=list[AuditRead], tags=["operators"])
async def audit_log(deps: Deps, who: Caller, offset: Offset = 0,
                    limit: Annotated[int, Query(ge=1, le=500)] = 100) -> Any:
    return await list_audit(uow=deps.uow, viewer=who, offset=offset, limit=limit)


@workflow_router.post("/members/{member_id}/{action}", response_model=MemberRead, tags=["review"])
async def transition(member_id: UUID, action: Action, deps: Deps, who: Caller,
                     body: TransitionRequest | None = Body(None)) -> Any:
    """submit, approve, reject (reason), return_for_changes (comment), activate, suspend (reason), reinstate,
    withdraw."""
    return await review.transition(uow=deps.uow, member_id=member_id, action=action, actor=who,
                                   note=body.note if body else None)
