"""The results dashboard's figures in the JSON API: the same services, filters and roles as the page
(``placement.reports``), so the page, its CSV files and these answers give the same numbers.

Caseworkers and consultants get small counts hidden as on the page (``placement.reports.disclosure``): a hidden
value is ``null`` and its object lists it under ``"suppressed"`` (the key is there only when something is hidden);
coordinators and admins get exact counts. Every answer says which under ``"small_cells"``.
"""

from flask import abort, request

from placement.api.auth import roles_required
from placement.api.views import bp, query_arg
from placement.reports import tables
from placement.reports.disclosure import is_hidden
from placement.reports.filters import Filters, read_filters
from placement.reports.services import GROUPINGS, RETENTION_GROUPINGS
from placement.reports.views import REPORT_READERS, configured_threshold, small_cell_threshold

#: Shares and rates (0–1) are given to 4 decimals: 0.87, not 0.8699999999999999 (a weighted sum of targets).
SHARE_DECIMALS = 4
#: The query parameters every report reads.
PARAMETERS = ("partnership", "from", "to")


def _share(value) -> float | None:
    return None if value is None or is_hidden(value) else round(float(value), SHARE_DECIMALS)


def _item(**values) -> dict:
    """An object of counts and shares: a hidden one is null and named under ``suppressed``."""
    hidden = [key for key, value in values.items() if is_hidden(value)]
    item = {key: None if is_hidden(value) else value for key, value in values.items()}
    if hidden:
        item["suppressed"] = hidden
    return item


def _figures(filters: Filters) -> tables.Figures:
    """All of the dashboard's figures as the current user sees them (suppressed together, like the page)."""
    return tables.disclosed(tables.figures(filters.scope), small_cell_threshold())


def _filters() -> Filters:
    for name in PARAMETERS:
        query_arg(name)  # a parameter given empty is refused, not read as left out
    filters = read_filters(request.args)
    if filters.errors:
        abort(400, description=" ".join(filters.errors))
    return filters


def _envelope(filters: Filters, figures: tables.Figures) -> dict:
    """What every answer starts with: the scope, the period, who is left out for lack of consent, and whether the
    counts are exact."""
    scope = filters.scope
    left_out = figures.left_out
    partnership = filters.partnership
    return {
        "scope": {"partnership_id": None if partnership is None else partnership.id,
                  "partnership": filters.partnership_key if partnership is None else partnership.name},
        "period": {"from": scope.start.isoformat(), "to": scope.end.isoformat()},
        "left_out": _item(enrolled=left_out.enrolled, declined=left_out.declined, counted=left_out.counted),
        "small_cells": {"exact": small_cell_threshold() is None, "threshold": configured_threshold()},
    }


@bp.get("/reports/success-criteria")
@roles_required(REPORT_READERS)
def report_success_criteria():
    """Return the success criteria: enrolled against target, a year or more in the course, closer against target."""
    filters = _filters()
    figures = _figures(filters)
    table = figures.success
    closer_share = table.closer_share
    return {**_envelope(filters, figures), "success_criteria": _item(
        enrolled=table.enrolled, enrolled_target=table.enrolled_target, declined=table.declined,
        counted=table.counted, at_least_a_year=table.at_least_a_year, closer=table.closer,
        closer_share=closer_share if is_hidden(closer_share) else _share(closer_share),
        closer_target=_share(table.closer_target), without_two_measurements=table.without_two_measurements)}


@bp.get("/reports/hire-rates")
@roles_required(REPORT_READERS)
def report_hire_rates():
    """Return the placement-to-hire rate, overall or ``by`` a grouping, and the median days to a hire."""
    by = query_arg("by")
    if by is not None and by not in GROUPINGS:
        abort(400, description=f"The query parameter by must be one of: {', '.join(GROUPINGS)}.")
    filters = _filters()
    figures = _figures(filters)
    rates = [figures.overall] if by is None else figures.rates[by]
    median = figures.median_days
    answer = {**_envelope(filters, figures), "by": by,
              "rates": [{"key": rate.key, "label": rate.label if by else None,
                         **_item(ended=rate.ended, hired=rate.hired,
                                 rate=rate.rate if is_hidden(rate.rate) else _share(rate.rate))} for rate in rates],
              "median_days_to_hire": None if is_hidden(median) else median}
    if is_hidden(median):
        answer["suppressed"] = ["median_days_to_hire"]
    return answer


@bp.get("/reports/outcomes")
@roles_required(REPORT_READERS)
def report_outcomes():
    """Return how the internships that ended in the period ended, with the job centre's decisions and the goal."""
    filters = _filters()
    figures = _figures(filters)
    result = figures.outcomes
    share = result.ordinary_or_flex_share
    return {**_envelope(filters, figures),
            "outcomes": [{"outcome": row.outcome.value, **_item(count=row.count, pending=row.pending,
                                                                 approved=row.approved, rejected=row.rejected)}
                         for row in result.rows],
            **_item(hires=result.hires, ordinary_or_flex=result.ordinary_or_flex,
                    ordinary_or_flex_share=share if is_hidden(share) else _share(share)),
            "ordinary_or_flex_target": _share(result.ordinary_or_flex_target)}


@bp.get("/reports/funnel")
@roles_required(REPORT_READERS)
def report_funnel():
    """Return how many young people reached each step, from suggestions shown to a hire."""
    filters = _filters()
    figures = _figures(filters)
    return {**_envelope(filters, figures),
            "steps": [{"step": step, **_item(young_people=n)} for step, n in figures.funnel.items()]}


@bp.get("/reports/cohort")
@roles_required(REPORT_READERS)
def report_cohort():
    """Return the cohort: granted course lengths, ages at the course's start, disability combinations."""
    filters = _filters()
    figures = _figures(filters)
    cohort = figures.cohort
    return {**_envelope(filters, figures),
            "course_years": [{"years": years, **_item(young_people=n)} for years, n in cohort.course_years.items()],
            "ages": [{"band": band, **_item(young_people=n)} for band, n in cohort.ages.items()],
            "disabilities": [{"cognitive": c, "psychological": p, "physical": ph, **_item(young_people=n)}
                             for (c, p, ph), n in cohort.disabilities.items()]}


@bp.get("/reports/retention")
@roles_required(REPORT_READERS)
def report_retention():
    """Return whether the hires are still employed 3, 6 and 12 months after the job's start, overall or ``by``
    outcome, company or consultant (``placement.reports.services.retention``)."""
    by = query_arg("by")
    if by is not None and by not in RETENTION_GROUPINGS:
        abort(400, description=f"The query parameter by must be one of: {', '.join(RETENTION_GROUPINGS)}.")
    filters = _filters()
    figures = _figures(filters)
    groups = [figures.retention_overall] if by is None else figures.retention[by]

    def label(group) -> str | None:
        if by is None:
            return None
        return tables.retention_label(group, by) if by == "outcome" else group.label

    return {**_envelope(filters, figures), "by": by, "groups": [
        {"key": getattr(group.key, "value", group.key), "label": label(group), **_item(hires=group.hires),
         "months": [{"month": month, **_item(
             due=m.due, employed=m.employed, not_employed=m.not_employed, unknown=m.unknown, coming=m.coming,
             share=m.share if is_hidden(m.share) else _share(m.share),
             unknown_share=m.unknown_share if is_hidden(m.unknown_share) else _share(m.unknown_share))}
             for month, m in group.months.items()]}
        for group in groups]}
