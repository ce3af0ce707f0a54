"""Alembic environment for forum's own database."""

from kit.db.migrate import run_env
from services.forum.models import Base

run_env(Base.metadata)
