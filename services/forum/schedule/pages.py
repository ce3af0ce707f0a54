"""Scheduled work has no page of its own: the manage page links to the reconfirm API."""

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
