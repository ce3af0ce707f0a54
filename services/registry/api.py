"""registry's HTTP API (JSON, under /registry/api/v1). Thin: parse, authorize, call a use case."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Body, Depends, Query, Request, Response

from kit.errors import AppError
from kit.runtime import ServiceRuntime
from kit.web.auth import Principal, issue_token
from services.registry import bases, directory, members, people, stats, transfer
from services.registry.audit import list_audit
from services.registry.deps import limit_apply, limit_login, link_settings, principal, runtime
from services.registry.domain.kinds import MemberKind
from services.registry.domain.lg_code import BLOCKS
from services.registry.domain.membership import Action, MemberStatus
from services.registry.gazetteer import load_gazetteer
from services.registry.schemas import (
    AuditRead,
    DirectoryPage,
    HistoryRead,
    ImportReport,
    InvitationAccept,
    InvitationRead,
    LinkRedeem,
    LocalGovernmentRead,
    LoginLinkCreate,
    MemberApplicationCreate,
    MemberPage,
    MemberRead,
    MemberUpdate,
    MeRead,
    PasswordSet,
    ReviewQueueRead,
    SmallBaseCreate,
    SmallBaseRead,
    SmallBaseStats,
    StaffInviteCreate,
    StaffRead,
    StatsRead,
    TokenCreate,
    TokenRead,
    TransitionRequest,
)

router = APIRouter()
BlockId = Query(None, pattern="^(" + "|".join(b.block_id for b in BLOCKS) + ")$")
PrefectureCode = Query(None, pattern="^[0-9]{2}$")


def _token(rt: ServiceRuntime, who: Principal) -> TokenRead:
    return TokenRead(access_token=issue_token(who, rt.settings.secret_key), role=who.role, member_id=who.member_id)


# -- sign-in -------------------------------------------------------------------------------
@router.post("/auth/token", response_model=TokenRead, tags=["auth"])
async def create_token(body: TokenCreate, request: Request, rt: ServiceRuntime = Depends(runtime)) -> Any:
    limit_login(request, rt, str(body.email))
    return _token(rt, await people.authenticate(uow=rt.uow, email=str(body.email), password=body.password))


@router.post("/auth/login-link", status_code=202, tags=["auth"])
async def request_login_link(body: LoginLinkCreate, request: Request,
                             rt: ServiceRuntime = Depends(runtime)) -> dict[str, str]:
    limit_login(request, rt, str(body.email))
    await people.request_login_link(uow=rt.uow, keys=link_settings(rt), email=str(body.email), locale=body.locale)
    return {"status": "sent_if_registered"}


@router.post("/auth/login-link/redeem", response_model=TokenRead, tags=["auth"])
async def redeem_login_link(body: LinkRedeem, rt: ServiceRuntime = Depends(runtime)) -> Any:
    return _token(rt, await people.redeem_login_link(uow=rt.uow, keys=link_settings(rt), token=body.token))


@router.post("/auth/password", response_model=TokenRead, tags=["auth"])
async def set_password(body: PasswordSet, rt: ServiceRuntime = Depends(runtime)) -> Any:
    who = await people.set_password(uow=rt.uow, keys=link_settings(rt), token=body.token, password=body.password)
    return _token(rt, who)


@router.post("/invitations/accept", response_model=TokenRead, tags=["auth"])
async def accept_invitation(body: InvitationAccept, rt: ServiceRuntime = Depends(runtime)) -> Any:
    who = await people.accept_invitation(uow=rt.uow, keys=link_settings(rt), token=body.token,
                                         display_name=body.display_name, password=body.password)
    return _token(rt, who)


@router.get("/me", response_model=MeRead, tags=["auth"])
async def me(who: Principal = Depends(principal)) -> Any:
    return MeRead(user_id=who.user_id, email=who.email, role=who.role, member_id=who.member_id)


# -- local governments -----------------------------------------------------------------------
def _lg(lg: Any) -> LocalGovernmentRead:
    return LocalGovernmentRead(code=lg.code, name=lg.name, kana=lg.kana, prefecture=lg.prefecture,
                               prefecture_code=lg.prefecture_code, block=lg.block, kind=lg.kind)


@router.get("/local-governments/{code}", response_model=LocalGovernmentRead, tags=["local governments"])
async def local_government(code: str) -> Any:
    return _lg(load_gazetteer().lookup(code[:50], field="code"))


@router.get("/local-governments", response_model=list[LocalGovernmentRead], tags=["local governments"])
async def search_local_governments(q: str = Query(min_length=1, max_length=50),
                                   limit: int = Query(20, ge=1, le=100)) -> Any:
    return [_lg(lg) for lg in load_gazetteer().search(q, limit=limit)]


# -- applications and members ------------------------------------------------------------------
@router.post("/applications", response_model=MemberRead, status_code=201, tags=["members"])
async def submit_application(body: MemberApplicationCreate, request: Request,
                             rt: ServiceRuntime = Depends(runtime)) -> Any:
    limit_apply(request, rt)
    member, _ = await people.apply(uow=rt.uow, gazetteer=load_gazetteer(), keys=link_settings(rt), data=body)
    return member


@router.get("/members", response_model=MemberPage, tags=["members"])
async def list_members(status: MemberStatus | None = None, q: str | None = Query(None, max_length=100),
                       offset: int = Query(0, ge=0, le=1_000_000), limit: int = Query(50, ge=1, le=500),
                       rt: ServiceRuntime = Depends(runtime), who: Principal = Depends(principal)) -> Any:
    items, total = await members.list_members(uow=rt.uow, viewer=who, status=status.value if status else None, q=q,
                                              offset=offset, limit=limit)
    return MemberPage(items=[MemberRead.model_validate(m) for m in items], total=total, offset=offset, limit=limit)


@router.get("/review-queue", response_model=ReviewQueueRead, tags=["review"])
async def review_queue(rt: ServiceRuntime = Depends(runtime), who: Principal = Depends(principal)) -> Any:
    counts, waiting = await members.review_queue(uow=rt.uow, viewer=who)
    return ReviewQueueRead(counts=counts, items=[MemberRead.model_validate(m) for m in waiting])


@router.get("/members/{member_id}", response_model=MemberRead, tags=["members"])
async def read_member(member_id: UUID, rt: ServiceRuntime = Depends(runtime),
                      who: Principal = Depends(principal)) -> Any:
    return await members.get_member(uow=rt.uow, member_id=member_id, viewer=who)


@router.patch("/members/{member_id}", response_model=MemberRead, tags=["members"])
async def update_member(member_id: UUID, body: MemberUpdate, rt: ServiceRuntime = Depends(runtime),
                        who: Principal = Depends(principal)) -> Any:
    return await members.update_member(uow=rt.uow, gazetteer=load_gazetteer(), member_id=member_id, actor=who,
                                       data=body)


@router.get("/members/{member_id}/history", response_model=list[HistoryRead], tags=["members"])
async def member_history(member_id: UUID, rt: ServiceRuntime = Depends(runtime),
                         who: Principal = Depends(principal)) -> Any:
    return await members.member_history(uow=rt.uow, member_id=member_id, viewer=who)


# -- staff ---------------------------------------------------------------------------------------
@router.get("/members/{member_id}/staff", response_model=list[StaffRead], tags=["staff"])
async def list_staff(member_id: UUID, rt: ServiceRuntime = Depends(runtime),
                     who: Principal = Depends(principal)) -> Any:
    return await people.list_staff(uow=rt.uow, member_id=member_id, viewer=who)


@router.post("/members/{member_id}/staff/invitations", response_model=InvitationRead, status_code=201,
             tags=["staff"])
async def invite_staff(member_id: UUID, body: StaffInviteCreate, rt: ServiceRuntime = Depends(runtime),
                       who: Principal = Depends(principal)) -> Any:
    token = await people.invite_staff(uow=rt.uow, keys=link_settings(rt), member_id=member_id, actor=who,
                                      email=str(body.email), role=body.role, locale=body.locale)
    return InvitationRead(email=token.email, role=token.role or body.role, expires_at=token.expires_at)


@router.delete("/members/{member_id}/staff/{user_id}", status_code=204, tags=["staff"])
async def remove_staff(member_id: UUID, user_id: UUID, rt: ServiceRuntime = Depends(runtime),
                       who: Principal = Depends(principal)) -> Response:
    await people.remove_staff(uow=rt.uow, member_id=member_id, user_id=user_id, actor=who)
    return Response(status_code=204)


# -- small bases ---------------------------------------------------------------------------------
@router.post("/members/{member_id}/small-bases", response_model=SmallBaseRead, status_code=201,
             tags=["small bases"])
async def register_small_base(member_id: UUID, body: SmallBaseCreate, rt: ServiceRuntime = Depends(runtime),
                              who: Principal = Depends(principal)) -> Any:
    return await bases.register_base(uow=rt.uow, gazetteer=load_gazetteer(), member_id=member_id, actor=who,
                                     data=body)


@router.get("/members/{member_id}/small-bases", response_model=list[SmallBaseRead], tags=["small bases"])
async def list_small_bases(member_id: UUID, rt: ServiceRuntime = Depends(runtime),
                           who: Principal = Depends(principal)) -> Any:
    return await bases.list_bases(uow=rt.uow, member_id=member_id, viewer=who)


@router.get("/small-bases/stats", response_model=SmallBaseStats, tags=["small bases"])
async def small_base_stats(rt: ServiceRuntime = Depends(runtime)) -> Any:
    return await bases.base_stats(uow=rt.uow)


# -- public directory and figures -------------------------------------------------------------------
@router.get("/directory", response_model=DirectoryPage, tags=["directory"])
async def search_directory(q: str | None = Query(None, max_length=100), kind: MemberKind | None = None,
                           block: str | None = BlockId, prefecture: str | None = PrefectureCode,
                           tag: list[str] = Query([], max_length=10), offset: int = Query(0, ge=0, le=1_000_000),
                           limit: int = Query(20, ge=1, le=100), rt: ServiceRuntime = Depends(runtime)) -> Any:
    return await directory.search_directory(uow=rt.uow, gazetteer=load_gazetteer(), q=q,
                                            kind=kind.value if kind else None, block=block,
                                            prefecture_code=prefecture, tags=[t[:30] for t in tag],
                                            offset=offset, limit=limit)


@router.get("/stats", response_model=StatsRead, tags=["figures"])
async def membership_stats(as_of: date = Query(...), rt: ServiceRuntime = Depends(runtime)) -> Any:
    """Counts of members at the end of `as_of` (JST), replayed from the membership history."""
    return await stats.membership_stats(uow=rt.uow, as_of=as_of)


# -- operators ---------------------------------------------------------------------------------
@router.get("/export.csv", tags=["operators"], response_class=Response)
async def export_csv(rt: ServiceRuntime = Depends(runtime), who: Principal = Depends(principal)) -> Response:
    body = await transfer.export_csv(uow=rt.uow, actor=who)
    return Response(body, media_type="text/csv; charset=utf-8",
                    headers={"content-disposition": 'attachment; filename="kakawari-members.csv"'})


@router.post("/import", response_model=ImportReport, tags=["operators"])
async def import_csv(request: Request, dry_run: bool = Query(True), rt: ServiceRuntime = Depends(runtime),
                     who: Principal = Depends(principal)) -> Any:
    """Body: the CSV file itself (text/csv). Defaults to a dry run; nothing is written if any row fails."""
    who.require_operator()
    content = await request.body()
    if len(content) > transfer.MAX_IMPORT_BYTES:
        raise AppError(ja="ファイルが大きすぎます。", en="The file is too large.", status=413)
    return await transfer.import_csv(uow=rt.uow, gazetteer=load_gazetteer(), actor=who, content=content,
                                     dry_run=dry_run)


@router.get("/audit", response_model=list[AuditRead], tags=["operators"])
async def audit_log(offset: int = Query(0, ge=0, le=1_000_000), limit: int = Query(100, ge=1, le=500),
                    rt: ServiceRuntime = Depends(runtime), who: Principal = Depends(principal)) -> Any:
    return await list_audit(uow=rt.uow, viewer=who, offset=offset, limit=limit)


# Last: its `{action}` segment would otherwise shadow /members/{id}/small-bases and friends.
@router.post("/members/{member_id}/{action}", response_model=MemberRead, tags=["review"])
async def transition(member_id: UUID, action: Action, body: TransitionRequest | None = Body(None),
                     rt: ServiceRuntime = Depends(runtime), who: Principal = Depends(principal)) -> Any:
    """submit, approve, reject (reason), return_for_changes (comment), activate, suspend (reason), reinstate,
    withdraw."""
    return await members.transition(uow=rt.uow, member_id=member_id, action=action, actor=who,
                                     note=body.note if body else None)
