"""answers to invitations (attend / decline / deputy) and the deputy of an attendance

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 17:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'invitation_answers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('meeting_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('answer', sa.Enum('attend', 'decline', 'deputy', native_enum=False,
                                    length=20), nullable=True),
        sa.Column('reason', sa.String(length=500), nullable=False),
        sa.Column('deputy_id', sa.Integer(), nullable=True),
        sa.Column('answered_at', sa.DateTime(), nullable=True),
        sa.Column('reminded_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['deputy_id'], ['users.id'],
                                name=op.f('fk_invitation_answers_deputy_id_users')),
        sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], ondelete='CASCADE',
                                name=op.f('fk_invitation_answers_meeting_id_meetings')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_invitation_answers_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_invitation_answers')),
        sa.UniqueConstraint('meeting_id', 'user_id',
                            name=op.f('uq_invitation_answers_meeting_id')),
    )
    op.create_index(op.f('ix_invitation_answers_meeting_id'), 'invitation_answers',
                    ['meeting_id'])
    op.create_index(op.f('ix_invitation_answers_deputy_id'), 'invitation_answers',
                    ['deputy_id'])
    # The room marks an invited person "represented by their deputy", naming the deputy.
    with op.batch_alter_table('attendance') as batch:
        batch.add_column(sa.Column('deputy_id', sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f('fk_attendance_deputy_id_users'), 'users',
                                 ['deputy_id'], ['id'])


def downgrade():
    with op.batch_alter_table('attendance') as batch:
        batch.drop_constraint(op.f('fk_attendance_deputy_id_users'), type_='foreignkey')
        batch.drop_column('deputy_id')
    op.drop_index(op.f('ix_invitation_answers_deputy_id'), 'invitation_answers')
    op.drop_index(op.f('ix_invitation_answers_meeting_id'), 'invitation_answers')
    op.drop_table('invitation_answers')
