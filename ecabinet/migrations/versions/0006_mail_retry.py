"""notify: delivery errors as a reason code, and when the next attempt is due

outgoing_mails gains last_error_code (a code from ecabinet.notify.reasons, shown in words;
last_error keeps the technical text) and next_attempt_at (set while a mail is retrying).
The local mail catcher stores what it receives in a maildir under the instance folder, so it
needs no table.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 10:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outgoing_mails', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_error_code', sa.String(length=40), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('next_attempt_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('outgoing_mails', schema=None) as batch_op:
        batch_op.drop_column('next_attempt_at')
        batch_op.drop_column('last_error_code')
