"""privacy lifecycle

Revision ID: 0014_privacy_lifecycle
Revises: 0013_audit_chain
Create Date: 2026-12-04 04:20:00

Consent gets a history (``consent_events``; each young person's current consent becomes one event), anonymisation
requests are confirmed by a second person (``privacy_requests``) and each partnership has a retention period.
"""
import sqlalchemy as sa
from alembic import op

from placement.database import UTCDateTime, utcnow

# revision identifiers, used by Alembic.
revision = '0014_privacy_lifecycle'
down_revision = '0013_audit_chain'
branch_labels = None
depends_on = None


def _copy_current_consent(consent_events):
    participants = sa.table("participants", sa.column("id", sa.Integer), sa.column("consent", sa.String),
                            sa.column("consent_date", sa.Date), sa.column("course_start", sa.Date))
    bind = op.get_bind()
    rows = bind.execute(sa.select(participants).where(participants.c.consent.is_not(None))
                        .order_by(participants.c.id)).all()
    now = utcnow()
    if rows:
        op.bulk_insert(consent_events, [
            {"participant_id": row.id, "state": row.consent, "on": row.consent_date or row.course_start,
             "recorded_by_id": None, "recorded_at": now, "scope": "statistics",
             "note": "Copied from the record when the consent history began."} for row in rows])


def upgrade():
    with op.batch_alter_table('partnerships', schema=None) as batch_op:
        batch_op.add_column(sa.Column('retention_years', sa.SmallInteger(), server_default='5', nullable=False))

    consent_events = op.create_table('consent_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('given', 'declined', 'withdrawn', name='consent', native_enum=False, length=20),
              nullable=False),
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('scope', sa.String(length=30), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['participant_id'], ['participants.id'],
                            name=op.f('fk_consent_events_participant_id_participants'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_consent_events_recorded_by_id_users'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consent_events'))
    )
    with op.batch_alter_table('consent_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consent_events_participant_id'), ['participant_id'], unique=False)

    op.create_table('privacy_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('anonymise', name='requestkind', native_enum=False, length=20), nullable=False),
    sa.Column('state', sa.Enum('pending', 'done', 'cancelled', name='requeststate', native_enum=False, length=20),
              nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('requested_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_privacy_requests_decided_by_id_users'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['participant_id'], ['participants.id'],
                            name=op.f('fk_privacy_requests_participant_id_participants'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnerships.id'],
                            name=op.f('fk_privacy_requests_partnership_id_partnerships')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_privacy_requests_requested_by_id_users'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_privacy_requests'))
    )
    with op.batch_alter_table('privacy_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_privacy_requests_participant_id'), ['participant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_privacy_requests_partnership_id'), ['partnership_id'], unique=False)

    _copy_current_consent(consent_events)


def downgrade():
    with op.batch_alter_table('privacy_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_privacy_requests_partnership_id'))
        batch_op.drop_index(batch_op.f('ix_privacy_requests_participant_id'))
    op.drop_table('privacy_requests')
    with op.batch_alter_table('consent_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consent_events_participant_id'))
    op.drop_table('consent_events')
    # A withdrawn consent is out of the figures, as a declined one: the older schema knows only "declined".
    op.execute("UPDATE participants SET consent = 'declined' WHERE consent = 'withdrawn'")
    with op.batch_alter_table('partnerships', schema=None) as batch_op:
        batch_op.drop_column('retention_years')
