"""a covering index for the recommender's fingerprint of the open catalogue

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 03:25:00
"""
from collections.abc import Sequence

from alembic import op

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ["status", "ends_on", "updated_at", "confirmed", "held", "capacity", "reserved"]


def upgrade() -> None:
    op.create_index("ix_programs_open_catalogue", "programs", COLUMNS)


def downgrade() -> None:
    op.drop_index("ix_programs_open_catalogue", table_name="programs")
