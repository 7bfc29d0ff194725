"""Unbound extension objects; the app factory binds them."""

from functools import cached_property

import flask_babel
import flask_limiter
from flask import request
from flask.globals import _cv_app
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class RequestDomain(flask_babel.Domain):
    """Flask-Babel's message domain, looking the request's translations up once instead of for every message.

    Flask-Babel finds them for each message anew (the request's locale, its name, the catalogue), and a page
    translates dozens. They are kept where Flask-Babel kept them in earlier versions, ``babel_translations`` of
    its request namespace, which ``force_locale`` and ``refresh`` still set aside and restore or forget.
    """

    def get_translations(self):
        app_context = _cv_app.get(None)  # one look-up instead of Flask-Babel's three through the ``g`` proxy
        ctx = getattr(app_context.g, "_flask_babel", None) if app_context is not None else None
        translations = getattr(ctx, "babel_translations", None)
        if translations is None:
            translations = super().get_translations()
            ctx = flask_babel._get_current_context()
            if ctx is not None:
                ctx.babel_translations = translations
        return translations


class Babel(flask_babel.Babel):
    """Flask-Babel with ``RequestDomain``; the templates' ``_()`` asks the domain directly."""

    @cached_property
    def domain_instance(self) -> RequestDomain:
        return RequestDomain(domain=self.domain)

    def init_app(self, app, *args, **kwargs) -> None:
        super().init_app(app, *args, **kwargs)
        app.jinja_env.install_gettext_callables(
            gettext=lambda s: self.domain_instance.get_translations().ugettext(s),
            ngettext=lambda s, p, n: self.domain_instance.get_translations().ungettext(s, p, n),
            newstyle=True,
            pgettext=lambda c, s: self.domain_instance.get_translations().upgettext(c, s),
            npgettext=lambda c, s, p, n: self.domain_instance.get_translations().unpgettext(c, s, p, n),
        )


class Limiter(flask_limiter.Limiter):
    """Flask-Limiter, whose hook before every request runs only when there is a limit for it to check.

    That hook checks the default, application and blueprint limits (and those of decorated helpers that are not
    views); the service sets none: its limits sit on views, whose decorators check them, and the login and second-
    factor budgets are counted by hand. Working out that nothing applies cost every request more than checking its
    CSRF token, so it is skipped while nothing could apply. Should a setting (``RATELIMIT_DEFAULT``,
    ``RATELIMIT_APPLICATION``, ``RATELIMIT_META``, ``RATELIMIT_IN_MEMORY_FALLBACK``) or the code add such limits,
    the hook runs as before.
    """

    def _check_request_limit(self, callable_name: str | None = None, in_middleware: bool = True) -> None:
        if in_middleware and not self._middleware_limits():
            return
        super()._check_request_limit(callable_name, in_middleware)

    def _middleware_limits(self) -> bool:
        manager = self.limit_manager
        # Unknown internals (another Flask-Limiter version) count as limits: then every request is checked.
        return bool(manager.default_limits or manager.application_limits or getattr(self, "_meta_limits", True)
                    or getattr(self, "_in_memory_fallback", True) or getattr(manager, "_blueprint_limits", True)
                    or manager.has_hints(request.endpoint or ""))


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
