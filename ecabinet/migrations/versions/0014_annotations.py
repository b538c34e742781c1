"""annotations: a reader's private notes per document version, page texts, opinions

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 11:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

KIND = sa.Enum('highlight', 'freetext', 'ink', 'note', native_enum=False, length=20)
ANCHOR = sa.Enum('own', 'exact', 'fuzzy', 'unplaced', native_enum=False, length=20)


def upgrade():
    op.create_table(
        'annotations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('owner_id', sa.Integer(), nullable=False),
        sa.Column('document_id', sa.Integer(), nullable=False),
        sa.Column('version_id', sa.Integer(), nullable=False),
        sa.Column('client_id', sa.String(length=36), nullable=False),
        sa.Column('kind', KIND, nullable=False),
        sa.Column('page', sa.Integer(), nullable=False),
        sa.Column('rects', sa.JSON(), nullable=False),
        sa.Column('paths', sa.JSON(), nullable=False),
        sa.Column('quote', sa.Text(), nullable=False),
        sa.Column('color', sa.String(length=7), nullable=False),
        sa.Column('comment', sa.Text(), nullable=False),
        sa.Column('data', sa.JSON(), nullable=True),
        sa.Column('revision', sa.Integer(), nullable=False),
        sa.Column('anchor', ANCHOR, nullable=False),
        sa.Column('old_page', sa.Integer(), nullable=True),
        sa.Column('carried_from_id', sa.Integer(), nullable=True),
        sa.Column('conflict_of_id', sa.Integer(), nullable=True),
        sa.Column('deleted', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['owner_id'], ['users.id'],
                                name=op.f('fk_annotations_owner_id_users'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['document_id'], ['documents.id'],
                                name=op.f('fk_annotations_document_id_documents'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['version_id'], ['document_versions.id'],
                                name=op.f('fk_annotations_version_id_document_versions'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['carried_from_id'], ['annotations.id'],
                                name=op.f('fk_annotations_carried_from_id_annotations'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['conflict_of_id'], ['annotations.id'],
                                name=op.f('fk_annotations_conflict_of_id_annotations'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_annotations')),
        sa.UniqueConstraint('owner_id', 'version_id', 'client_id',
                            name=op.f('uq_annotations_owner_id')),
    )
    with op.batch_alter_table('annotations') as batch:
        batch.create_index(batch.f('ix_annotations_owner_id'), ['owner_id'], unique=False)
        batch.create_index(batch.f('ix_annotations_document_id'), ['document_id'], unique=False)
        batch.create_index(batch.f('ix_annotations_version_id'), ['version_id'], unique=False)
        batch.create_index(batch.f('ix_annotations_carried_from_id'), ['carried_from_id'],
                           unique=False)
    op.create_table(
        'annotation_version_texts',
        sa.Column('version_id', sa.Integer(), nullable=False),
        sa.Column('pages', sa.JSON(), nullable=False),
        sa.Column('ok', sa.Boolean(), nullable=False),
        sa.Column('extracted_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['version_id'], ['document_versions.id'],
                                name=op.f('fk_annotation_version_texts_version_id_document_versions'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('version_id', name=op.f('pk_annotation_version_texts')),
    )
    op.create_table(
        'opinions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('meeting_id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=False),
        sa.Column('agenda_item_id', sa.Integer(), nullable=True),
        sa.Column('document_id', sa.Integer(), nullable=True),
        sa.Column('version_number', sa.Integer(), nullable=True),
        sa.Column('page', sa.Integer(), nullable=True),
        sa.Column('quote', sa.Text(), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('answered_at', sa.DateTime(), nullable=True),
        sa.Column('answered_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'],
                                name=op.f('fk_opinions_meeting_id_meetings'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['author_id'], ['users.id'],
                                name=op.f('fk_opinions_author_id_users'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['agenda_item_id'], ['agenda_items.id'],
                                name=op.f('fk_opinions_agenda_item_id_agenda_items'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['document_id'], ['documents.id'],
                                name=op.f('fk_opinions_document_id_documents'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['answered_by_id'], ['users.id'],
                                name=op.f('fk_opinions_answered_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_opinions')),
    )
    with op.batch_alter_table('opinions') as batch:
        batch.create_index(batch.f('ix_opinions_meeting_id'), ['meeting_id'], unique=False)
        batch.create_index(batch.f('ix_opinions_author_id'), ['author_id'], unique=False)
        batch.create_index(batch.f('ix_opinions_agenda_item_id'), ['agenda_item_id'],
                           unique=False)


def downgrade():
    op.drop_table('opinions')
    op.drop_table('annotation_version_texts')
    op.drop_table('annotations')
