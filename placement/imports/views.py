"""The status page of an import job and the JSON its script polls; the import pages' upload limit."""

from flask import Blueprint, abort, current_app, jsonify, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from placement.auth.access import CASE_EDITORS, roles_required
from placement.csvtools import ImportReport, RowError
from placement.extensions import db
from placement.imports import services
from placement.imports.models import ImportJob

bp = Blueprint("imports", __name__, url_prefix="/imports")

#: The largest upload an import page takes, in bytes, unless ``IMPORT_MAX_CONTENT_LENGTH`` says otherwise: a
#: job-function file of 50,000 lines is ~8.3 MB. Every other request keeps ``MAX_CONTENT_LENGTH`` (8 MB).
IMPORT_MAX_CONTENT_LENGTH = 32 * 1024 * 1024
#: The import pages, whose uploads may become jobs.
UPLOAD_ENDPOINTS = frozenset(kind.endpoint for kind in services.KINDS.values())


@bp.app_url_value_preprocessor
def _upload_limit(endpoint: str | None, _values: dict | None) -> None:
    """Let an import page take an upload up to the import limit, and refuse a larger one saying so.

    A URL value preprocessor because those run before every ``before_request`` hook: CSRF protection reads the form,
    and with it the body, in one. A body announced too large is refused before any of it is read.
    """
    if endpoint not in UPLOAD_ENDPOINTS:
        return
    limit = current_app.config.get("IMPORT_MAX_CONTENT_LENGTH", IMPORT_MAX_CONTENT_LENGTH)
    request.max_content_length = limit
    if request.content_length is not None and request.content_length > limit:
        raise RequestEntityTooLarge(_(
            "The file is too large: an import takes files of at most %(size)d MB. Split it into smaller files and "
            "import them one after the other.", size=limit // (1024 * 1024)))


def _job_or_404(job_id: int) -> ImportJob:
    job = db.session.get(ImportJob, job_id) if 0 < job_id < 2**31 else None
    if job is None or not services.visible_to(job, current_user):
        abort(404)
    if not job.finished:
        services.fail_if_interrupted(job)
    return job


def _report(job: ImportJob) -> ImportReport | None:
    """The finished job's outcome in the form the import pages show it."""
    if not job.finished:
        return None
    kind = job.kind.split(":", 1)[-1]

    def problems(items):
        return [RowError(p["line"], p["column"], p["reason"]) for p in items or ()]
    return ImportReport(kind, rows=job.lines_total, imported=job.lines_imported, errors=problems(job.errors),
                        warnings=problems(job.warnings))


@bp.get("/<int:job_id>")
@roles_required(CASE_EDITORS)
def status(job_id: int):
    """An import's progress (lines checked and imported) and, once it has run, its result."""
    job = _job_or_404(job_id)
    kind = services.KINDS[job.kind]
    return render_template("imports/status.html", job=job, kind=kind, report=_report(job),
                           status=services.status(job), back=url_for(kind.endpoint, **kind.endpoint_values))


@bp.get("/<int:job_id>/status.json")
@roles_required(CASE_EDITORS)
def status_json(job_id: int):
    """The job's state for the status page's script."""
    return jsonify(services.status(_job_or_404(job_id)))
