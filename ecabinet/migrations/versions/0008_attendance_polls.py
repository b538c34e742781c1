"""attendance, polls and ballots

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 10:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def _enum(*values):
    return sa.Enum(*values, native_enum=False, length=20)


def upgrade():
    op.create_table(
        'attendance',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('meeting_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('presence', _enum('present', 'absent'), nullable=False),
        sa.Column('reason', sa.String(length=300), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.Column('marked_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['marked_by_id'], ['users.id'],
                                name=op.f('fk_attendance_marked_by_id_users')),
        sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], ondelete='CASCADE',
                                name=op.f('fk_attendance_meeting_id_meetings')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_attendance_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_attendance')),
        sa.UniqueConstraint('meeting_id', 'user_id', name=op.f('uq_attendance_meeting_id')),
    )
    op.create_index(op.f('ix_attendance_meeting_id'), 'attendance', ['meeting_id'])
    op.create_table(
        'polls',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('meeting_id', sa.Integer(), nullable=False),
        sa.Column('agenda_item_id', sa.Integer(), nullable=True),
        sa.Column('question', sa.String(length=500), nullable=False),
        sa.Column('choices', sa.Text(), nullable=False),
        sa.Column('max_choices', sa.Integer(), nullable=False),
        sa.Column('kind', _enum('named', 'secret'), nullable=False),
        sa.Column('majority', _enum('half_members', 'two_thirds', 'half_present'),
                  nullable=False),
        sa.Column('allow_change', sa.Boolean(), nullable=False),
        sa.Column('status', _enum('open', 'closed'), nullable=False),
        sa.Column('members_in_office', sa.Integer(), nullable=False),
        sa.Column('present_at_open', sa.Integer(), nullable=False),
        sa.Column('quorum_overridden', sa.Boolean(), nullable=False),
        sa.Column('receipt_key', sa.String(length=64), nullable=False),
        sa.Column('closes_at', sa.DateTime(), nullable=True),
        sa.Column('opened_at', sa.DateTime(), nullable=False),
        sa.Column('opened_by_id', sa.Integer(), nullable=True),
        sa.Column('closed_at', sa.DateTime(), nullable=True),
        sa.Column('closed_by_id', sa.Integer(), nullable=True),
        sa.Column('result', sa.Text(), nullable=False),
        sa.Column('chain_head', sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(['agenda_item_id'], ['agenda_items.id'], ondelete='SET NULL',
                                name=op.f('fk_polls_agenda_item_id_agenda_items')),
        sa.ForeignKeyConstraint(['closed_by_id'], ['users.id'],
                                name=op.f('fk_polls_closed_by_id_users')),
        sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], ondelete='CASCADE',
                                name=op.f('fk_polls_meeting_id_meetings')),
        sa.ForeignKeyConstraint(['opened_by_id'], ['users.id'],
                                name=op.f('fk_polls_opened_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_polls')),
    )
    op.create_index(op.f('ix_polls_meeting_id'), 'polls', ['meeting_id'])
    op.create_index(op.f('ix_polls_status'), 'polls', ['status'])
    op.create_table(
        'named_ballots',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('poll_id', sa.Integer(), nullable=False),
        sa.Column('voter_id', sa.Integer(), nullable=False),
        sa.Column('choices', sa.String(length=200), nullable=False),
        sa.Column('receipt', sa.String(length=20), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(['poll_id'], ['polls.id'], ondelete='CASCADE',
                                name=op.f('fk_named_ballots_poll_id_polls')),
        sa.ForeignKeyConstraint(['voter_id'], ['users.id'],
                                name=op.f('fk_named_ballots_voter_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_named_ballots')),
        sa.UniqueConstraint('poll_id', 'voter_id', name='uq_named_ballots_voter'),
        sa.UniqueConstraint('poll_id', 'receipt', name='uq_named_ballots_receipt'),
    )
    op.create_index(op.f('ix_named_ballots_poll_id'), 'named_ballots', ['poll_id'])
    op.create_table(
        'secret_voters',
        sa.Column('id', sa.String(length=32), nullable=False),
        sa.Column('poll_id', sa.Integer(), nullable=False),
        sa.Column('voter_id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(['poll_id'], ['polls.id'], ondelete='CASCADE',
                                name=op.f('fk_secret_voters_poll_id_polls')),
        sa.ForeignKeyConstraint(['voter_id'], ['users.id'],
                                name=op.f('fk_secret_voters_voter_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_secret_voters')),
        sa.UniqueConstraint('poll_id', 'voter_id', name=op.f('uq_secret_voters_poll_id')),
    )
    op.create_index(op.f('ix_secret_voters_poll_id'), 'secret_voters', ['poll_id'])
    op.create_table(
        'secret_ballots',
        sa.Column('id', sa.String(length=32), nullable=False),
        sa.Column('poll_id', sa.Integer(), nullable=False),
        sa.Column('choices', sa.String(length=200), nullable=False),
        sa.Column('receipt', sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(['poll_id'], ['polls.id'], ondelete='CASCADE',
                                name=op.f('fk_secret_ballots_poll_id_polls')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_secret_ballots')),
        sa.UniqueConstraint('poll_id', 'receipt', name=op.f('uq_secret_ballots_poll_id')),
    )
    op.create_index(op.f('ix_secret_ballots_poll_id'), 'secret_ballots', ['poll_id'])


def downgrade():
    for table in ('secret_ballots', 'secret_voters', 'named_ballots', 'polls', 'attendance'):
        op.drop_table(table)
