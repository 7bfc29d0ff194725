"""Pages for progress measurements (record one; who is due) and for bringing a partnership's history in."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from placement.audit.reads import PROGRESS, audit_read
from placement.auth.access import CASE_EDITORS, CASE_ROLES, get_participant_or_404, participant_scope, roles_required
from placement.auth.models import Role
from placement.csvtools import csv_response, language
from placement.extensions import db
from placement.imports import services as import_jobs
from placement.participants.models import Participant
from placement.participants.services import local_today
from placement.progress import csvio, services
from placement.progress.chart import grouped_bar_chart
from placement.progress.forms import (
    INTERNSHIPS,
    KIND_LABELS,
    KINDS,
    HistoryImportForm,
    MeasurementForm,
    WithdrawMeasurementForm,
)
from placement.progress.models import PARAMETERS

bp = Blueprint("progress", __name__)

#: Who records a measurement: the youth coordinator, together with the young person (and an admin). Job
#: consultants and caseworkers see the measurements on the young person's page.
RECORDERS = frozenset({Role.ADMIN, Role.COORDINATOR})
#: The example files' names: no names of people in them.
EXAMPLE_FILES = {csvio.MEASUREMENTS: "eksempel-maalinger.csv", csvio.INTERNSHIPS: "eksempel-praktikker.csv"}


def may_record() -> bool:
    return current_user.is_authenticated and current_user.role in RECORDERS


@bp.app_context_processor
def _progress_helpers() -> dict:
    return {"may_record_measurements": may_record, "progress_parameters": PARAMETERS}


@bp.app_template_global()
def progress_chart(progress: services.Progress) -> Markup | None:
    """Draw the first against the latest measurement per parameter (None before there are two)."""
    if progress.changes is None:
        return None
    first, latest = services.scores(progress.first), services.scores(progress.latest)
    names = (_("First, %(day)s", day=format_date(progress.first.measured_on, "short")),
             _("Latest, %(day)s", day=format_date(progress.latest.measured_on, "short")))
    desc = "; ".join(_("%(parameter)s: %(first)s, then %(latest)s", parameter=p.label, first=first[p.key],
                       latest=latest[p.key]) for p in PARAMETERS)
    return grouped_bar_chart([(str(p.label), (first[p.key], latest[p.key])) for p in PARAMETERS], names,
                             title=_("The first and the latest measurement, per parameter (1–10)"), desc=desc,
                             ident=f"progress-chart-{progress.first.participant_id}")


@bp.route("/participants/<int:participant_id>/measurements/new", methods=["GET", "POST"])
@roles_required(RECORDERS)
def measurement_create(participant_id: int):
    """Record a measurement of the four parameters, together with the young person."""
    participant = get_participant_or_404(participant_id)
    today = local_today()
    form = MeasurementForm(today=today, participant=participant)
    if request.method == "GET":
        form.measured_on.data = today
    if form.validate_on_submit():
        services.record_measurement(participant, form.values(), current_user)
        db.session.commit()
        flash(_("The measurement was saved."), "success")
        return redirect(url_for("participants.participant_detail", participant_id=participant.id,
                                _anchor="progress"))
    if (ask := audit_read(participant, (PROGRESS,))) is not None:
        return ask
    db.session.commit()
    return render_template("progress/measurement_form.html", form=form, participant=participant,
                           progress=services.progress_of(participant, today),
                           earliest=max(services.earliest_measurement_day(participant)))


@bp.post("/participants/<int:participant_id>/measurements/<int:measurement_id>/withdraw")
@roles_required(RECORDERS)
def measurement_withdraw(participant_id: int, measurement_id: int):
    """Withdraw a measurement recorded by mistake, with a reason for the audit log."""
    participant = get_participant_or_404(participant_id)
    measurement = services.get_measurement(participant, measurement_id)
    if measurement is None:
        abort(404)
    form = WithdrawMeasurementForm()
    if form.validate_on_submit():
        day = measurement.measured_on
        services.withdraw_measurement(measurement, form.reason.data)
        db.session.commit()
        flash(_("The measurement of %(day)s was withdrawn.", day=format_date(day, "short")), "success")
    else:
        for messages in form.errors.values():
            for message in messages:
                flash(message, "error")
    return redirect(url_for("participants.participant_detail", participant_id=participant.id, _anchor="progress"))


@bp.get("/progress/due")
@roles_required(CASE_ROLES)
def due():
    """List the young people the user works on whose progress measurement is due."""
    today = local_today()
    rows = [(participant, last, services.add_months(last, services.INTERVAL_MONTHS) if last else None)
            for participant, last in db.session.execute(participant_scope(services.due_select(today), Participant))]
    audit_read([row[0] for row in rows], (PROGRESS,))
    db.session.commit()
    return render_template("progress/due.html", rows=rows, today=today)


@bp.route("/history/import", methods=["GET", "POST"])
@roles_required(CASE_EDITORS)
def history_import():
    """Import progress measurements or internships with their outcomes from CSV: all rows or none."""
    # Measurements are the youth coordinator's to record, so also theirs to import.
    kinds = KINDS if current_user.role in RECORDERS else (INTERNSHIPS,)
    form = HistoryImportForm(kinds=kinds)
    report = None
    if form.validate_on_submit():
        content = form.file.data.read()
        if import_jobs.in_background(content):  # a large file: a job, and its status page at once
            job = import_jobs.start(f"history:{form.kind.data}", content, form.file.data.filename,
                                    current_user.partnership, current_user._get_current_object())
            return redirect(url_for("imports.status", job_id=job.id))
        report = csvio.import_csv(form.kind.data, content, current_user.partnership,
                                  user=current_user._get_current_object())
        if report.ok:
            db.session.commit()
        else:
            db.session.rollback()
    return render_template("progress/history_import.html", form=form, report=report, kinds=kinds,
                           kind_labels=KIND_LABELS,
                           columns={kind: csvio.column_help(kind, language()) for kind in kinds})


# One fixed address per kind (rather than ``<kind>.csv``): an unknown kind is simply no route.
@bp.get("/history/import/example/measurements.csv", defaults={"kind": csvio.MEASUREMENTS})
@bp.get("/history/import/example/internships.csv", defaults={"kind": csvio.INTERNSHIPS})
@roles_required(CASE_EDITORS)
def history_example(kind: str):
    """Download an example file of a kind."""
    return csv_response(csvio.example_csv(kind, language()), EXAMPLE_FILES[kind])
