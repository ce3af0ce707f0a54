"""participations, roles, forum attendances and scouts

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 02:45:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import kit.db.types

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('scouts',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('program_id', sa.Uuid(), nullable=False),
    sa.Column('helper_id', sa.Uuid(), nullable=False),
    sa.Column('sent_by', sa.Uuid(), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('created_at', kit.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['helper_id'], ['helpers.id'], name=op.f('fk_scouts_helper_id_helpers')),
    sa.ForeignKeyConstraint(['program_id'], ['programs.id'], name=op.f('fk_scouts_program_id_programs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scouts')),
    sa.UniqueConstraint('program_id', 'helper_id', name='uq_scouts_program_id_helper_id')
    )
    with op.batch_alter_table('scouts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scouts_helper_id'), ['helper_id'], unique=False)

    op.create_table('participations',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('helper_id', sa.Uuid(), nullable=False),
    sa.Column('activity_id', sa.Uuid(), nullable=False),
    sa.Column('program_id', sa.Uuid(), nullable=True),
    sa.Column('municipality_code', sa.String(length=6), nullable=True),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('recorded_by', sa.Uuid(), nullable=True),
    sa.Column('created_at', kit.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['program_id'], ['programs.id'], name=op.f('fk_participations_program_id_programs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_participations')),
    sa.UniqueConstraint('helper_id', 'activity_id', 'day', name='uq_participations_helper_id_activity_id_day')
    )
    with op.batch_alter_table('participations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_participations_helper_id'), ['helper_id'], unique=False)
        batch_op.create_index('ix_participations_municipality_code_day', ['municipality_code', 'day'], unique=False)

    op.create_table('relation_roles',
    sa.Column('person_id', sa.Uuid(), nullable=False),
    sa.Column('municipality_code', sa.String(length=6), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('created_at', kit.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('person_id', 'municipality_code', 'role', name=op.f('pk_relation_roles'))
    )
    with op.batch_alter_table('relation_roles', schema=None) as batch_op:
        batch_op.create_index('ix_relation_roles_municipality_code_day', ['municipality_code', 'day'], unique=False)

    op.create_table('forum_attendances',
    sa.Column('signup_id', sa.Uuid(), nullable=False),
    sa.Column('event_id', sa.Uuid(), nullable=False),
    sa.Column('helper_id', sa.Uuid(), nullable=False),
    sa.Column('municipality_code', sa.String(length=6), nullable=True),
    sa.Column('created_at', kit.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('signup_id', name=op.f('pk_forum_attendances'))
    )
    with op.batch_alter_table('forum_attendances', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_forum_attendances_helper_id'), ['helper_id'], unique=False)


def downgrade() -> None:
    op.drop_table('forum_attendances')
    op.drop_table('relation_roles')
    op.drop_table('participations')
    op.drop_table('scouts')
