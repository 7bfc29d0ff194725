"""The results dashboard's figures in the JSON API: the same services, filters and roles as the page
(``placement.reports``), so the page, its CSV files and these answers give the same numbers.
"""

from flask import abort, request

from placement.api.auth import roles_required
from placement.api.views import bp
from placement.reports import services
from placement.reports.filters import Filters, read_filters
from placement.reports.services import GROUPINGS
from placement.reports.views import REPORT_READERS

#: Shares and rates (0–1) are given to 4 decimals: 0.87, not 0.8699999999999999 (a weighted sum of targets).
SHARE_DECIMALS = 4


def _share(value: float | None) -> float | None:
    return None if value is None else round(float(value), SHARE_DECIMALS)


def _filters() -> Filters:
    filters = read_filters(request.args)
    if filters.errors:
        abort(400, description=" ".join(filters.errors))
    return filters


def _envelope(filters: Filters) -> dict:
    """What every answer starts with: the scope, the period and who is left out for lack of consent."""
    scope = filters.scope
    left_out = services.left_out(scope)
    partnership = filters.partnership
    return {
        "scope": {"partnership_id": None if partnership is None else partnership.id,
                  "partnership": filters.partnership_key if partnership is None else partnership.name},
        "period": {"from": scope.start.isoformat(), "to": scope.end.isoformat()},
        "left_out": {"enrolled": left_out.enrolled, "declined": left_out.declined, "counted": left_out.counted},
    }


@bp.get("/reports/success-criteria")
@roles_required(REPORT_READERS)
def report_success_criteria():
    """Return the success criteria: enrolled against target, a year or more in the course, closer against target."""
    filters = _filters()
    table = services.success_criteria(filters.scope)
    return {**_envelope(filters), "success_criteria": {
        "enrolled": table.enrolled, "enrolled_target": table.enrolled_target, "declined": table.declined,
        "counted": table.counted, "at_least_a_year": table.at_least_a_year, "closer": table.closer,
        "closer_share": _share(table.closer_share), "closer_target": _share(table.closer_target),
        "without_two_measurements": table.without_two_measurements}}


@bp.get("/reports/hire-rates")
@roles_required(REPORT_READERS)
def report_hire_rates():
    """Return the placement-to-hire rate, overall or ``by`` a grouping, and the median days to a hire."""
    by = request.args.get("by", "").strip() or None
    if by is not None and by not in GROUPINGS:
        abort(400, description=f"The query parameter by must be one of: {', '.join(GROUPINGS)}.")
    filters = _filters()
    rates = services.hire_rates(filters.scope, by)
    return {**_envelope(filters), "by": by,
            "rates": [{"key": rate.key, "label": rate.label if by else None, "ended": rate.ended,
                       "hired": rate.hired, "rate": _share(rate.rate)} for rate in rates],
            "median_days_to_hire": services.median_days_to_hire(filters.scope)}


@bp.get("/reports/outcomes")
@roles_required(REPORT_READERS)
def report_outcomes():
    """Return how the internships that ended in the period ended, with the job centre's decisions and the goal."""
    filters = _filters()
    result = services.outcomes(filters.scope)
    return {**_envelope(filters),
            "outcomes": [{"outcome": row.outcome.value, "count": row.count, "pending": row.pending,
                          "approved": row.approved, "rejected": row.rejected} for row in result.rows],
            "hires": result.hires, "ordinary_or_flex": result.ordinary_or_flex,
            "ordinary_or_flex_share": _share(result.ordinary_or_flex_share),
            "ordinary_or_flex_target": _share(result.ordinary_or_flex_target)}


@bp.get("/reports/funnel")
@roles_required(REPORT_READERS)
def report_funnel():
    """Return how many young people reached each step, from suggestions shown to a hire."""
    filters = _filters()
    return {**_envelope(filters),
            "steps": [{"step": step, "young_people": n} for step, n in services.funnel(filters.scope).items()]}


@bp.get("/reports/cohort")
@roles_required(REPORT_READERS)
def report_cohort():
    """Return the cohort: granted course lengths, ages at the course's start, disability combinations."""
    filters = _filters()
    cohort = services.cohort(filters.scope)
    return {**_envelope(filters),
            "course_years": [{"years": years, "young_people": n} for years, n in cohort.course_years.items()],
            "ages": [{"band": band, "young_people": n} for band, n in cohort.ages.items()],
            "disabilities": [{"cognitive": c, "psychological": p, "physical": ph, "young_people": n}
                             for (c, p, ph), n in cohort.disabilities.items()]}
