"""record versions

Revision ID: 0011_record_versions
Revises: 0010_api_token_scopes
Create Date: 2026-12-04 03:45:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0011_record_versions'
down_revision = '0010_api_token_scopes'
branch_labels = None
depends_on = None


#: Records people edit: each gets a version for optimistic locking (existing rows start at 1).
TABLES = ("participants", "companies", "mentors", "job_functions", "progress_measurements", "partnership_targets",
          "matching_weights")


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))


def downgrade():
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('version')
