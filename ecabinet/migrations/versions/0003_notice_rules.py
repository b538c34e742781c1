"""meetings: per-body notice rules and the timing of each publication

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 10:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'body_rules',
        sa.Column('body_id', sa.Integer(), nullable=False),
        sa.Column('regular_notice_working_days', sa.Integer(), nullable=False),
        sa.Column('thematic_notice_days', sa.Integer(), nullable=False),
        sa.Column('extraordinary_notice_days', sa.Integer(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=True),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['body_id'], ['units.id'], ondelete='CASCADE',
                                name=op.f('fk_body_rules_body_id_units')),
        sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'],
                                name=op.f('fk_body_rules_updated_by_id_users')),
        sa.PrimaryKeyConstraint('body_id', name=op.f('pk_body_rules')),
    )
    op.create_table(
        'meeting_publications',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('meeting_id', sa.Integer(), nullable=False),
        sa.Column('published_at', sa.DateTime(), nullable=False),
        sa.Column('deadline', sa.DateTime(), nullable=False),
        sa.Column('late', sa.Boolean(), nullable=False),
        sa.Column('published_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], ondelete='CASCADE',
                                name=op.f('fk_meeting_publications_meeting_id_meetings')),
        sa.ForeignKeyConstraint(['published_by_id'], ['users.id'],
                                name=op.f('fk_meeting_publications_published_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_publications')),
    )
    op.create_index(op.f('ix_meeting_publications_meeting_id'), 'meeting_publications',
                    ['meeting_id'])


def downgrade():
    op.drop_index(op.f('ix_meeting_publications_meeting_id'), table_name='meeting_publications')
    op.drop_table('meeting_publications')
    op.drop_table('body_rules')
