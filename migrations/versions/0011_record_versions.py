"""record versions

Revision ID: 0011_record_versions
Revises: 0010_api_token_scopes
Create Date: 2026-12-04 03:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011_record_versions'
down_revision = '0010_api_token_scopes'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
