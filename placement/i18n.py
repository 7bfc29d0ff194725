"""Language choice: Danish by default, English on request."""

from functools import cache

from babel import Locale
from flask import current_app, has_request_context, session
from flask_login import current_user


@cache
def _locale(language: str) -> Locale:
    """Parsed once: Flask-Babel takes a ``Locale`` as it is, and parsing the name costs every request."""
    return Locale.parse(language)


def select_locale() -> Locale:
    """Pick the user's language: their choice, else Danish."""
    config = current_app.config
    languages = config["LANGUAGES"]
    if has_request_context():
        chosen = session.get("lang")
        if chosen in languages:
            return _locale(chosen)
        user = current_user._get_current_object()
        if user.is_authenticated and user.locale in languages:
            return _locale(user.locale)
    return _locale(config["BABEL_DEFAULT_LOCALE"])
