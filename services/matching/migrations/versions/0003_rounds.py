"""allocation rounds: people's and hosts' rankings, results and quality reports

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 02:45:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import kit.db.types

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('rounds',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('mode', sa.String(length=16), nullable=False),
    sa.Column('max_programs', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('seed', sa.String(length=64), nullable=False),
    sa.Column('seed_hash', sa.String(length=64), nullable=False),
    sa.Column('report', sa.JSON(), nullable=True),
    sa.Column('created_by', sa.Uuid(), nullable=False),
    sa.Column('created_at', kit.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('run_by', sa.Uuid(), nullable=True),
    sa.Column('run_at', kit.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rounds'))
    )
    op.create_table('round_programs',
    sa.Column('round_id', sa.Uuid(), nullable=False),
    sa.Column('program_id', sa.Uuid(), nullable=False),
    sa.Column('method', sa.String(length=16), nullable=False),
    sa.Column('ranking', sa.JSON(), nullable=False),
    sa.Column('ranked_by', sa.Uuid(), nullable=True),
    sa.Column('ranked_at', kit.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['program_id'], ['programs.id'], name=op.f('fk_round_programs_program_id_programs')),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_round_programs_round_id_rounds')),
    sa.PrimaryKeyConstraint('round_id', 'program_id', name=op.f('pk_round_programs'))
    )
    with op.batch_alter_table('round_programs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_round_programs_program_id'), ['program_id'], unique=False)

    op.create_table('round_wishes',
    sa.Column('round_id', sa.Uuid(), nullable=False),
    sa.Column('helper_id', sa.Uuid(), nullable=False),
    sa.Column('program_ids', sa.JSON(), nullable=False),
    sa.Column('submitted_at', kit.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['helper_id'], ['helpers.id'], name=op.f('fk_round_wishes_helper_id_helpers')),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_round_wishes_round_id_rounds')),
    sa.PrimaryKeyConstraint('round_id', 'helper_id', name=op.f('pk_round_wishes'))
    )
    with op.batch_alter_table('round_wishes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_round_wishes_helper_id'), ['helper_id'], unique=False)

    op.create_table('round_placements',
    sa.Column('round_id', sa.Uuid(), nullable=False),
    sa.Column('helper_id', sa.Uuid(), nullable=False),
    sa.Column('program_id', sa.Uuid(), nullable=False),
    sa.Column('application_id', sa.Uuid(), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('stage', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'],
                            name=op.f('fk_round_placements_application_id_applications')),
    sa.ForeignKeyConstraint(['helper_id'], ['helpers.id'], name=op.f('fk_round_placements_helper_id_helpers')),
    sa.ForeignKeyConstraint(['program_id'], ['programs.id'], name=op.f('fk_round_placements_program_id_programs')),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_round_placements_round_id_rounds')),
    sa.PrimaryKeyConstraint('round_id', 'helper_id', 'program_id', name=op.f('pk_round_placements'))
    )
    with op.batch_alter_table('round_placements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_round_placements_helper_id'), ['helper_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('round_placements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_round_placements_helper_id'))

    op.drop_table('round_placements')
    with op.batch_alter_table('round_wishes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_round_wishes_helper_id'))

    op.drop_table('round_wishes')
    with op.batch_alter_table('round_programs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_round_programs_program_id'))

    op.drop_table('round_programs')
    op.drop_table('rounds')
