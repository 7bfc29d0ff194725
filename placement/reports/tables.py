"""The dashboard's tables as the page, the CSV files and the charts present them, in the user's language.

The figures come from ``placement.reports.services``; this module only labels, formats and draws them. Every
percentage is shown with its counts ("3 of 4 (75 %)"); the CSV files carry the counts and the percentage in
separate columns, with the decimal separator of the user's language (Danish Excel reads "70,0" as a number).
"""

from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import format_date, format_decimal, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from placement import revisions
from placement.agreements.models import Outcome
from placement.csvtools import write_csv
from placement.participants.services import local_today
from placement.reports import charts, disclosure, services
from placement.reports.disclosure import Hidden, csv_value, is_hidden
from placement.reports.services import GROUPINGS, RETENTION_GROUPINGS, Scope

#: Bars in a grouping's chart; the table beside it lists every row.
CHART_ROWS = 15

GROUPING_LABELS = {
    "outcome": _l("Outcome"),
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
          "cohort_course_years", "cohort_ages", "cohort_disabilities", "retention",
          *(f"retention_{grouping}" for grouping in RETENTION_GROUPINGS))
#: File names of the downloads (Danish, like the service's other files; no personal data).
FILE_NAMES = {
    "success": "succeskriterier", "rates": "ansaettelsesrate", "rates_company": "ansaettelsesrate-virksomhed",
    "rates_job_function": "ansaettelsesrate-arbejdsfunktion",
    "rates_occupation_group": "ansaettelsesrate-erhvervsgruppe", "rates_mentor": "ansaettelsesrate-mentor",
    "rates_consultant": "ansaettelsesrate-jobkonsulent", "outcomes": "udfald", "funnel": "tragt",
    "cohort_course_years": "kohorte-forloebslaengde", "cohort_ages": "kohorte-alder",
    "cohort_disabilities": "kohorte-funktionsnedsaettelser", "retention": "fastholdelse",
    "retention_outcome": "fastholdelse-udfald", "retention_company": "fastholdelse-virksomhed",
    "retention_consultant": "fastholdelse-jobkonsulent",
}


# Words and numbers -------------------------------------------------------------------------------------------

def _share(part, whole):
    """``part / whole``; hidden when either is hidden; None when there is nothing to divide by."""
    if is_hidden(part) or is_hidden(whole):
        return part if is_hidden(part) else whole
    return part / whole if whole else None


def number(value) -> str:
    """A count as the user's language writes it, or "< 5" when hidden."""
    return str(value) if is_hidden(value) else format_decimal(value)


def _percent_number(share: float, places: str) -> Decimal:
    return (Decimal(str(share)) * 100).quantize(Decimal(places), rounding=ROUND_HALF_UP)


def percent(share: float | None) -> str:
    """Read a share 0–1 as a whole percentage ("75 %"), or "–" when there is nothing to divide by or it is
    computed from a hidden count."""
    if share is None or is_hidden(share):
        return "–"
    return f"{format_decimal(_percent_number(share, '1'), format='#,##0')} %"


def of(part, whole) -> str:
    """Read a count against its whole: "3 of 4 (75 %)"; with a hidden count: "< 5 of 12", no percentage."""
    if is_hidden(part) or is_hidden(whole):
        return _("%(part)s of %(whole)s", part=number(part), whole=number(whole))
    return _("%(part)s of %(whole)s (%(percent)s)", part=format_decimal(part), whole=format_decimal(whole),
             percent=percent(_share(part, whole)))


def csv_percent(share: float | None) -> str:
    """A percentage for a CSV cell with one decimal, in the user's language's notation ("70,0" in Danish); empty
    when there is nothing to divide by or it is computed from a hidden count."""
    return "" if share is None or is_hidden(share) else format_decimal(_percent_number(share, "0.1"), format="0.0")


def days(value) -> str:
    return "–" if value is None or is_hidden(value) else format_decimal(value, format="#,##0.#")


def consent_note(left_out: services.LeftOut) -> str:
    """Say how many are left out of the figures for lack of consent, as the report did."""
    unrecorded = getattr(left_out, "unrecorded", 0)
    if unrecorded:
        return _("%(enrolled)s enrolled, %(declined)s declined consent, %(unrecorded)s without consent recorded: "
                 "the figures cover %(counted)s", enrolled=number(left_out.enrolled),
                 declined=number(left_out.declined), unrecorded=number(unrecorded), counted=number(left_out.counted))
    return _("%(enrolled)s enrolled, %(declined)s declined consent: the figures cover %(counted)s",
             enrolled=number(left_out.enrolled), declined=number(left_out.declined),
             counted=number(left_out.counted))


