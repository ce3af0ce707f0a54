"""Alembic environment for registry's own database."""

from kit.db.migrate import run_env
from services.registry.models import Base

run_env(Base.metadata)
