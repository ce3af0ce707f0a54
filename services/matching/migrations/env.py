"""Alembic environment for matching's own database."""

from kit.db.migrate import run_env
from services.matching.models import Base

run_env(Base.metadata)
