"""accounts

Revision ID: 0008_accounts
Revises: 0007_partnership_profile
Create Date: 2026-12-04 03:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008_accounts'
down_revision = '0007_partnership_profile'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
