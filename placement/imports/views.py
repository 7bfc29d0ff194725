"""The status page of an import job and the JSON its script polls."""

from flask import Blueprint, abort, jsonify, render_template, url_for
from flask_login import current_user

from placement.auth.access import CASE_EDITORS, roles_required
from placement.csvtools import ImportReport, RowError
from placement.extensions import db
from placement.imports import services
from placement.imports.models import ImportJob

bp = Blueprint("imports", __name__, url_prefix="/imports")


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
