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
    with op.batch_alter_table('partnerships', schema=None) as batch_op:
        batch_op.add_column(sa.Column('contact_email', sa.String(length=254), server_default='', nullable=False))
        batch_op.add_column(sa.Column('contact_phone', sa.String(length=30), server_default='', nullable=False))
        batch_op.add_column(sa.Column('logo', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('logo_mimetype', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('archived_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('partnerships', schema=None) as batch_op:
        batch_op.drop_column('archived_at')
        batch_op.drop_column('logo_mimetype')
        batch_op.drop_column('logo')
        batch_op.drop_column('contact_phone')
        batch_op.drop_column('contact_email')
