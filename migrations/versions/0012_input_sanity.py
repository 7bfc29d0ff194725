"""input sanity

Revision ID: 0012_input_sanity
Revises: 0011_record_versions
Create Date: 2026-12-04 03:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_input_sanity'
down_revision = '0011_record_versions'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
