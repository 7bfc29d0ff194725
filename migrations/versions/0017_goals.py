"""goals

Revision ID: 0017_goals
Revises: 0016_revisions
Create Date: 2026-12-04 07:00:00

Goals the young person owns (the learning circle), their history, the young person's self-assessments and the
link to their own page.
"""
from alembic import op
import sqlalchemy as sa

from placement.database import UTCDateTime

# revision identifiers, used by Alembic.
revision = '0017_goals'
down_revision = '0016_revisions'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('learning_goals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('wording', sa.Text(), nullable=False),
    sa.Column('activities', sa.Text(), nullable=False),
    sa.Column('activity_owner', sa.String(length=200), nullable=False),
    sa.Column('activity_due', sa.Date(), nullable=True),
    sa.Column('measure_how', sa.Text(), nullable=False),
    sa.Column('measure_on', sa.Date(), nullable=True),
    sa.Column('learned', sa.Text(), nullable=False),
    sa.Column('state', sa.Enum('active', 'reached', 'changed', 'dropped', name='goalstate', native_enum=False, length=20), nullable=False),
    sa.Column('follows_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_learning_goals_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['follows_id'], ['learning_goals.id'], name=op.f('fk_learning_goals_follows_id_learning_goals'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], name=op.f('fk_learning_goals_participant_id_participants'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnerships.id'], name=op.f('fk_learning_goals_partnership_id_partnerships')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_learning_goals'))
    )
    with op.batch_alter_table('learning_goals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_learning_goals_participant_id'), ['participant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_learning_goals_partnership_id'), ['partnership_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_learning_goals_state'), ['state'], unique=False)

    op.create_table('young_person_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('expires_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_young_person_links_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], name=op.f('fk_young_person_links_participant_id_participants'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnerships.id'], name=op.f('fk_young_person_links_partnership_id_partnerships')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_young_person_links')),
    sa.UniqueConstraint('digest', name=op.f('uq_young_person_links_digest'))
    )
    with op.batch_alter_table('young_person_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_young_person_links_participant_id'), ['participant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_young_person_links_partnership_id'), ['partnership_id'], unique=False)

    op.create_table('goal_self_assessments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('goal_id', sa.Integer(), nullable=False),
    sa.Column('at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('score', sa.SmallInteger(), nullable=False),
    sa.Column('sentence', sa.Text(), nullable=False),
    sa.CheckConstraint('score BETWEEN 1 AND 5', name=op.f('ck_goal_self_assessments_score')),
    sa.ForeignKeyConstraint(['goal_id'], ['learning_goals.id'], name=op.f('fk_goal_self_assessments_goal_id_learning_goals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], name=op.f('fk_goal_self_assessments_participant_id_participants'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnerships.id'], name=op.f('fk_goal_self_assessments_partnership_id_partnerships')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_goal_self_assessments'))
    )
    with op.batch_alter_table('goal_self_assessments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_goal_self_assessments_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_goal_self_assessments_goal_id'), ['goal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_goal_self_assessments_participant_id'), ['participant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_goal_self_assessments_partnership_id'), ['partnership_id'], unique=False)

    op.create_table('learning_goal_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('goal_id', sa.Integer(), nullable=False),
    sa.Column('at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_label', sa.String(length=254), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('from_state', sa.Enum('active', 'reached', 'changed', 'dropped', name='goalstate', native_enum=False, length=20), nullable=True),
    sa.Column('to_state', sa.Enum('active', 'reached', 'changed', 'dropped', name='goalstate', native_enum=False, length=20), nullable=True),
    sa.Column('fields', sa.String(length=200), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_learning_goal_events_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['goal_id'], ['learning_goals.id'], name=op.f('fk_learning_goal_events_goal_id_learning_goals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_learning_goal_events'))
    )
    with op.batch_alter_table('learning_goal_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_learning_goal_events_goal_id'), ['goal_id'], unique=False)


def downgrade():
    with op.batch_alter_table('learning_goal_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_learning_goal_events_goal_id'))
    op.drop_table('learning_goal_events')
    with op.batch_alter_table('goal_self_assessments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_goal_self_assessments_partnership_id'))
        batch_op.drop_index(batch_op.f('ix_goal_self_assessments_participant_id'))
        batch_op.drop_index(batch_op.f('ix_goal_self_assessments_goal_id'))
        batch_op.drop_index(batch_op.f('ix_goal_self_assessments_at'))
    op.drop_table('goal_self_assessments')
    with op.batch_alter_table('young_person_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_young_person_links_partnership_id'))
        batch_op.drop_index(batch_op.f('ix_young_person_links_participant_id'))
    op.drop_table('young_person_links')
    with op.batch_alter_table('learning_goals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_learning_goals_state'))
        batch_op.drop_index(batch_op.f('ix_learning_goals_partnership_id'))
        batch_op.drop_index(batch_op.f('ix_learning_goals_participant_id'))
    op.drop_table('learning_goals')
