"""api token scopes

Revision ID: 0010_api_token_scopes
Revises: 0009_second_factor
Create Date: 2026-12-04 03:45:00

API tokens get an expiry chosen at creation and a scope (read or read_write). Tokens that exist already keep
working for 90 days from the migration, with the read_write scope they had in effect.
"""
from datetime import datetime, timedelta, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010_api_token_scopes'
down_revision = '0009_second_factor'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('scope', sa.Enum('read', 'read_write', name='tokenscope', native_enum=False,
                                                       length=20), nullable=True))

    expires = datetime.now(timezone.utc) + timedelta(days=90)
    if op.get_bind().dialect.name == 'sqlite':
        expires = expires.replace(tzinfo=None)  # the UTC column type keeps SQLite values without a zone
    tokens = sa.table('api_tokens', sa.column('expires_at', sa.DateTime(timezone=True)),
                      sa.column('scope', sa.String(20)))
    op.execute(tokens.update().values(expires_at=expires, scope='read_write'))

    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.alter_column('expires_at', existing_type=sa.DateTime(timezone=True), nullable=False)
        batch_op.alter_column('scope', existing_type=sa.Enum('read', 'read_write', name='tokenscope',
                                                             native_enum=False, length=20), nullable=False)


def downgrade():
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_column('scope')
        batch_op.drop_column('expires_at')
