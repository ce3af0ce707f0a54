"""Alembic environment for the console's own database (its read models)."""

from kit.db.migrate import run_env
from services.console.models import Base

run_env(Base.metadata)
