"""follow-up meetings moved from the plan's day

Revision ID: 0021_follow_up_moves
Revises: 0020_audit_chain_tip
Create Date: 2026-12-04 11:40:00

``agreements.follow_up_moves``: {the day the plan gives (ISO): the day the meeting was moved to (ISO)}.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0021_follow_up_moves'
down_revision = '0020_audit_chain_tip'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('agreements', schema=None) as batch_op:
        batch_op.add_column(sa.Column('follow_up_moves', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('agreements', schema=None) as batch_op:
        batch_op.drop_column('follow_up_moves')
