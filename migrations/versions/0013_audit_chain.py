"""audit chain

Revision ID: 0013_audit_chain
Revises: 0012_input_sanity
Create Date: 2026-12-04 03:45:00

The audit log becomes tamper-evident (each entry stores its predecessor's hash and its own; existing entries are
chained in id order) and records reads with their purpose: the field group shown, the young people shown
(also in ``audit_subjects``, for a record's access log) and the reader's purpose.
"""
import sqlalchemy as sa
from alembic import op

from placement.audit import chain
from placement.database import UTCDateTime

# revision identifiers, used by Alembic.
revision = '0013_audit_chain'
down_revision = '0012_input_sanity'
branch_labels = None
depends_on = None


def _postgres() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def _suspend_append_only():
    # The migration itself must write the hashes of the existing entries (and SQLite's batch mode rebuilds the
    # table, which would drop its triggers anyway): the triggers return at the end.
    if _postgres():
        op.execute("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only")
    else:
        for event in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS audit_events_no_{event}")


def _restore_append_only():
    if _postgres():
        op.execute("ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only")
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER audit_events_no_{event.lower()} BEFORE {event} ON audit_events "
                       "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END")


def _chain_existing_entries():
    events = sa.table(
        "audit_events", sa.column("id", sa.Integer), sa.column("at", UTCDateTime),
        sa.column("actor_id", sa.Integer), sa.column("actor_label", sa.String), sa.column("action", sa.String),
        sa.column("entity", sa.String), sa.column("entity_id", sa.String), sa.column("partnership_id", sa.Integer),
        sa.column("changes", sa.JSON), sa.column("purpose", sa.String), sa.column("purpose_note", sa.String),
        sa.column("fields", sa.String), sa.column("records", sa.JSON), sa.column("prev_hash", sa.String),
        sa.column("hash", sa.String))
    bind = op.get_bind()
    prev_hash = chain.GENESIS
    rows = bind.execute(sa.select(events).order_by(events.c.id)).mappings().all()
    for row in rows:
        digest = chain.entry_hash(dict(row), prev_hash)
        bind.execute(events.update().where(events.c.id == row["id"]).values(prev_hash=prev_hash, hash=digest))
        prev_hash = digest


def upgrade():
    _suspend_append_only()
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('purpose', sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column('purpose_note', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('fields', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('records', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('hash', sa.String(length=64), nullable=True))
    _chain_existing_entries()
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.alter_column('prev_hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column('hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_audit_events_prev_hash'), ['prev_hash'])
    _restore_append_only()

    op.create_table('audit_subjects',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['audit_events.id'], name=op.f('fk_audit_subjects_event_id_audit_events')),
    sa.PrimaryKeyConstraint('event_id', 'participant_id', name=op.f('pk_audit_subjects'))
    )
    with op.batch_alter_table('audit_subjects', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_subjects_participant_id'), ['participant_id'], unique=False)


def downgrade():
    with op.batch_alter_table('audit_subjects', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_subjects_participant_id'))
    op.drop_table('audit_subjects')

    _suspend_append_only()
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_audit_events_prev_hash'), type_='unique')
        batch_op.drop_column('hash')
        batch_op.drop_column('prev_hash')
        batch_op.drop_column('records')
        batch_op.drop_column('fields')
        batch_op.drop_column('purpose_note')
        batch_op.drop_column('purpose')
    _restore_append_only()
