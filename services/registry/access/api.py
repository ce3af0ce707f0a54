"""Access's HTTP API: sign-up, sign-in (password, emailed link), passwords, invitations, a member's staff.

Thin: parse, authorize, call a use case.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request, Response

from kit.web.auth import Principal, issue_token
from kit.web.openapi import problems
from services.registry.access.schemas import (
    InvitationAccept,
    InvitationRead,
    LinkRedeem,
    LoginLinkCreate,
    MeRead,
    PasswordSet,
    PersonErase,
    StaffInviteCreate,
    StaffRead,
    TokenCreate,
    TokenRead,
)
from services.registry.access.service import erasure, signin, signup, staff
from services.registry.access.throttle import limit_apply, limit_login
from services.registry.bootstrap import RegistryDeps
from services.registry.membership.schemas import MemberApplicationCreate, MemberRead
from services.registry.web.deps import Caller, Deps

router = APIRouter()


def _token(deps: RegistryDeps, who: Principal) -> TokenRead:
    return TokenRead(access_token=issue_token(who, deps.secret_key), role=who.role, member_id=who.member_id)


@router.post("/applications", response_model=MemberRead, status_code=201, tags=["members"],
             responses=problems(429))
async def submit_application(body: MemberApplicationCreate, request: Request, deps: Deps) -> Any:
    """Apply (or save a draft); the applicant is emailed a link to set their password."""
    limit_apply(request, deps.limits)
    member, _ = await signup.apply(uow=deps.uow, gazetteer=deps.gazetteer, keys=deps.links, data=body)
    return member


@router.post("/auth/token", response_model=TokenRead, tags=["auth"], responses=problems(401, 429))
async def create_token(body: TokenCreate, request: Request, deps: Deps) -> TokenRead:
    limit_login(request, deps.limits, str(body.email))
    return _token(deps, await signin.authenticate(uow=deps.uow, email=str(body.email), password=body.password))


@router.post("/auth/login-link", status_code=202, tags=["auth"], responses=problems(429))
async def request_login_link(body: LoginLinkCreate, request: Request, deps: Deps) -> dict[str, str]:
    """Email a sign-in link if the address has an account; the answer is the same either way."""
    limit_login(request, deps.limits, str(body.email))
    await signin.request_login_link(uow=deps.uow, keys=deps.links, email=str(body.email), locale=body.locale)
    return {"status": "sent_if_registered"}


@router.post("/auth/login-link/redeem", response_model=TokenRead, tags=["auth"], responses=problems(401))
async def redeem_login_link(body: LinkRedeem, deps: Deps) -> TokenRead:
    return _token(deps, await signin.redeem_login_link(uow=deps.uow, keys=deps.links, token=body.token))


@router.post("/auth/password", response_model=TokenRead, tags=["auth"], responses=problems(401))
async def set_password(body: PasswordSet, deps: Deps) -> TokenRead:
    who = await signin.set_password(uow=deps.uow, keys=deps.links, token=body.token, password=body.password)
    return _token(deps, who)


@router.post("/invitations/accept", response_model=TokenRead, tags=["auth"], responses=problems(401))
async def accept_invitation(body: InvitationAccept, deps: Deps) -> TokenRead:
    who = await staff.accept_invitation(uow=deps.uow, keys=deps.links, token=body.token,
                                        display_name=body.display_name, password=body.password)
    return _token(deps, who)


@router.get("/me", response_model=MeRead, tags=["auth"])
async def me(who: Caller) -> MeRead:
    return MeRead(user_id=who.user_id, email=who.email, role=who.role, member_id=who.member_id)


@router.get("/members/{member_id}/staff", response_model=list[StaffRead], tags=["staff"])
async def list_staff(member_id: UUID, deps: Deps, who: Caller) -> Any:
    return await staff.list_staff(uow=deps.uow, member_id=member_id, viewer=who)


@router.post("/members/{member_id}/staff/invitations", response_model=InvitationRead, status_code=201,
             tags=["staff"])
async def invite_staff(member_id: UUID, body: StaffInviteCreate, deps: Deps, who: Caller) -> InvitationRead:
    token = await staff.invite_staff(uow=deps.uow, keys=deps.links, member_id=member_id, actor=who,
                                     email=str(body.email), role=body.role, locale=body.locale)
    return InvitationRead(email=token.email, role=token.role or body.role, expires_at=token.expires_at)


@router.delete("/members/{member_id}/staff/{user_id}", status_code=204, tags=["staff"])
async def remove_staff(member_id: UUID, user_id: UUID, deps: Deps, who: Caller) -> Response:
    await staff.remove_staff(uow=deps.uow, member_id=member_id, user_id=user_id, actor=who)
    return Response(status_code=204)


@router.post("/people/erase", status_code=204, tags=["people"], responses=problems(401, 403, 409))
async def erase_person(body: PersonErase, deps: Deps, who: Caller) -> Response:
    """Erase a person's personal data at their request (operators only); every service blanks its copy."""
    await erasure.erase_person(uow=deps.uow, actor=who, email=str(body.email))
    return Response(status_code=204)
