"""The schema exists only through the migrations: they must agree with the models, and run down and up again."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from placement.extensions import db


def _differences() -> list:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def test_models_and_migrations_agree(app):
    assert _differences() == []


def test_migrations_downgrade_and_upgrade_cleanly(app):
    db.session.remove()
    downgrade(revision="base")
    upgrade()
    assert _differences() == []