def age_band(key: str) -> str:
    return str(AGE_BAND_WORDS.get(key, key))


def disabilities(combination: tuple[bool, bool, bool]) -> str:
    """Name a combination of disabilities: "cognitive + psychological"."""
    names = [str(name) for present, name in zip(combination, DISABILITY_NAMES, strict=True) if present]
    return " + ".join(names) if names else _("none recorded")


def course_years(years: int | None) -> str:
    if years is None:
        return _("unknown")
    return ngettext("%(num)d year", "%(num)d years", years)


def grouping_label(grouping: str) -> str:
    return str(GROUPING_LABELS[grouping])


def rate_label(rate: services.Rate) -> str:
    """Name a group of internships; no occupation or no consultant recorded reads as such."""
    return _("not recorded") if rate.key is None else rate.label


def retention_label(group: services.RetentionGroup, grouping: str | None) -> str:
    """Name a group of hires: the outcome in the user's language, a company or a consultant (none: as such)."""
    if grouping is None:
        return _("All hires")
    if grouping == "outcome":
        return str(Outcome(group.key).label)
    return _("not recorded") if group.key is None else group.label


def months_label(month: int) -> str:
    return ngettext("%(num)d month", "%(num)d months", month)


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
    #: Still employed 3, 6 and 12 months after the job's start: all followed hires, and per grouping.
    retention_overall: services.RetentionGroup
    retention: dict[str, list[services.RetentionGroup]]


#: Each worker keeps the figures it computed (and each reader's view of them) until the records change.
_figures: revisions.Cache[Figures] = revisions.Cache(64)
_shown: revisions.Cache[Figures] = revisions.Cache(128)


def figures_key(scope: Scope) -> tuple:
    """What a scope's figures depend on: its partnerships' data revisions (``placement.revisions``: any change
    to a record the figures count moves them), the scope and period, and the service's today."""
    return revisions.key(scope.partnership_ids), scope, local_today()


def figures(scope: Scope) -> Figures:
    """Return every figure of the dashboard for a scope and period, computed once per revision of its records."""
    return _figures.get(figures_key(scope), lambda: compute_figures(scope))


def shown(scope: Scope, threshold: int | None) -> Figures:
    """Return the figures as a reader sees them (``disclosed``), computed once per revision of the records."""
    return _shown.get((figures_key(scope), threshold), lambda: disclosed(figures(scope), threshold))


def compute_figures(scope: Scope) -> Figures:
    """Compute every figure of the dashboard for a scope and period (in SQL, see ``placement.reports.services``)."""
    [overall] = services.hire_rates(scope)
    return Figures(left_out=services.left_out(scope), success=services.success_criteria(scope), overall=overall,
                   rates={grouping: services.hire_rates(scope, grouping) for grouping in GROUPINGS},
                   median_days=services.median_days_to_hire(scope), outcomes=services.outcomes(scope),
                   funnel=services.funnel(scope), cohort=services.cohort(scope),
                   retention_overall=services.retention(scope)[0],
                   retention={grouping: services.retention(scope, grouping) for grouping in RETENTION_GROUPINGS})


@dataclass
class ShownLeftOut:
    """Who is in the figures, as a reader sees it (counts or ``Hidden``)."""

    enrolled: int | Hidden
    declined: int | Hidden
    counted: int | Hidden
    unrecorded: int | Hidden = 0


@dataclass
class ShownOutcomes:
    """The outcomes as a reader sees them; the totals are the exact totals (or hidden), never sums of hidden parts."""

    rows: list[services.OutcomeRow]
    ordinary_or_flex_target: float
    ended: int | Hidden
    hires: int | Hidden
    ordinary_or_flex: int | Hidden

    @property
    def ordinary_or_flex_share(self):
        return _share(self.ordinary_or_flex, self.hires)


