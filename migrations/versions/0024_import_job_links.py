"""an import job's automatic links of job functions to ESCO occupations

Revision ID: 0024_import_job_links
Revises: 0023_lexicon_entries
Create Date: 2026-12-04 14:40:00

``import_jobs.auto_linked``/``without_occupation``: of the job functions a background import created, how many were
linked to an ESCO occupation from their title and how many have none, for the job's status page (NULL for other
kinds of file and for a job that imported nothing).
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0024_import_job_links'
down_revision = '0023_lexicon_entries'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('import_jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('auto_linked', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('without_occupation', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('import_jobs', schema=None) as batch_op:
        batch_op.drop_column('without_occupation')
        batch_op.drop_column('auto_linked')
