"""cooperating reports: a task's report names the unit that made it; verification checks

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 15:10:00

A co-operating unit reports its own part of a task; the report keeps which unit it was, so
that the secretariat sees it beside the leading unit's.
"""
from alembic import op
import sqlalchemy as sa


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('conclusion_task_reports') as batch:
        batch.add_column(sa.Column('unit_id', sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f('fk_conclusion_task_reports_unit_id_units'), 'units',
                                 ['unit_id'], ['id'])
    op.create_table(
        'verification_checks',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('ip', sa.String(length=64), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_verification_checks')),
    )
    op.create_index('ix_verification_checks_ip_at', 'verification_checks', ['ip', 'at'])
    op.create_index('ix_verification_checks_at', 'verification_checks', ['at'])


def downgrade():
    op.drop_table('verification_checks')
    with op.batch_alter_table('conclusion_task_reports') as batch:
        batch.drop_constraint(op.f('fk_conclusion_task_reports_unit_id_units'),
                              type_='foreignkey')
        batch.drop_column('unit_id')
