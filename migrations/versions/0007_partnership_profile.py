"""partnership profile

Revision ID: 0007_partnership_profile
Revises: 40aaf4112096
Create Date: 2026-12-04 03:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_partnership_profile'
down_revision = '40aaf4112096'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
