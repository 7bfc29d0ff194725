"""audit chain

Revision ID: 0013_audit_chain
Revises: 0012_input_sanity
Create Date: 2026-12-04 03:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013_audit_chain'
down_revision = '0012_input_sanity'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
