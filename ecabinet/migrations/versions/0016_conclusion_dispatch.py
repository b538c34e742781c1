"""conclusion dispatch: per-unit dispatch and deliveries, unit webhooks, following tasks

Revision ID: 0016
Revises: 0014
Create Date: 2026-12-04 19:20:00

(There is no 0015: the number was kept for a change that was not made. The next revision
follows this one.)
"""
from alembic import op
import sqlalchemy as sa


revision = '0016'
down_revision = '0014'
branch_labels = None
depends_on = None

TASK_STATUS = sa.Enum('open', 'done', 'accepted', native_enum=False, length=20)
DELIVERY_STATUS = sa.Enum('queued', 'delivered', 'retrying', 'failed', native_enum=False,
                          length=20)
CHANNEL = sa.Enum('inbox', 'mail', 'webhook', native_enum=False, length=20)


def upgrade():
    with op.batch_alter_table('conclusion_tasks') as batch:
        batch.add_column(sa.Column('status', TASK_STATUS, server_default='open',
                                   nullable=False))
        batch.add_column(sa.Column('done_at', sa.DateTime(), nullable=True))
        batch.add_column(sa.Column('accepted_at', sa.DateTime(), nullable=True))
        batch.add_column(sa.Column('accepted_by_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('reminded_soon_on', sa.Date(), nullable=True))
        batch.add_column(sa.Column('reminded_overdue_on', sa.Date(), nullable=True))
        batch.create_foreign_key(op.f('fk_conclusion_tasks_accepted_by_id_users'), 'users',
                                 ['accepted_by_id'], ['id'])
    op.create_table(
        'conclusion_dispatches',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('conclusion_id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('sent_at', sa.DateTime(), nullable=False),
        sa.Column('resent_at', sa.DateTime(), nullable=True),
        sa.Column('opened_at', sa.DateTime(), nullable=True),
        sa.Column('acknowledged_at', sa.DateTime(), nullable=True),
        sa.Column('acknowledged_by_id', sa.Integer(), nullable=True),
        sa.Column('reminded_at', sa.DateTime(), nullable=True),
        sa.Column('reminders', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['conclusion_id'], ['conclusions.id'], ondelete='CASCADE',
                                name=op.f('fk_conclusion_dispatches_conclusion_id_conclusions')),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id'],
                                name=op.f('fk_conclusion_dispatches_unit_id_units')),
        sa.ForeignKeyConstraint(['acknowledged_by_id'], ['users.id'],
                                name=op.f('fk_conclusion_dispatches_acknowledged_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_conclusion_dispatches')),
        sa.UniqueConstraint('conclusion_id', 'unit_id',
                            name=op.f('uq_conclusion_dispatches_conclusion_id')),
    )
    op.create_index(op.f('ix_conclusion_dispatches_conclusion_id'), 'conclusion_dispatches',
                    ['conclusion_id'])
    op.create_index(op.f('ix_conclusion_dispatches_unit_id'), 'conclusion_dispatches',
                    ['unit_id'])
    op.create_table(
        'conclusion_deliveries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('dispatch_id', sa.Integer(), nullable=False),
        sa.Column('channel', CHANNEL, nullable=False),
        sa.Column('status', DELIVERY_STATUS, nullable=False),
        sa.Column('mail_id', sa.Integer(), nullable=True),
        sa.Column('target', sa.String(length=500), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('last_error_code', sa.String(length=40), nullable=False),
        sa.Column('last_error', sa.Text(), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(), nullable=True),
        sa.Column('claimed_at', sa.DateTime(), nullable=True),
        sa.Column('delivered_at', sa.DateTime(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['dispatch_id'], ['conclusion_dispatches.id'],
                                ondelete='CASCADE',
                                name=op.f('fk_conclusion_deliveries_dispatch_id_'
                                          'conclusion_dispatches')),
        sa.ForeignKeyConstraint(['mail_id'], ['outgoing_mails.id'], ondelete='SET NULL',
                                name=op.f('fk_conclusion_deliveries_mail_id_outgoing_mails')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_conclusion_deliveries')),
    )
    op.create_index(op.f('ix_conclusion_deliveries_dispatch_id'), 'conclusion_deliveries',
                    ['dispatch_id'])
    op.create_index(op.f('ix_conclusion_deliveries_mail_id'), 'conclusion_deliveries',
                    ['mail_id'])
    op.create_table(
        'unit_webhooks',
        sa.Column('unit_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('url', sa.String(length=500), nullable=False),
        sa.Column('secret_sealed', sa.LargeBinary(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id'], ondelete='CASCADE',
                                name=op.f('fk_unit_webhooks_unit_id_units')),
        sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'],
                                name=op.f('fk_unit_webhooks_updated_by_id_users')),
        sa.PrimaryKeyConstraint('unit_id', name=op.f('pk_unit_webhooks')),
    )
    op.create_table(
        'conclusion_task_reports',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('task_id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('file_sha256', sa.String(length=64), nullable=True),
        sa.Column('file_name', sa.String(length=200), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['task_id'], ['conclusion_tasks.id'], ondelete='CASCADE',
                                name=op.f('fk_conclusion_task_reports_task_id_conclusion_tasks')),
        sa.ForeignKeyConstraint(['author_id'], ['users.id'],
                                name=op.f('fk_conclusion_task_reports_author_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_conclusion_task_reports')),
    )
    op.create_index(op.f('ix_conclusion_task_reports_task_id'), 'conclusion_task_reports',
                    ['task_id'])


def downgrade():
    op.drop_table('conclusion_task_reports')
    op.drop_table('unit_webhooks')
    op.drop_table('conclusion_deliveries')
    op.drop_table('conclusion_dispatches')
    with op.batch_alter_table('conclusion_tasks') as batch:
        batch.drop_constraint(op.f('fk_conclusion_tasks_accepted_by_id_users'),
                              type_='foreignkey')
        for column in ('reminded_overdue_on', 'reminded_soon_on', 'accepted_by_id',
                       'accepted_at', 'done_at', 'status'):
            batch.drop_column(column)
