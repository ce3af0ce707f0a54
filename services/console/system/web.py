"""The system dashboard's route parameters: a dead letter's id, and the console's one `SystemMonitor`
(built once by the composition root, so every look sees the one before it)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path

from services.console.system.service import SystemMonitor
from services.console.web import Deps

EntryId = Annotated[int, Path(ge=1, le=2**63 - 1, description="The dead letter's `id` (its sequence in the stream).")]


def _monitor(deps: Deps) -> SystemMonitor:
    return deps.system


Monitor = Annotated[SystemMonitor, Depends(_monitor)]
