"""the room: an optional time limit on a speaker's turn, shown on every screen

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 18:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('speaker_requests') as batch:
        batch.add_column(sa.Column('limit_s', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('speaker_requests') as batch:
        batch.drop_column('limit_s')
