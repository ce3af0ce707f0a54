"""delivery retries with backoff, and a log of every try

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30 20:45:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import kit.db.types

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('email_deliveries') as batch:
        batch.add_column(sa.Column('next_attempt_at', kit.db.types.UTCDateTime(timezone=True), nullable=True))
        batch.drop_index('ix_email_deliveries_state_id')
    op.execute('UPDATE email_deliveries SET next_attempt_at = created_at')
    with op.batch_alter_table('email_deliveries') as batch:
        batch.alter_column('next_attempt_at', nullable=False)
        batch.create_index('ix_email_deliveries_state_next_attempt_at', ['state', 'next_attempt_at'])
    op.create_index('ix_notifications_recipient_created_at', 'notifications', ['recipient', 'created_at'])
    op.create_table(
        'delivery_attempts',
        sa.Column('delivery_id', sa.Uuid(), nullable=False),
        sa.Column('attempt', sa.Integer(), nullable=False),
        sa.Column('at', kit.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('outcome', sa.String(length=16), nullable=False),
        sa.Column('error', sa.Text(), nullable=True),
        sa.Column('retry_at', kit.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['delivery_id'], ['email_deliveries.id'],
                                name=op.f('fk_delivery_attempts_delivery_id_email_deliveries')),
        sa.PrimaryKeyConstraint('delivery_id', 'attempt', name=op.f('pk_delivery_attempts')),
    )


def downgrade() -> None:
    op.drop_table('delivery_attempts')
    op.drop_index('ix_notifications_recipient_created_at', table_name='notifications')
    with op.batch_alter_table('email_deliveries') as batch:
        batch.drop_index('ix_email_deliveries_state_next_attempt_at')
        batch.create_index('ix_email_deliveries_state_id', ['state', 'id'])
        batch.drop_column('next_attempt_at')
