"""The console's fixtures: its own database without the platform (the helpers that use it are in
tests/support/console.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager

import pytest
from sqlalchemy import MetaData

from kit.db.engine import Database
from services.console.models import Base


@pytest.fixture
async def console_db(fresh_database: Callable[[MetaData], AbstractAsyncContextManager[Database]]
                     ) -> AsyncIterator[Database]:
    """The console's tables on a fresh database of the test's backend."""
    async with fresh_database(Base.metadata) as db:
        yield db
