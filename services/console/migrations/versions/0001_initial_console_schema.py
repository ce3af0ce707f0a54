"""initial console schema: the messaging tables

Revision ID: 0001
Revises:
Create Date: 2026-12-01 04:20:00
"""
from collections.abc import Sequence

from alembic import op

from kit.messaging.migrations import create_messaging_tables_v1, drop_messaging_tables_v1

revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_messaging_tables_v1(op)


def downgrade() -> None:
    drop_messaging_tables_v1(op)
