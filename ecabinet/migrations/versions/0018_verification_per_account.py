"""verification checks: a signed-in person's checks count for their account

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-08 01:00:00

The public verification page throttled by address alone, so the clerks of a ward office
behind one NAT address ran out of checks with the public; signed-in checks now count per
account.
"""
from alembic import op
import sqlalchemy as sa


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('verification_checks') as batch:
        batch.add_column(sa.Column('user_id', sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f('fk_verification_checks_user_id_users'), 'users',
                                 ['user_id'], ['id'], ondelete='CASCADE')
    op.create_index('ix_verification_checks_user_id_at', 'verification_checks',
                    ['user_id', 'at'])


def downgrade():
    op.drop_index('ix_verification_checks_user_id_at', table_name='verification_checks')
    with op.batch_alter_table('verification_checks') as batch:
        batch.drop_constraint(op.f('fk_verification_checks_user_id_users'),
                              type_='foreignkey')
        batch.drop_column('user_id')
