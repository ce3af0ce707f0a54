"""matching's HTTP API (under /matching/api/v1); its endpoints arrive with its issue."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
