"""placement: internships that lead to jobs for young people in resource courses."""

from pathlib import Path

from flask import Flask

from placement.config import DEFAULT_SECRET_KEY, Config

_PACKAGE = Path(__file__).resolve().parent


def _resource_dir(name: str) -> str:
    """Return a folder kept at the repository root, or inside the package when installed from a wheel."""
    inside = _PACKAGE / name
    return str(inside if inside.is_dir() else _PACKAGE.parent / name)


def create_app(test_config: dict | None = None) -> Flask:
    """Create and configure the application."""
    app = Flask(__name__, instance_relative_config=True, template_folder=_resource_dir("templates"))
    app.config.from_object(Config)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env("PLACEMENT")
    else:
        app.config.from_mapping(test_config)
    _finish_config(app)
    if app.config["PROXY_COUNT"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        count = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)

    from placement import sanity

    sanity.register_converter(app)  # ids beyond the database's integer range: 404, before any route exists
    sanity.init_app(app)
    register_extensions(app)
    register_blueprints(app)
    register_commands(app)
    register_errorhandlers(app)
    from placement import security

    security.init_app(app)

    from flask_babel import get_locale

    from placement.profile import DIMENSIONS

    app.context_processor(lambda: {"dimensions": DIMENSIONS, "current_locale": lambda: str(get_locale())})
    return app


def _finish_config(app: Flask) -> None:
    config = app.config
    development = config["ENV"] == "development" or config.get("TESTING")
    if not development and config["SECRET_KEY"] == DEFAULT_SECRET_KEY:
        raise RuntimeError("Set PLACEMENT_SECRET_KEY: the default secret key is only for development.")
    from placement.urls import check_base_url

    check_base_url(config, required=not development)
    if config.get("HSTS_SECONDS") is None:
        config["HSTS_SECONDS"] = 0 if development else 365 * 24 * 3600
    if isinstance(config["HSTS_SECONDS"], bool) or not isinstance(config["HSTS_SECONDS"], int) \
            or config["HSTS_SECONDS"] < 0:
        raise RuntimeError("PLACEMENT_HSTS_SECONDS must be a whole number of seconds, 0 or more.")
    if development:
        config["SESSION_COOKIE_SECURE"] = False
    if not config.get("SQLALCHEMY_DATABASE_URI"):
        url = config["DATABASE_URL"]
        if not url:
            Path(app.instance_path).mkdir(parents=True, exist_ok=True)
            url = "sqlite:///" + str(Path(app.instance_path) / "placement.sqlite")
        config["SQLALCHEMY_DATABASE_URI"] = url.replace("postgresql://", "postgresql+psycopg://", 1)
    if not development and not config["REDIS_URL"] and not config.get("RATELIMIT_STORAGE_URI"):
        # Per-process counters would make the login and second-factor limits N times looser with N workers.
        raise RuntimeError("Set PLACEMENT_REDIS_URL: the login and second-factor limits must be shared by all worker "
                           "processes (or PLACEMENT_RATELIMIT_STORAGE_URI=memory:// for a single process).")
    config.setdefault("RATELIMIT_STORAGE_URI", config["REDIS_URL"] or "memory://")
    config["MIGRATIONS_DIR"] = _resource_dir("migrations")


def register_extensions(app: Flask) -> None:
    import placement.models  # noqa: F401 - the whole schema, for Alembic and relationships
    from placement import revisions  # noqa: F401 - the session hooks that move the partnerships' revisions
    from placement.extensions import babel, csrf, db, limiter, login_manager, migrate
    from placement.i18n import select_locale

    db.init_app(app)
    migrate.init_app(app, db, directory=app.config["MIGRATIONS_DIR"], render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale,
                   default_translation_directories=str(_PACKAGE / "translations"))
    limiter.init_app(app)
    login_manager.init_app(app)
    from placement.auth import loaders  # noqa: F401 - registers the user loader


def register_blueprints(app: Flask) -> None:
    from placement.agreements.views import bp as agreements_bp
    from placement.api.views import bp as api_bp
    from placement.audit.views import bp as audit_bp
    from placement.auth import mfa_views  # noqa: F401 - the second factor's routes on the auth blueprint
    from placement.auth.views import bp as auth_bp
    from placement.main.views import bp as main_bp
    from placement.matches.views import bp as matches_bp
    from placement.network.views import bp as network_bp
    from placement.occupations.views import bp as occupations_bp
    from placement.participants.views import bp as participants_bp

    for bp in (main_bp, auth_bp, participants_bp, agreements_bp, network_bp, occupations_bp, matches_bp, audit_bp,
               api_bp):
        app.register_blueprint(bp)

    from placement.agreements.calendar_views import bp as calendar_bp
    from placement.agreements.mentor_views import bp as mentor_bp
    from placement.mail.views import bp as mail_bp
    from placement.progress.views import bp as progress_bp

    for bp in (mentor_bp, calendar_bp, mail_bp, progress_bp):
        app.register_blueprint(bp)

    from placement.reports.views import bp as reports_bp

    app.register_blueprint(reports_bp)

    from placement.health.views import bp as health_bp

    app.register_blueprint(health_bp)

    from placement.partnerships.views import bp as partnerships_bp

    app.register_blueprint(partnerships_bp)

    from placement.accounts.views import bp as accounts_bp

    app.register_blueprint(accounts_bp)

    from placement.imports.views import bp as imports_bp

    app.register_blueprint(imports_bp)

    from placement.privacy.views import bp as privacy_bp

    app.register_blueprint(privacy_bp)

    from placement.course.views import bp as course_bp

    app.register_blueprint(course_bp)

    from placement.goals.views import bp as goals_bp

    app.register_blueprint(goals_bp)

    from placement.retention.views import bp as retention_bp

    app.register_blueprint(retention_bp)

    from placement.lexicon.views import bp as lexicon_bp

    app.register_blueprint(lexicon_bp)


def register_commands(app: Flask) -> None:
    from placement.audit.cli import audit_cli
    from placement.auth.cli import users_cli
    from placement.demo.cli import demo_cli
    from placement.mail.cli import outbox_cli
    from placement.network.cli import network_cli
    from placement.occupations.cli import occupations_cli
    from placement.participants.cli import participants_cli
    from placement.progress.cli import history_cli

    for group in (users_cli, occupations_cli, network_cli, participants_cli, demo_cli, outbox_cli, history_cli):
        app.cli.add_command(group)
    app.cli.add_command(audit_cli)
    from placement.partnerships.cli import partnerships_cli

    app.cli.add_command(partnerships_cli)
    from placement.imports.cli import worker_cli

    app.cli.add_command(worker_cli)
    from placement.matches.cli import matching_cli

    app.cli.add_command(matching_cli)
    from placement.privacy.cli import retention_cli

    app.cli.add_command(retention_cli)


def register_errorhandlers(app: Flask) -> None:
    from placement.errors import register

    register(app)
