"""registry's HTTP API (JSON, under /registry/api/v1)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request

from kit.errors import Unauthorized
from kit.runtime import ServiceRuntime
from kit.web.auth import Principal, bearer_principal, issue_token
from services.registry import service
from services.registry.gazetteer import load_gazetteer
from services.registry.schemas import (
    LocalGovernmentRead,
    MemberApplicationCreate,
    MemberRead,
    TokenCreate,
    TokenRead,
    TransitionRequest,
)

router = APIRouter()


def runtime(request: Request) -> ServiceRuntime:
    return request.app.state.runtime  # type: ignore[no-any-return]


def principal(request: Request, rt: ServiceRuntime = Depends(runtime)) -> Principal:
    found = bearer_principal(request, rt.settings.secret_key)
    if found is None:
        raise Unauthorized()
    return found


@router.post("/auth/token", response_model=TokenRead, tags=["auth"])
async def create_token(body: TokenCreate, rt: ServiceRuntime = Depends(runtime)) -> Any:
    who = await service.authenticate(uow=rt.uow, email=str(body.email), password=body.password)
    return TokenRead(access_token=issue_token(who, rt.settings.secret_key), role=who.role, member_id=who.member_id)


@router.get("/local-governments/{code}", response_model=LocalGovernmentRead, tags=["local governments"])
async def local_government(code: str) -> Any:
    lg = load_gazetteer().lookup(code, field="code")
    return LocalGovernmentRead(code=lg.code, name=lg.name, kana=lg.kana, prefecture=lg.prefecture,
                               prefecture_code=lg.prefecture_code, block=lg.block, kind=lg.kind)


@router.get("/local-governments", response_model=list[LocalGovernmentRead], tags=["local governments"])
async def search_local_governments(q: str = Query(min_length=1, max_length=50),
                                   limit: int = Query(20, ge=1, le=100)) -> Any:
    return [LocalGovernmentRead(code=lg.code, name=lg.name, kana=lg.kana, prefecture=lg.prefecture,
                                prefecture_code=lg.prefecture_code, block=lg.block, kind=lg.kind)
            for lg in load_gazetteer().search(q, limit=limit)]


@router.post("/applications", response_model=MemberRead, status_code=201, tags=["members"])
async def submit_application(body: MemberApplicationCreate, rt: ServiceRuntime = Depends(runtime)) -> Any:
    return await service.apply(uow=rt.uow, gazetteer=load_gazetteer(), data=body)


@router.get("/members/{member_id}", response_model=MemberRead, tags=["members"])
async def read_member(member_id: UUID, rt: ServiceRuntime = Depends(runtime),
                      who: Principal = Depends(principal)) -> Any:
    return await service.get_member(uow=rt.uow, member_id=member_id, viewer=who)


@router.post("/members/{member_id}/approve", response_model=MemberRead, tags=["review"])
async def approve_member(member_id: UUID, body: TransitionRequest | None = None,
                         rt: ServiceRuntime = Depends(runtime), who: Principal = Depends(principal)) -> Any:
    return await service.approve(uow=rt.uow, member_id=member_id, reviewer=who, note=body.note if body else None)
