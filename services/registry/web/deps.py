"""FastAPI parameters every registry route may take, declared once."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from kit.web.auth import Principal
from kit.web.deps import dependency, principal
from services.registry.bootstrap import RegistryDeps

Deps = Annotated[RegistryDeps, Depends(dependency(RegistryDeps))]
Caller = Annotated[Principal, Depends(principal)]  # the signed-in caller; 401 without a valid bearer token