def disclosed(result: Figures, threshold: int | None) -> Figures:
    """Return the figures as a reader sees them: exact (``threshold`` None: coordinators and admins), or with
    every count below ``threshold``, and every count it could be worked out from, hidden (``Hidden``)."""
    shown = disclosure.dashboard_cells(result).shown(threshold)
    left_out = ShownLeftOut(shown[disclosure.ENROLLED], shown[disclosure.DECLINED], shown[disclosure.COUNTED],
                            shown[disclosure.UNRECORDED])
    success = replace(result.success, enrolled=left_out.enrolled, declined=left_out.declined,
                      counted=left_out.counted, at_least_a_year=shown["success", "at_least_a_year"],
                      closer=shown["success", "closer"],
                      without_two_measurements=shown["success", "without_two_measurements"])
    overall = replace(result.overall, ended=shown[disclosure.ENDED], hired=shown[disclosure.HIRED])
    rates = {grouping: [replace(rate, ended=shown["rates", grouping, rate.key, "ended"],
                                hired=shown["rates", grouping, rate.key, "hired"]) for rate in group]
             for grouping, group in result.rates.items()}
    rows = []
    for row in result.outcomes.rows:
        value = row.outcome.value
        decisions = {name: shown["outcome", value, name] for name in ("pending", "approved", "rejected")}
        rows.append(replace(row, count=shown["outcome", value, "count"], **decisions))
    outcomes = ShownOutcomes(rows, result.outcomes.ordinary_or_flex_target, overall.ended, overall.hired,
                             shown["outcome", "ordinary_or_flex"])
    cohort = services.Cohort(
        course_years={key: shown["cohort", "course_years", key] for key in result.cohort.course_years},
        ages={key: shown["cohort", "ages", key] for key in result.cohort.ages},
        disabilities={key: shown["cohort", "disabilities", key] for key in result.cohort.disabilities})
    # The median of fewer than ``threshold`` hires is one of them: hidden with their count.
    median = Hidden(shown.threshold) if is_hidden(overall.hired) else result.median_days

    def retention_shown(grouping: str | None, group: services.RetentionGroup) -> services.RetentionGroup:
        cell = disclosure.retention_cell(grouping, group.key)
        months = {month: replace(figure, **{name: shown[cell(month, name)] for name in disclosure.RETENTION_COUNTS})
                  for month, figure in group.months.items()}
        return replace(group, hires=shown[cell(None, "hires")], months=months)

    return Figures(left_out=left_out, success=success, overall=overall, rates=rates, median_days=median,
                   outcomes=outcomes, funnel={step: shown["funnel", step] for step in result.funnel},
                   cohort=cohort, retention_overall=retention_shown(None, result.retention_overall),
                   retention={grouping: [retention_shown(grouping, group) for group in groups]
                              for grouping, groups in result.retention.items()})


def _bar_value(value) -> float:
    """A hidden value draws no bar (its text says "< 5")."""
    return 0 if is_hidden(value) or value is None else value


# Charts ------------------------------------------------------------------------------------------------------

def success_chart(success: services.SuccessCriteria) -> Markup:
    enrolled_scale = max(_bar_value(success.enrolled), success.enrolled_target, 1)
    return charts.bar_chart([
        charts.Bar(_("Enrolled"), _bar_value(success.enrolled),
                   _("%(count)s, target %(target)s", count=number(success.enrolled),
                     target=success.enrolled_target),
                   maximum=enrolled_scale, target=success.enrolled_target or None),
        charts.Bar(_("Closer to the labour market"), _bar_value(success.closer_share),
                   _("%(result)s, target %(target)s", result=of(success.closer, success.at_least_a_year),
                     target=percent(success.closer_target)),
                   maximum=1, target=success.closer_target, colour=charts.SUCCESS),
    ], title=_("Chart: success criteria against their targets"))


def rates_chart(rates: list[services.Rate], title: str, *, overall: bool = False) -> Markup:
    bars = [charts.Bar(_("All internships") if overall else rate_label(rate), _bar_value(rate.rate),
                       of(rate.hired, rate.ended), maximum=1) for rate in rates[:CHART_ROWS]]
    return charts.bar_chart(bars, title=title)


def outcomes_chart(outcomes: services.Outcomes) -> Markup:
    hires = [row for row in outcomes.rows if row.outcome.is_hire]
    segments = [charts.Segment(str(row.outcome.label), _bar_value(row.count), of(row.count, outcomes.hires),
                               OUTCOME_COLOURS[row.outcome]) for row in hires]
    return charts.stacked_bar(
        segments, title=_("Chart: the hires by kind of job, against the goal for ordinary jobs and flex-jobs"),
        target=outcomes.ordinary_or_flex_target,
        target_text=_("goal: %(percent)s ordinary job or flex-job", percent=percent(outcomes.ordinary_or_flex_target)),
        empty_text=_("No hires in the period."))


def funnel_chart(funnel: dict, counted) -> Markup:
    steps = [charts.Bar(str(STEP_LABELS[step]), _bar_value(count), of(count, counted),
                        colour=charts.SUCCESS if step == "hired" else charts.ACCENT)
             for step, count in funnel.items()]
    return charts.funnel_chart(steps, title=_("Chart: the funnel from suggestion to hire, young people per step"))


