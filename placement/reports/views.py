"""The results dashboard: success criteria, placement-to-hire, outcomes, funnel, cohort and retention (still
employed after the hire), with CSV files; and the partnership's targets.

Figures only, never a young person's name: every role that works on cases reads the whole partnership's
results (an admin those of one partnership or all).
"""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from placement import locking
from placement.auth.access import CASE_ROLES, chosen_partnership, roles_required
from placement.auth.models import Partnership, Role
from placement.csvtools import csv_response
from placement.extensions import db
from placement.reports import cache, services, tables
from placement.reports.filters import read_filters
from placement.reports.forms import TargetsForm
from placement.reports.models import Targets
from placement.reports.services import GROUPINGS, RETENTION_GROUPINGS

bp = Blueprint("reports", __name__)

#: Who reads the results: the case roles, the municipality's caseworkers included.
REPORT_READERS = CASE_ROLES
#: Who sets a partnership's targets.
TARGET_EDITORS = frozenset({Role.ADMIN, Role.COORDINATOR})
#: Who sees exact counts; the other readers see counts below ``SMALL_CELL_THRESHOLD`` as "< 5".
EXACT_READERS = frozenset({Role.ADMIN, Role.COORDINATOR})


def small_cell_threshold() -> int | None:
    """The threshold below which the current user sees no count of people: None (exact) for coordinators and
    admins, ``SMALL_CELL_THRESHOLD`` (default 5) for caseworkers and consultants."""
    return None if current_user.role in EXACT_READERS else configured_threshold()


def configured_threshold() -> int:
    """``SMALL_CELL_THRESHOLD`` (``PLACEMENT_SMALL_CELL_THRESHOLD``), at least 1 (1: nothing hidden)."""
    return max(int(current_app.config.get("SMALL_CELL_THRESHOLD", 5)), 1)


@bp.context_processor
def _helpers() -> dict:
    return {"of": tables.of, "percent": tables.percent, "days": tables.days, "grouping_label": tables.grouping_label,
            "rate_label": tables.rate_label,
            "step_label": lambda step: tables.STEP_LABELS[step], "age_band": tables.age_band,
            "disabilities": tables.disabilities, "course_years": tables.course_years,
            "retention_label": tables.retention_label, "months_label": tables.months_label}


def _partnerships() -> list[Partnership]:
    if not current_user.is_admin:
        return []
    # Archived partnerships are left out of the choice (their figures stay reachable by ``?partnership=ID``).
    return db.session.scalars(select(Partnership).where(Partnership.archived_at.is_(None))
                              .order_by(Partnership.name)).all()


@bp.get("/reports")
@roles_required(REPORT_READERS)
def dashboard():
    """Show the partnership's results for a period, each table with its chart and its CSV file."""
    filters = read_filters(request.args)
    context = {"filters": filters, "partnerships": _partnerships(), "groupings": GROUPINGS,
               "may_set_targets": current_user.role in TARGET_EDITORS and filters.partnership is not None}
    if filters.errors:
        return render_template("reports/dashboard.html", figures=None, **context), 400
    threshold = small_cell_threshold()

    def render_figures() -> str:
        figures = tables.shown(filters.scope, threshold)
        return render_template("reports/_figures.html", figures=figures, charts=tables.all_charts(figures),
                               consent_note=tables.consent_note(figures.left_out), exact=threshold is None,
                               threshold=configured_threshold(), filters=filters, groupings=GROUPINGS,
                               retention_groupings=RETENTION_GROUPINGS)

    # The figures with their charts, rendered once per revision of the records (``placement.revisions``), scope,
    # period, the reader's disclosure and language: a change to any record they count moves the revision.
    key = (tables.figures_key(filters.scope), threshold, configured_threshold(), str(get_locale()))
    # The part was rendered by the autoescaping template above (kept in this worker or in Redis).
    figures_html = Markup(cache.rendered(key, render_figures))  # noqa: S704  # nosec B704
    return render_template("reports/dashboard.html", figures_html=figures_html, **context)


@bp.get("/reports/<any(" + ", ".join(tables.TABLES) + "):table>.csv")
@roles_required(REPORT_READERS)
def table_csv(table: str):
    """Download one of the dashboard's tables as CSV, for the same partnership and period."""
    filters = read_filters(request.args)
    if filters.errors:
        abort(400, description=" ".join(filters.errors))
    content = tables.table_csv(table, filters.scope, filters.scope_label, small_cell_threshold())
    name = f"{tables.FILE_NAMES[table]}-{filters.scope.start.isoformat()}-{filters.scope.end.isoformat()}.csv"
    return csv_response(content, name)


def _initial(targets: Targets | None) -> dict:
    if targets is None:
        defaults = Targets.__table__.c
        values = (defaults.enrolled.default.arg, defaults.closer_share.default.arg,
                  defaults.ordinary_or_flex_share.default.arg)
    else:
        values = (targets.enrolled, targets.closer_share, targets.ordinary_or_flex_share)
    enrolled, closer, ordinary = values

    def percent(share: float) -> float | int:
        value = round(share * 100, 1)
        return int(value) if value.is_integer() else value

    return {"enrolled": enrolled, "closer_share": percent(closer), "ordinary_or_flex_share": percent(ordinary)}


@bp.route("/reports/targets", methods=["GET", "POST"])
@roles_required(TARGET_EDITORS)
def targets():
    """Let a youth coordinator set the partnership's targets: enrolled, closer share, ordinary-or-flex share."""
    partnership = chosen_partnership()
    own = services.targets_for(partnership.id)
    form = TargetsForm(data=None if request.method == "POST" else {**_initial(own),
                                                                    "version": own.version if own else 0})
    clash = None
    if form.validate_on_submit():
        clash = locking.save_settings(form, lambda: services.targets_for(partnership.id),
                                      lambda: services.save_targets(partnership.id, **form.targets()),
                                      lambda: _initial(services.targets_for(partnership.id)))
        if clash is None:
            flash(_("The targets were saved."), "success")
            return redirect(url_for(".dashboard", partnership=partnership.id) + "#success")
        own = services.targets_for(partnership.id)
    return render_template("reports/targets.html", form=form, partnership=partnership, own_targets=own is not None,
                           partnerships=_partnerships(), conflict=clash), 409 if clash else 200
