"""CSV import and export pages of the company network."""

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, SelectField
from wtforms.fields.choices import SelectChoice

from placement.auth.access import NETWORK_EDITORS, in_partnership, roles_required
from placement.csvtools import csv_response, language
from placement.extensions import db
from placement.forms import BaseForm
from placement.imports import services as import_jobs
from placement.imports.models import NO_AUTO_LINK
from placement.network import csvio
from placement.network.models import Company
from placement.network.views import bp

#: File names of the downloads (no personal data in them).
FILE_NAMES = {csvio.COMPANIES: "virksomheder", csvio.MENTORS: "mentorer",
              csvio.JOB_FUNCTIONS: "arbejdsfunktioner"}
_KIND_PATH = "<any(" + ", ".join(csvio.KINDS) + "):kind>"


class ImportForm(BaseForm):
    kind = SelectField(_l("The file holds"), choices=[SelectChoice(k, csvio.KIND_LABELS[k]) for k in csvio.KINDS],
                       default=csvio.COMPANIES)
    file = FileField(_l("CSV file"), validators=[
        FileRequired(_l("Choose a file.")), FileAllowed(["csv"], _l("Choose a .csv file."))],
        description=_l("UTF-8, separated by semicolons or commas, with the column names in the first line."))
    auto_link = BooleanField(_l("Link job functions without an occupation to the ESCO occupation their title names"),
                             default=True,
                             description=_l("Only when the title names exactly one occupation, or exactly one by "
                                            "its preferred Danish title. Applies to files of job functions."))


@bp.route("/network/import", methods=["GET", "POST"])
@roles_required(NETWORK_EDITORS)
def import_csv():
    """Import companies, mentors or job functions from CSV: all rows or none."""
    form = ImportForm()
    report = None
    if form.validate_on_submit():
        content = form.file.data.read()
        kind, auto_link = form.kind.data, bool(form.auto_link.data)
        if import_jobs.in_background(content):  # a large file: a job, and its status page at once
            job_kind = f"network:{kind}" + ("" if auto_link or kind != csvio.JOB_FUNCTIONS else NO_AUTO_LINK)
            job = import_jobs.start(job_kind, content, form.file.data.filename,
                                    current_user.partnership, current_user._get_current_object())
            return redirect(url_for("imports.status", job_id=job.id))
        report = csvio.import_csv(kind, content, current_user.partnership, auto_link=auto_link)
        if report.ok:
            db.session.commit()
        else:
            db.session.rollback()
    return render_template("network/import.html", form=form, report=report, kinds=csvio.KINDS,
                           kind_labels=csvio.KIND_LABELS,
                           columns={k: csvio.column_help(k, language()) for k in csvio.KINDS})


@bp.get(f"/network/import/example/{_KIND_PATH}.csv")
@roles_required(NETWORK_EDITORS)
def import_example(kind: str):
    """Download an example file with one valid row."""
    return csv_response(csvio.example_csv(kind, language()), f"eksempel-{FILE_NAMES[kind]}.csv")


@bp.get(f"/network/export/{_KIND_PATH}.csv")
@roles_required(NETWORK_EDITORS)
def export_csv(kind: str):
    """Download the partnership's companies, mentors or job functions (an admin gets all partnerships')."""
    companies = db.session.scalars(in_partnership(csvio.export_select(), Company.partnership_id))
    text = csvio.export_csv(kind, companies, language())
    today = datetime.now(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).date()
    return csv_response(text, f"{FILE_NAMES[kind]}-{today.isoformat()}.csv")
