"""input sanity

Revision ID: 0012_input_sanity
Revises: 0011_record_versions
Create Date: 2026-12-04 03:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_input_sanity'
down_revision = '0011_record_versions'
branch_labels = None
depends_on = None


def upgrade():
    # A course length may be unknown (issue #10): no silent 3 years.
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.alter_column('course_years', existing_type=sa.SmallInteger(), nullable=True)


def downgrade():
    op.execute("UPDATE participants SET course_years = 3 WHERE course_years IS NULL")
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.alter_column('course_years', existing_type=sa.SmallInteger(), nullable=False)
