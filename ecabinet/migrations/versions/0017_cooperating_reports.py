"""cooperating reports: a task's report names the unit that made it

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


def downgrade():
    with op.batch_alter_table('conclusion_task_reports') as batch:
        batch.drop_constraint(op.f('fk_conclusion_task_reports_unit_id_units'),
                              type_='foreignkey')
        batch.drop_column('unit_id')
