"""accounts: index sign-in attempts per (account, address) pair for throttling

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 10:00:00

"""
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("login_attempts") as batch:
        batch.create_index("ix_login_attempts_username_ip_at", ["username", "ip", "at"])


def downgrade():
    with op.batch_alter_table("login_attempts") as batch:
        batch.drop_index("ix_login_attempts_username_ip_at")
