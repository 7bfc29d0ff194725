"""second factor

Revision ID: 0009_second_factor
Revises: 0008_accounts
Create Date: 2026-12-04 03:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009_second_factor'
down_revision = '0008_accounts'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