def cohort_charts(cohort: services.Cohort, counted) -> dict[str, Markup]:
    def bars(items):
        return [charts.Bar(label, _bar_value(n), of(n, counted)) for label, n in items]

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


def retention_chart(group: services.RetentionGroup) -> Markup:
    """The three months as bars of the share still employed (of the known), each labelled with its unknown share."""
    bars = [charts.Bar(_("%(months)s · unknown: %(unknown)s", months=months_label(month),
                         unknown=of(figure.unknown, figure.due)),
                       _bar_value(figure.share), of(figure.employed, figure.known), maximum=1, colour=charts.SUCCESS)
            for month, figure in group.months.items()]
    return charts.bar_chart(bars, title=_("Chart: still employed 3, 6 and 12 months after the job's start, of the "
                                          "hires whose answer is known"))


def all_charts(result: Figures) -> dict[str, Markup]:
    """Draw every chart of the dashboard, keyed like ``TABLES``."""
    drawn = {
        "success": success_chart(result.success),
        "rates": rates_chart([result.overall], _("Chart: placement-to-hire rate"), overall=True),
        "outcomes": outcomes_chart(result.outcomes),
        "funnel": funnel_chart(result.funnel, result.left_out.counted),
        **cohort_charts(result.cohort, result.left_out.counted),
        "retention": retention_chart(result.retention_overall),
    }
    for grouping, rates in result.rates.items():
        if rates:
            drawn[f"rates_{grouping}"] = rates_chart(rates, _("Chart: placement-to-hire rate by %(grouping)s",
                                                              grouping=grouping_label(grouping).lower()))
    return drawn


# CSV ---------------------------------------------------------------------------------------------------------
# Each table's rows come from the figures as the reader sees them (``disclosed``): a hidden count reads "<5" and
# a percentage computed from one is left empty.

def _success_rows(result: Figures) -> tuple[list, list[list]]:
    s = result.success
    columns = [_("Criterion"), _("Count"), _("Of"), _("Percent"), _("Target (count)"), _("Target (%)")]
    count = csv_value
    rows = [
        [_("Enrolled"), count(s.enrolled), "", "", s.enrolled_target, ""],
        [_("Declined consent (left out)"), count(s.declined), count(s.enrolled),
         csv_percent(_share(s.declined, s.enrolled)), "", ""],
        [_("In the figures"), count(s.counted), count(s.enrolled), csv_percent(_share(s.counted, s.enrolled)), "",
         ""],
        [_("In the course at least a year"), count(s.at_least_a_year), count(s.counted),
         csv_percent(_share(s.at_least_a_year, s.counted)), "", ""],
        [_("Closer to the labour market"), count(s.closer), count(s.at_least_a_year), csv_percent(s.closer_share),
         "", csv_percent(s.closer_target)],
        [_("Without two measurements"), count(s.without_two_measurements), count(s.at_least_a_year),
         csv_percent(_share(s.without_two_measurements, s.at_least_a_year)), "", ""],
    ]
    return columns, rows


def _rates_rows(result: Figures) -> tuple[list, list[list]]:
    overall, median = result.overall, result.median_days
    columns = [_("Internships ended"), _("Hired"), _("Rate (%)"), _("Median days from internship start to hire")]
    return columns, [[csv_value(overall.ended), csv_value(overall.hired), csv_percent(overall.rate),
                      "" if median is None or is_hidden(median) else format_decimal(median, format="0.#")]]


def _grouping_rows(grouping: str):
    def rows(result: Figures) -> tuple[list, list[list]]:
        columns = [grouping_label(grouping), _("Internships ended"), _("Hired"), _("Rate (%)")]
        return columns, [[rate_label(rate), csv_value(rate.ended), csv_value(rate.hired), csv_percent(rate.rate)]
                         for rate in result.rates[grouping]]

    return rows


def _outcome_rows(result: Figures) -> tuple[list, list[list]]:
    outcomes = result.outcomes
    columns = [_("Outcome"), _("Count"), _("Percent of ended"), _("Percent of hires"), _("Decision pending"),
               _("Approved"), _("Rejected"), _("Goal (%)")]
    rows = [[str(row.outcome.label), csv_value(row.count), csv_percent(_share(row.count, outcomes.ended)),
             csv_percent(_share(row.count, outcomes.hires)) if row.outcome.is_hire else "",
             csv_value(row.pending), csv_value(row.approved), csv_value(row.rejected), ""] for row in outcomes.rows]
    rows.append([_("Ordinary job or flex-job"), csv_value(outcomes.ordinary_or_flex), "",
                 csv_percent(outcomes.ordinary_or_flex_share), "", "", "",
                 csv_percent(outcomes.ordinary_or_flex_target)])
    return columns, rows


