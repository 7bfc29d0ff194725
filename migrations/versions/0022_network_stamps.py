"""network rows stamped with the network revision that last changed them

Revision ID: 0022_network_stamps
Revises: 0021_follow_up_moves
Create Date: 2026-12-04 13:30:00

``companies``/``mentors``/``job_functions.network_revision``: the partnership's network revision at which the row last
changed (``placement.revisions`` writes it at commit), so a cached network or search index can follow a change row
by row instead of being rebuilt. ``partnerships.network_reset_revision``: the last network revision whose change
cannot be followed row by row (an occupation, a bulk statement): caches built before it are rebuilt. Existing rows
start at 0 and every partnership's reset at its current network revision: the first build after the upgrade is whole.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0022_network_stamps'
down_revision = '0021_follow_up_moves'
branch_labels = None
depends_on = None

TABLES = ('companies', 'mentors', 'job_functions')


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('network_revision', sa.Integer(), server_default='0', nullable=False))
            batch_op.create_index(batch_op.f(f'ix_{table}_network_revision'), ['network_revision'], unique=False)
    with op.batch_alter_table('partnerships', schema=None) as batch_op:
        batch_op.add_column(sa.Column('network_reset_revision', sa.Integer(), server_default='0', nullable=False))
    op.execute('UPDATE partnerships SET network_reset_revision = network_revision')


def downgrade():
    with op.batch_alter_table('partnerships', schema=None) as batch_op:
        batch_op.drop_column('network_reset_revision')
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f'ix_{table}_network_revision'))
            batch_op.drop_column('network_revision')
