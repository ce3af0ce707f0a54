"""The preferences API: the caller's own notification settings, nobody else's."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from kit.web.auth import Principal
from kit.web.deps import dependency, principal
from kit.web.openapi import problems
from services.notify.bootstrap import NotifyDeps
from services.notify.preferences import service
from services.notify.preferences.schemas import PreferencesRead, PreferencesUpdate

router = APIRouter(tags=["preferences"])
Deps = Annotated[NotifyDeps, Depends(dependency(NotifyDeps))]
Caller = Annotated[Principal, Depends(principal)]


@router.get("/preferences", response_model=PreferencesRead, responses=problems(401))
async def my_preferences(deps: Deps, who: Caller) -> Any:
    """The caller's switches (category × channel), quiet hours, language and (operators) digest time,
    and the critical messages that are sent whatever they say."""
    found = await service.view(uow=deps.uow, recipient=who.email.lower(), operator=who.is_operator)
    return PreferencesRead.of(found)


@router.put("/preferences", response_model=PreferencesRead, responses=problems(401, 403, 422))
async def change_my_preferences(body: PreferencesUpdate, deps: Deps, who: Caller) -> Any:
    """Change some of the caller's settings; what the body leaves out stays as it is. Times are
    JST HH:MM; the quiet window may wrap midnight but not be empty. `digest_at` is for operators."""
    found = await service.update(uow=deps.uow, recipient=who.email.lower(), requested=body.requested(),
                                 operator=who.is_operator)
    return PreferencesRead.of(found)
