"""The dashboard's tables as the page, the CSV files and the charts present them, in the user's language.

The figures come from ``placement.reports.services``; this module only labels, formats and draws them. Every
percentage is shown with its counts ("3 of 4 (75 %)"); the CSV files carry the counts and the percentage in
separate columns, with the decimal separator of the user's language (Danish Excel reads "70,0" as a number).
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from placement.agreements.models import Outcome
from placement.csvtools import escape_formula, write_csv
from placement.reports import charts, services
from placement.reports.services import GROUPINGS, Scope

#: Bars in a grouping's chart; the table beside it lists every row.
CHART_ROWS = 15

GROUPING_LABELS = {
    "company": _l("Company"),
    "job_function": _l("Job function"),
    "occupation_group": _l("Occupation group"),
    "mentor": _l("Mentor"),
    "consultant": _l("Job consultant"),
}
STEP_LABELS = {
    "suggested": _l("Suggested"),
    "agreement": _l("Agreement made"),
    "confirmed": _l("Confirmed by mentor"),
    "active": _l("Internship active"),
    "ended": _l("Internship ended"),
    "hired": _l("Hired"),
}
#: The age bands' keys (``services.AGE_BANDS``) that are words; the others are numbers and read the same.
AGE_BAND_WORDS = {"under 18": _l("under 18"), "over 30": _l("over 30")}
DISABILITY_NAMES = (_l("cognitive"), _l("psychological"), _l("physical"))
OUTCOME_COLOURS = {Outcome.ORDINARY_JOB: charts.ACCENT, Outcome.FLEX_JOB: charts.ACCENT_LIGHT,
                   Outcome.WAGE_SUBSIDY: charts.SUCCESS, Outcome.PROTECTED: charts.WARNING,
                   Outcome.NOT_HIRED: charts.MUTED}

TABLES = ("success", "rates", *(f"rates_{grouping}" for grouping in GROUPINGS), "outcomes", "funnel",
          "cohort_course_years", "cohort_ages", "cohort_disabilities")
#: File names of the downloads (Danish, like the service's other files; no personal data).
FILE_NAMES = {
    "success": "succeskriterier", "rates": "ansaettelsesrate", "rates_company": "ansaettelsesrate-virksomhed",
    "rates_job_function": "ansaettelsesrate-arbejdsfunktion",
    "rates_occupation_group": "ansaettelsesrate-erhvervsgruppe", "rates_mentor": "ansaettelsesrate-mentor",
    "rates_consultant": "ansaettelsesrate-jobkonsulent", "outcomes": "udfald", "funnel": "tragt",
    "cohort_course_years": "kohorte-forloebslaengde", "cohort_ages": "kohorte-alder",
    "cohort_disabilities": "kohorte-funktionsnedsaettelser",
}


# Words and numbers -------------------------------------------------------------------------------------------

def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _percent_number(share: float, places: str) -> Decimal:
    return (Decimal(str(share)) * 100).quantize(Decimal(places), rounding=ROUND_HALF_UP)


def percent(share: float | None) -> str:
    """Read a share 0–1 as a whole percentage ("75 %"), or "–" when there is nothing to divide by."""
    if share is None:
        return "–"
    return f"{format_decimal(_percent_number(share, '1'), format='#,##0')} %"


def of(part: int, whole: int) -> str:
    """Read a count against its whole: "3 of 4 (75 %)"."""
    return _("%(part)s of %(whole)s (%(percent)s)", part=format_decimal(part), whole=format_decimal(whole),
             percent=percent(_share(part, whole)))


def csv_percent(share: float | None) -> str:
    """A percentage for a CSV cell with one decimal, in the user's language's notation ("70,0" in Danish)."""
    return "" if share is None else format_decimal(_percent_number(share, "0.1"), format="0.0")


def days(value: float | None) -> str:
    return "–" if value is None else format_decimal(value, format="#,##0.#")


def consent_note(left_out: services.LeftOut) -> str:
    """Say how many are left out of the figures for lack of consent, as the report did."""
    return _("%(enrolled)s enrolled, %(declined)s declined consent: the figures cover %(counted)s",
             enrolled=format_decimal(left_out.enrolled), declined=format_decimal(left_out.declined),
             counted=format_decimal(left_out.counted))


def age_band(key: str) -> str:
    return str(AGE_BAND_WORDS.get(key, key))


def disabilities(combination: tuple[bool, bool, bool]) -> str:
    """Name a combination of disabilities: "cognitive + psychological"."""
    names = [str(name) for present, name in zip(combination, DISABILITY_NAMES, strict=True) if present]
    return " + ".join(names) if names else _("none recorded")


def course_years(years: int | None) -> str:
    if years is None:
        return _("not recorded")
    return ngettext("%(num)d year", "%(num)d years", years)


def grouping_label(grouping: str) -> str:
    return str(GROUPING_LABELS[grouping])


def rate_label(rate: services.Rate) -> str:
    """Name a group of internships; no occupation or no consultant recorded reads as such."""
    return _("not recorded") if rate.key is None else rate.label


# All of the dashboard's figures --------------------------------------------------------------------------------

@dataclass
class Figures:
    left_out: services.LeftOut
    success: services.SuccessCriteria
    overall: services.Rate
    rates: dict[str, list[services.Rate]]
    median_days: float | None
    outcomes: services.Outcomes
    funnel: dict[str, int]
    cohort: services.Cohort


def figures(scope: Scope) -> Figures:
    """Compute every figure of the dashboard for a scope and period."""
    [overall] = services.hire_rates(scope)
    return Figures(left_out=services.left_out(scope), success=services.success_criteria(scope), overall=overall,
                   rates={grouping: services.hire_rates(scope, grouping) for grouping in GROUPINGS},
                   median_days=services.median_days_to_hire(scope), outcomes=services.outcomes(scope),
                   funnel=services.funnel(scope), cohort=services.cohort(scope))


# Charts ------------------------------------------------------------------------------------------------------

def success_chart(success: services.SuccessCriteria) -> Markup:
    enrolled_scale = max(success.enrolled, success.enrolled_target, 1)
    return charts.bar_chart([
        charts.Bar(_("Enrolled"), success.enrolled,
                   _("%(count)s, target %(target)s", count=success.enrolled, target=success.enrolled_target),
                   maximum=enrolled_scale, target=success.enrolled_target or None),
        charts.Bar(_("Closer to the labour market"), success.closer_share or 0,
                   _("%(result)s, target %(target)s", result=of(success.closer, success.at_least_a_year),
                     target=percent(success.closer_target)),
                   maximum=1, target=success.closer_target, colour=charts.SUCCESS),
    ], title=_("Chart: success criteria against their targets"))


def rates_chart(rates: list[services.Rate], title: str, *, overall: bool = False) -> Markup:
    bars = [charts.Bar(_("All internships") if overall else rate_label(rate), rate.rate or 0,
                       of(rate.hired, rate.ended), maximum=1) for rate in rates[:CHART_ROWS]]
    return charts.bar_chart(bars, title=title)


def outcomes_chart(outcomes: services.Outcomes) -> Markup:
    hires = [row for row in outcomes.rows if row.outcome.is_hire]
    segments = [charts.Segment(str(row.outcome.label), row.count, of(row.count, outcomes.hires),
                               OUTCOME_COLOURS[row.outcome]) for row in hires]
    return charts.stacked_bar(
        segments, title=_("Chart: the hires by kind of job, against the goal for ordinary jobs and flex-jobs"),
        target=outcomes.ordinary_or_flex_target,
        target_text=_("goal: %(percent)s ordinary job or flex-job", percent=percent(outcomes.ordinary_or_flex_target)),
        empty_text=_("No hires in the period."))


def funnel_chart(funnel: dict[str, int], counted: int) -> Markup:
    steps = [charts.Bar(str(STEP_LABELS[step]), count, of(count, counted),
                        colour=charts.SUCCESS if step == "hired" else charts.ACCENT)
             for step, count in funnel.items()]
    return charts.funnel_chart(steps, title=_("Chart: the funnel from suggestion to hire, young people per step"))


def cohort_charts(cohort: services.Cohort, counted: int) -> dict[str, Markup]:
    def bars(items):
        return [charts.Bar(label, n, of(n, counted)) for label, n in items]

    return {
        "cohort_course_years": charts.bar_chart(
            bars((course_years(years), n) for years, n in cohort.course_years.items()),
            title=_("Chart: granted course lengths")),
        "cohort_ages": charts.bar_chart(bars((age_band(band), n) for band, n in cohort.ages.items()),
                                        title=_("Chart: age at the course's start")),
        "cohort_disabilities": charts.bar_chart(
            bars((disabilities(combination), n) for combination, n in cohort.disabilities.items()),
            title=_("Chart: disability combinations")),
    }


def all_charts(result: Figures) -> dict[str, Markup]:
    """Draw every chart of the dashboard, keyed like ``TABLES``."""
    drawn = {
        "success": success_chart(result.success),
        "rates": rates_chart([result.overall], _("Chart: placement-to-hire rate"), overall=True),
        "outcomes": outcomes_chart(result.outcomes),
        "funnel": funnel_chart(result.funnel, result.left_out.counted),
        **cohort_charts(result.cohort, result.left_out.counted),
    }
    for grouping, rates in result.rates.items():
        if rates:
            drawn[f"rates_{grouping}"] = rates_chart(rates, _("Chart: placement-to-hire rate by %(grouping)s",
                                                              grouping=grouping_label(grouping).lower()))
    return drawn


# CSV ---------------------------------------------------------------------------------------------------------

def _success_rows(scope: Scope) -> tuple[list, list[list]]:
    s = services.success_criteria(scope)
    columns = [_("Criterion"), _("Count"), _("Of"), _("Percent"), _("Target (count)"), _("Target (%)")]
    rows = [
        [_("Enrolled"), s.enrolled, "", "", s.enrolled_target, ""],
        [_("Declined consent (left out)"), s.declined, s.enrolled, csv_percent(_share(s.declined, s.enrolled)), "",
         ""],
        [_("In the figures"), s.counted, s.enrolled, csv_percent(_share(s.counted, s.enrolled)), "", ""],
        [_("In the course at least a year"), s.at_least_a_year, s.counted,
         csv_percent(_share(s.at_least_a_year, s.counted)), "", ""],
        [_("Closer to the labour market"), s.closer, s.at_least_a_year, csv_percent(s.closer_share), "",
         csv_percent(s.closer_target)],
        [_("Without two measurements"), s.without_two_measurements, s.at_least_a_year,
         csv_percent(_share(s.without_two_measurements, s.at_least_a_year)), "", ""],
    ]
    return columns, rows


def _rates_rows(scope: Scope) -> tuple[list, list[list]]:
    [overall] = services.hire_rates(scope)
    median = services.median_days_to_hire(scope)
    columns = [_("Internships ended"), _("Hired"), _("Rate (%)"), _("Median days from internship start to hire")]
    return columns, [[overall.ended, overall.hired, csv_percent(overall.rate),
                      "" if median is None else format_decimal(median, format="0.#")]]


def _grouping_rows(grouping: str):
    def rows(scope: Scope) -> tuple[list, list[list]]:
        columns = [_("Id"), grouping_label(grouping), _("Internships ended"), _("Hired"), _("Rate (%)")]
        return columns, [["" if rate.key is None else rate.key, rate_label(rate), rate.ended, rate.hired,
                          csv_percent(rate.rate)] for rate in services.hire_rates(scope, grouping)]

    return rows


def _outcome_rows(scope: Scope) -> tuple[list, list[list]]:
    result = services.outcomes(scope)
    ended = sum(row.count for row in result.rows)
    columns = [_("Outcome"), _("Count"), _("Percent of ended"), _("Percent of hires"), _("Decision pending"),
               _("Approved"), _("Rejected"), _("Goal (%)")]
    rows = [[str(row.outcome.label), row.count, csv_percent(_share(row.count, ended)),
             csv_percent(_share(row.count, result.hires)) if row.outcome.is_hire else "",
             row.pending, row.approved, row.rejected, ""] for row in result.rows]
    rows.append([_("Ordinary job or flex-job"), result.ordinary_or_flex, "", csv_percent(result.ordinary_or_flex_share),
                 "", "", "", csv_percent(result.ordinary_or_flex_target)])
    return columns, rows


def _funnel_rows(scope: Scope) -> tuple[list, list[list]]:
    counted = services.left_out(scope).counted
    columns = [_("Step"), _("Young people"), _("Percent of the young people in the figures")]
    return columns, [[str(STEP_LABELS[step]), n, csv_percent(_share(n, counted))]
                     for step, n in services.funnel(scope).items()]


def _cohort_rows(part: str):
    def rows(scope: Scope) -> tuple[list, list[list]]:
        cohort, counted = services.cohort(scope), services.left_out(scope).counted
        if part == "course_years":
            columns = [_("Course length (years)"), _("Young people"), _("Percent")]
            return columns, [["" if years is None else years, n, csv_percent(_share(n, counted))]
                             for years, n in cohort.course_years.items()]
        if part == "ages":
            columns = [_("Age at the course's start"), _("Young people"), _("Percent")]
            return columns, [[age_band(band), n, csv_percent(_share(n, counted))] for band, n in cohort.ages.items()]
        columns = [_("Cognitive"), _("Psychological"), _("Physical"), _("Combination"), _("Young people"),
                   _("Percent")]
        return columns, [[*(int(flag) for flag in combination), disabilities(combination), n,
                          csv_percent(_share(n, counted))] for combination, n in cohort.disabilities.items()]

    return rows


_CSV_ROWS = {
    "success": _success_rows, "rates": _rates_rows,
    **{f"rates_{grouping}": _grouping_rows(grouping) for grouping in GROUPINGS},
    "outcomes": _outcome_rows, "funnel": _funnel_rows,
    "cohort_course_years": _cohort_rows("course_years"), "cohort_ages": _cohort_rows("ages"),
    "cohort_disabilities": _cohort_rows("disabilities"),
}


def table_csv(table: str, scope: Scope, scope_label: str) -> str:
    """Write one table as CSV: a comment line with the scope, the period and who is left out, then the table."""
    columns, rows = _CSV_ROWS[table](scope)
    comment = "# " + " · ".join((
        scope_label, _("period %(start)s – %(end)s", start=scope.start.isoformat(), end=scope.end.isoformat()),
        consent_note(services.left_out(scope))))
    # The comment goes where write_csv puts the header, so it is escaped here; the header follows as a row.
    return write_csv([escape_formula(comment)], [[str(c) for c in columns], *rows])
