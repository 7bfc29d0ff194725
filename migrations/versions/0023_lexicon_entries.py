"""a partnership's own entries of the everyday-words lexicon

Revision ID: 0023_lexicon_entries
Revises: 0022_network_stamps
Create Date: 2026-12-04 14:00:00

``lexicon_entries``: a word or phrase of a partnership's and the ESCO occupations and ISCO groups it points to, in
the format of the project's ``placement/matching/lexicon.csv``; edited by the partnership's coordinators and added
to the project's entries for its matching.
"""
import sqlalchemy as sa
from alembic import op

from placement.database import UTCDateTime

# revision identifiers, used by Alembic.
revision = '0023_lexicon_entries'
down_revision = '0022_network_stamps'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('lexicon_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('words', sa.String(length=200), nullable=False),
    sa.Column('occupations', sa.Text(), nullable=False),
    sa.Column('isco_groups', sa.String(length=200), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnerships.id'], name=op.f('fk_lexicon_entries_partnership_id_partnerships')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lexicon_entries')),
    sa.UniqueConstraint('partnership_id', 'words', name=op.f('uq_lexicon_entries_partnership_id'))
    )


def downgrade():
    op.drop_table('lexicon_entries')
