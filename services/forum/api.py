"""forum's HTTP API (under /forum/api/v1); its endpoints arrive with its issue."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
