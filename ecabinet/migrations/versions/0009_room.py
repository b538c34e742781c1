"""the room of a meeting in progress: state and speakers

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 10:25:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'room_states',
        sa.Column('meeting_id', sa.Integer(), nullable=False),
        sa.Column('started_at', sa.DateTime(), nullable=False),
        sa.Column('started_by_id', sa.Integer(), nullable=True),
        sa.Column('ended_at', sa.DateTime(), nullable=True),
        sa.Column('current_item_id', sa.Integer(), nullable=True),
        sa.Column('presenting_document_id', sa.Integer(), nullable=True),
        sa.Column('presenting_page', sa.Integer(), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['current_item_id'], ['agenda_items.id'], ondelete='SET NULL',
                                name=op.f('fk_room_states_current_item_id_agenda_items')),
        sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], ondelete='CASCADE',
                                name=op.f('fk_room_states_meeting_id_meetings')),
        sa.ForeignKeyConstraint(['presenting_document_id'], ['documents.id'],
                                ondelete='SET NULL',
                                name=op.f('fk_room_states_presenting_document_id_documents')),
        sa.ForeignKeyConstraint(['started_by_id'], ['users.id'],
                                name=op.f('fk_room_states_started_by_id_users')),
        sa.PrimaryKeyConstraint('meeting_id', name=op.f('pk_room_states')),
    )
    op.create_table(
        'speaker_requests',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('meeting_id', sa.Integer(), nullable=False),
        sa.Column('agenda_item_id', sa.Integer(), nullable=True),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.Enum('waiting', 'speaking', 'done', 'withdrawn',
                                    native_enum=False, length=20), nullable=False),
        sa.Column('requested_at', sa.DateTime(), nullable=False),
        sa.Column('started_at', sa.DateTime(), nullable=True),
        sa.Column('ended_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['agenda_item_id'], ['agenda_items.id'], ondelete='SET NULL',
                                name=op.f('fk_speaker_requests_agenda_item_id_agenda_items')),
        sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], ondelete='CASCADE',
                                name=op.f('fk_speaker_requests_meeting_id_meetings')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_speaker_requests_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_speaker_requests')),
    )
    op.create_index(op.f('ix_speaker_requests_meeting_id'), 'speaker_requests', ['meeting_id'])
    op.create_index(op.f('ix_speaker_requests_user_id'), 'speaker_requests', ['user_id'])


def downgrade():
    op.drop_table('speaker_requests')
    op.drop_table('room_states')
