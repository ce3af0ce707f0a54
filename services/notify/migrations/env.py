"""Alembic environment for notify's own database."""

from kit.db.migrate import run_env
from services.notify.models import Base

run_env(Base.metadata)
