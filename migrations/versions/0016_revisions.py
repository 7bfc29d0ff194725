"""revisions

Revision ID: 0016_revisions
Revises: 0015_import_jobs
Create Date: 2026-12-04 07:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016_revisions'
down_revision = '0015_import_jobs'
branch_labels = None
depends_on = None


def upgrade():
    # Per-partnership counters that move whenever its records (or its company network) change:
    # the keys of the cached dashboard figures and search indexes (placement/revisions.py).
    with op.batch_alter_table('partnerships', schema=None) as batch_op:
        batch_op.add_column(sa.Column('data_revision', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('network_revision', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('partnerships', schema=None) as batch_op:
        batch_op.drop_column('network_revision')
        batch_op.drop_column('data_revision')
