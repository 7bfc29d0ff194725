"""api token scopes

Revision ID: 0010_api_token_scopes
Revises: 0009_second_factor
Create Date: 2026-12-04 03:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010_api_token_scopes'
down_revision = '0009_second_factor'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
