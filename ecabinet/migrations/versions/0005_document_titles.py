"""documents: titles, conversion — no schema change

Editable titles use the existing documents.title column (String(300)); Word/Excel conversion
and the PDF's own /Title need no column. The revision stays so that the chain 0004 → 0006
is unbroken.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 10:00:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
