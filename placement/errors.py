"""Error pages (HTML) and error bodies (JSON under /api); a 500 shows no traceback."""

from flask import Flask, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import Conflict, HTTPException, InternalServerError

from placement.extensions import db


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _http_error(error: HTTPException):
    # The error's own headers stay (``Allow`` of a 405, ``WWW-Authenticate``); the body is ours.
    headers = [(name, value) for name, value in error.get_headers() if name.lower() != "content-type"]
    if _wants_json():
        return {"error": error.name, "message": error.description}, error.code, headers
    return render_template("errors/error.html", error=error), error.code, headers


def _csrf_error(error: CSRFError):
    return render_template("errors/error.html", error=error,
                           message=_("The form had expired or was sent from elsewhere. Please try again.")), 400


def _stale_data(error: StaleDataError):
    # The safety net of optimistic locking: a change that lost a race with another commit of the same record,
    # where no view caught it first (those show the form again, see ``placement.locking``). Nothing was saved.
    db.session.rollback()
    conflict = Conflict(_("Someone else changed this record meanwhile, so your change was not saved. Open it "
                          "again and repeat the change."))
    if _wants_json():
        return {"error": conflict.name, "message": "The record was changed by someone else meanwhile; nothing was "
                                                   "saved. Read it again and repeat the change."}, 409
    return render_template("errors/error.html", error=conflict), 409


def _server_error(error: Exception):
    db.session.rollback()
    wrapped = InternalServerError()
    if _wants_json():
        return {"error": wrapped.name, "message": "An unexpected error occurred."}, 500
    return render_template("errors/error.html", error=wrapped), 500


def register(app: Flask) -> None:
    """Register the error handlers."""
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(StaleDataError, _stale_data)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(InternalServerError, _server_error)
