"""CSV import and export pages for young people."""

from flask import redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.file import FileAllowed, FileField, FileRequired

from placement.audit.reads import BASE, HEALTH, audit_read
from placement.auth.access import CASE_EDITORS, participant_scope, roles_required
from placement.csvtools import csv_response, language
from placement.extensions import db
from placement.forms import BaseForm
from placement.imports import services as import_jobs
from placement.participants import csvio
from placement.participants.models import Participant
from placement.participants.services import local_today
from placement.participants.views import bp

#: The downloads' file names: no names of people in them.
FILE_NAME = "unge"


class ImportForm(BaseForm):
    file = FileField(_l("CSV file"), validators=[
        FileRequired(_l("Choose a file.")), FileAllowed(["csv"], _l("Choose a .csv file."))],
        description=_l("UTF-8, separated by semicolons or commas, with the column names in the first line."))


@bp.route("/import", methods=["GET", "POST"])
@roles_required(CASE_EDITORS)
def import_csv():
    """Import young people from CSV: all rows or none."""
    form = ImportForm()
    report = None
    if form.validate_on_submit():
        content = form.file.data.read()
        if import_jobs.in_background(content):  # a large file: a job, and its status page at once
            job = import_jobs.start("participants", content, form.file.data.filename, current_user.partnership,
                                    current_user._get_current_object())
            return redirect(url_for("imports.status", job_id=job.id))
        report = csvio.import_csv(content, current_user.partnership, creator=current_user)
        if report.ok:
            db.session.commit()
        else:
            db.session.rollback()
    return render_template("participants/import.html", form=form, report=report, columns=csvio.column_help(language()))


@bp.get("/import/example.csv")
@roles_required(CASE_EDITORS)
def import_example():
    """Download an example file with one valid row."""
    return csv_response(csvio.example_csv(language()), f"eksempel-{FILE_NAME}.csv")


@bp.get("/export.csv")
@roles_required(CASE_EDITORS)
def export_csv():
    """Download the young people the user works on, after giving the purpose (every time; written to the log)."""
    participants = db.session.scalars(participant_scope(csvio.export_select(), Participant)).all()
    if (ask := audit_read(participants, (BASE, HEALTH), bulk=True)) is not None:
        return ask
    text = csvio.export_csv(participants, language())
    db.session.commit()  # the audit log's read
    return csv_response(text, f"{FILE_NAME}-{local_today().isoformat()}.csv")