def _funnel_rows(result: Figures) -> tuple[list, list[list]]:
    counted = result.left_out.counted
    columns = [_("Step"), _("Young people"), _("Percent of the young people in the figures")]
    return columns, [[str(STEP_LABELS[step]), csv_value(n), csv_percent(_share(n, counted))]
                     for step, n in result.funnel.items()]


def _cohort_rows(part: str):
    def rows(result: Figures) -> tuple[list, list[list]]:
        cohort, counted = result.cohort, result.left_out.counted
        if part == "course_years":
            columns = [_("Course length (years)"), _("Young people"), _("Percent")]
            return columns, [["" if years is None else years, csv_value(n), csv_percent(_share(n, counted))]
                             for years, n in cohort.course_years.items()]
        if part == "ages":
            columns = [_("Age at the course's start"), _("Young people"), _("Percent")]
            return columns, [[age_band(band), csv_value(n), csv_percent(_share(n, counted))]
                             for band, n in cohort.ages.items()]
        columns = [_("Cognitive"), _("Psychological"), _("Physical"), _("Combination"), _("Young people"),
                   _("Percent")]
        return columns, [[*(int(flag) for flag in combination), disabilities(combination), csv_value(n),
                          csv_percent(_share(n, counted))] for combination, n in cohort.disabilities.items()]

    return rows


def _retention_columns() -> list:
    return [_("Months after the job's start"), _("Date reached"), _("Still employed"), _("No longer employed"),
            _("Unknown"), _("Still employed of the known (%)"), _("Unknown of the date reached (%)"), _("To come")]


def _retention_row(month: int, figure: services.Retention) -> list:
    return [month, csv_value(figure.due), csv_value(figure.employed), csv_value(figure.not_employed),
            csv_value(figure.unknown), csv_percent(figure.share), csv_percent(figure.unknown_share),
            csv_value(figure.coming)]


def _retention_rows(grouping: str | None):
    def rows(result: Figures) -> tuple[list, list[list]]:
        if grouping is None:
            return _retention_columns(), [_retention_row(month, figure)
                                          for month, figure in result.retention_overall.months.items()]
        return [grouping_label(grouping), *_retention_columns()], [
            [retention_label(group, grouping), *_retention_row(month, figure)]
            for group in result.retention[grouping] for month, figure in group.months.items()]

    return rows


_CSV_ROWS = {
    "success": _success_rows, "rates": _rates_rows,
    **{f"rates_{grouping}": _grouping_rows(grouping) for grouping in GROUPINGS},
    "outcomes": _outcome_rows, "funnel": _funnel_rows,
    "cohort_course_years": _cohort_rows("course_years"), "cohort_ages": _cohort_rows("ages"),
    "cohort_disabilities": _cohort_rows("disabilities"),
    "retention": _retention_rows(None),
    **{f"retention_{grouping}": _retention_rows(grouping) for grouping in RETENTION_GROUPINGS},
}


def table_csv(table: str, scope: Scope, scope_label: str, threshold: int | None = None) -> str:
    """Write one table as CSV: the header on the first line (Danish Excel reads it as the header), the rows, then,
    after an empty line, a note with the scope, the period and who is left out.

    The table is cut from all of the dashboard's figures, suppressed together for ``threshold`` (None: exact),
    so a file shows what the page shows."""
    result = shown(scope, threshold)
    columns, rows = _CSV_ROWS[table](result)
    note = " · ".join((
        scope_label, _("period %(start)s – %(end)s", start=format_date(scope.start, "short"),
                       end=format_date(scope.end, "short")),
        consent_note(result.left_out)))
    if threshold is not None:
        note += " · " + small_cell_note(threshold)
    return write_csv([str(c) for c in columns], [*rows, [], [note]])


def small_cell_note(threshold: int) -> str:
    """What "<5" and ">=5" mean, for the readers who see them."""
    return _("“%(small)s”: fewer than %(threshold)s; “%(large)s”: %(threshold)s or more, hidden so that a count "
             "below %(threshold)s cannot be worked out from the totals", small=f"<{threshold}",
             large=f">={threshold}", threshold=threshold)
