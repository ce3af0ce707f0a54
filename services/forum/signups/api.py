"""Signups' HTTP API: sign up (the endpoint the flash-crowd benchmark and any client use),
verify an address, and self-service by signed link."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter, Response

from kit.web.openapi import problems
from services.forum.signups import service
from services.forum.signups.schemas import SeriesWaitlistCreate, SignupCreate, SignupDetail, SignupRead, TokenBody
from services.forum.web import Deps, MaybeCaller

router = APIRouter(tags=["signups"])


@router.post("/events/{event_id}/signups", response_model=SignupRead, status_code=201,
             responses={200: {"description": "The address already has a signup here: it is returned."},
                        **problems(404, 409)})
async def sign_up(event_id: UUID, body: SignupCreate, deps: Deps, who: MaybeCaller, response: Response) -> Any:
    """Sign up: `confirmed`, `pending_verification` (the seat is held until the emailed link is
    opened), `waitlisted` (with the position) or `lottery_entered`. A signed-in member's staff
    are verified already and linked to their member."""
    person = service.Person(name=body.name, name_kana=body.name_kana, email=str(body.email),
                            affiliation=body.affiliation, prefecture_code=body.prefecture_code, locale=body.locale,
                            member_id=who.member_id if who else None)
    verified = who is not None and who.email.lower() == person.email.lower()
    outcome = await deps.desk.sign_up(event_id, person, verified=verified)
    if not outcome.created:
        # The address already has a signup: its state, but not its link, which could cancel it;
        # the link went to that address by email.
        response.status_code = 200
    return SignupRead(id=outcome.signup.id, status=outcome.signup.status, waitlist_position=outcome.waitlist_position,
                      manage_url=outcome.manage_url if outcome.created else None)


@router.post("/series/{series_id}/waitlist", response_model=list[SignupDetail], status_code=201,
             responses=problems(404, 409))
async def wait_for_any(series_id: UUID, body: SeriesWaitlistCreate, deps: Deps, who: MaybeCaller) -> Any:
    """Wait for any of several dates of a café series with one entry: the first date that frees
    up wins and the other dates' places in line are given up."""
    person = service.Person(name=body.name, name_kana=body.name_kana, email=str(body.email),
                            affiliation=body.affiliation, prefecture_code=body.prefecture_code, locale=body.locale,
                            member_id=who.member_id if who else None)
    verified = who is not None and who.email.lower() == person.email.lower()
    outcomes = await service.wait_for_any(uow=deps.uow, links=deps.links, series_id=series_id,
                                          event_ids=body.event_ids, person=person, verified=verified)
    return [SignupDetail.model_validate(o.signup).model_copy(update={"waitlist_position": o.waitlist_position})
            for o in outcomes]


@router.post("/signups/verify", response_model=SignupDetail, responses=problems(404))
async def verify(body: TokenBody, deps: Deps) -> Any:
    """Open the emailed verification link: the held seat is confirmed."""
    return await service.verify(uow=deps.uow, links=deps.links, token=body.token)


@router.get("/signups/manage/{token}", response_model=SignupDetail, responses=problems(404))
async def manage(token: str, deps: Deps) -> Any:
    """A signup as its signed link shows it, with the place in line."""
    signup, _, position = await service.manage_view(uow=deps.uow, links=deps.links, token=token)
    return SignupDetail.model_validate(signup).model_copy(update={"waitlist_position": position})


@router.post("/signups/manage/{token}/cancel", response_model=SignupDetail, responses=problems(404))
async def cancel(token: str, deps: Deps) -> Any:
    """Cancel by signed link; the next in line is promoted."""
    signup_id = service.signup_from_token(deps.links, token)
    return await service.cancel(uow=deps.uow, links=deps.links, signup_id=signup_id, reason="cancelled by the attendee")


@router.post("/signups/manage/{token}/accept", response_model=SignupDetail, responses=problems(404, 409))
async def accept(token: str, deps: Deps) -> Any:
    """Take the seat offered after a promotion."""
    signup_id: UUID = service.signup_from_token(deps.links, token)
    return await service.accept_offer(uow=deps.uow, links=deps.links, signup_id=signup_id)
