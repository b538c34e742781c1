"""packets: cached reader packets and their builds

A row per reader and packet contents (the cache key), so that a packet is built once in the
worker, joined by a second request, polled by the page and served from the encrypted cache.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 10:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'packet_builds',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('cache_key', sa.String(length=64), nullable=False),
        sa.Column('meeting_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('state', sa.Enum('queued', 'building', 'ready', 'failed',
                                   name='packetstate', native_enum=False, length=20),
                  nullable=False),
        sa.Column('plan', sa.Text(), nullable=False),
        sa.Column('pages_total', sa.Integer(), nullable=False),
        sa.Column('pages_done', sa.Integer(), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('error', sa.String(length=64), nullable=False),
        sa.Column('requested_at', sa.DateTime(), nullable=False),
        sa.Column('started_at', sa.DateTime(), nullable=True),
        sa.Column('finished_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], ondelete='CASCADE',
                                name=op.f('fk_packet_builds_meeting_id_meetings')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE',
                                name=op.f('fk_packet_builds_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_packet_builds')),
        sa.UniqueConstraint('cache_key', name=op.f('uq_packet_builds_cache_key')),
    )
    with op.batch_alter_table('packet_builds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_packet_builds_meeting_id'), ['meeting_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_packet_builds_state'), ['state'], unique=False)
        batch_op.create_index(batch_op.f('ix_packet_builds_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('packet_builds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_packet_builds_user_id'))
        batch_op.drop_index(batch_op.f('ix_packet_builds_state'))
        batch_op.drop_index(batch_op.f('ix_packet_builds_meeting_id'))
    op.drop_table('packet_builds')
