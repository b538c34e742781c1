"""conclusions: the notice of a meeting, its sections, tasks, recipients, and numbers per body

Revision ID: 0013
Revises: 0011
Create Date: 2026-12-03 11:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0011'
branch_labels = None
depends_on = None

STATUS = sa.Enum('draft', 'submitted', 'returned', 'signed', 'issued', 'dispatched',
                 native_enum=False, length=20)


def upgrade():
    op.create_table(
        'conclusions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('meeting_id', sa.Integer(), nullable=False),
        sa.Column('body_id', sa.Integer(), nullable=False),
        sa.Column('status', STATUS, nullable=False),
        sa.Column('chaired_by', sa.Text(), nullable=False),
        sa.Column('attended_by', sa.Text(), nullable=False),
        sa.Column('return_comment', sa.Text(), nullable=False),
        sa.Column('revision', sa.Integer(), nullable=False),
        sa.Column('signer_name', sa.String(length=120), nullable=False),
        sa.Column('signer_position', sa.String(length=120), nullable=False),
        sa.Column('signed_by_id', sa.Integer(), nullable=True),
        sa.Column('signed_at', sa.DateTime(), nullable=True),
        sa.Column('signed_pdf', sa.LargeBinary(), nullable=True),
        sa.Column('layout', sa.JSON(), nullable=True),
        sa.Column('year', sa.Integer(), nullable=True),
        sa.Column('number', sa.Integer(), nullable=True),
        sa.Column('issued_by_id', sa.Integer(), nullable=True),
        sa.Column('issued_at', sa.DateTime(), nullable=True),
        sa.Column('issued_pdf', sa.LargeBinary(), nullable=True),
        sa.Column('issued_sha256', sa.String(length=64), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], ondelete='CASCADE',
                                name=op.f('fk_conclusions_meeting_id_meetings')),
        sa.ForeignKeyConstraint(['body_id'], ['units.id'],
                                name=op.f('fk_conclusions_body_id_units')),
        sa.ForeignKeyConstraint(['signed_by_id'], ['users.id'],
                                name=op.f('fk_conclusions_signed_by_id_users')),
        sa.ForeignKeyConstraint(['issued_by_id'], ['users.id'],
                                name=op.f('fk_conclusions_issued_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_conclusions')),
        sa.UniqueConstraint('meeting_id', name=op.f('uq_conclusions_meeting_id')),
        sa.UniqueConstraint('body_id', 'year', 'number', name=op.f('uq_conclusions_body_id')),
    )
    op.create_index(op.f('ix_conclusions_body_id'), 'conclusions', ['body_id'])
    op.create_index(op.f('ix_conclusions_issued_sha256'), 'conclusions', ['issued_sha256'])
    op.create_table(
        'conclusion_sections',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('conclusion_id', sa.Integer(), nullable=False),
        sa.Column('agenda_item_id', sa.Integer(), nullable=True),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=500), nullable=False),
        sa.Column('text_html', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['conclusion_id'], ['conclusions.id'], ondelete='CASCADE',
                                name=op.f('fk_conclusion_sections_conclusion_id_conclusions')),
        sa.ForeignKeyConstraint(['agenda_item_id'], ['agenda_items.id'], ondelete='SET NULL',
                                name=op.f('fk_conclusion_sections_agenda_item_id_agenda_items')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_conclusion_sections')),
    )
    op.create_index(op.f('ix_conclusion_sections_conclusion_id'), 'conclusion_sections',
                    ['conclusion_id'])
    op.create_table(
        'conclusion_tasks',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('section_id', sa.Integer(), nullable=False),
        sa.Column('responsible_unit_id', sa.Integer(), nullable=False),
        sa.Column('cooperating_unit_ids', sa.JSON(), nullable=False),
        sa.Column('content', sa.Text(), nullable=False),
        sa.Column('deadline', sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(['section_id'], ['conclusion_sections.id'], ondelete='CASCADE',
                                name=op.f('fk_conclusion_tasks_section_id_conclusion_sections')),
        sa.ForeignKeyConstraint(['responsible_unit_id'], ['units.id'],
                                name=op.f('fk_conclusion_tasks_responsible_unit_id_units')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_conclusion_tasks')),
    )
    op.create_index(op.f('ix_conclusion_tasks_section_id'), 'conclusion_tasks', ['section_id'])
    op.create_index(op.f('ix_conclusion_tasks_responsible_unit_id'), 'conclusion_tasks',
                    ['responsible_unit_id'])
    op.create_table(
        'conclusion_recipients',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('conclusion_id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['conclusion_id'], ['conclusions.id'], ondelete='CASCADE',
                                name=op.f('fk_conclusion_recipients_conclusion_id_conclusions')),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id'],
                                name=op.f('fk_conclusion_recipients_unit_id_units')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_conclusion_recipients')),
        sa.UniqueConstraint('conclusion_id', 'unit_id',
                            name=op.f('uq_conclusion_recipients_conclusion_id')),
    )
    op.create_index(op.f('ix_conclusion_recipients_conclusion_id'), 'conclusion_recipients',
                    ['conclusion_id'])
    op.create_table(
        'conclusion_numbers',
        sa.Column('body_id', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('last', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['body_id'], ['units.id'],
                                name=op.f('fk_conclusion_numbers_body_id_units')),
        sa.PrimaryKeyConstraint('body_id', 'year', name=op.f('pk_conclusion_numbers')),
    )


def downgrade():
    op.drop_table('conclusion_numbers')
    op.drop_index(op.f('ix_conclusion_recipients_conclusion_id'), 'conclusion_recipients')
    op.drop_table('conclusion_recipients')
    op.drop_index(op.f('ix_conclusion_tasks_responsible_unit_id'), 'conclusion_tasks')
    op.drop_index(op.f('ix_conclusion_tasks_section_id'), 'conclusion_tasks')
    op.drop_table('conclusion_tasks')
    op.drop_index(op.f('ix_conclusion_sections_conclusion_id'), 'conclusion_sections')
    op.drop_table('conclusion_sections')
    op.drop_index(op.f('ix_conclusions_issued_sha256'), 'conclusions')
    op.drop_index(op.f('ix_conclusions_body_id'), 'conclusions')
    op.drop_table('conclusions')
