"""The dashboard's figures, computed in SQL (no Python loops over rows), on PostgreSQL and SQLite alike.

Young people who declined consent count in "enrolled" and in nothing else; every result says how many were
left out. Figures are for a scope (one partnership, or all for an admin) and a period; the reference date is
the period's last day.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import Integer, and_, case, distinct, func, literal, not_, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement

from placement.agreements import services as agreement_services
from placement.agreements.models import Agreement, Decision, Outcome, State
from placement.audit.models import AuditEvent
from placement.auth.models import User
from placement.extensions import db
from placement.network.models import Company, JobFunction, Mentor
from placement.occupations.models import IscoGroup, Occupation
from placement.participants.models import Consent, Participant
from placement.progress.models import PARAMETER_KEYS, Measurement
from placement.progress.services import add_months
from placement.reports.models import Targets
from placement.retention.models import CHECK_MONTHS, RETENTION_MONTHS, Employment, JobCheck
from placement.retention.services import COUNTS as FOLLOWED

# Portable date arithmetic ---------------------------------------------------------------------------------------


class days_between(FunctionElement):
    """Whole days from the second date to the first."""

    type = Integer()
    inherit_cache = True


@compiles(days_between)
def _days_between(element, compiler, **kw):
    later, earlier = list(element.clauses)
    return f"({compiler.process(later, **kw)} - {compiler.process(earlier, **kw)})"


@compiles(days_between, "sqlite")
def _days_between_sqlite(element, compiler, **kw):
    later, earlier = list(element.clauses)
    return f"CAST(julianday({compiler.process(later, **kw)}) - julianday({compiler.process(earlier, **kw)}) AS INTEGER)"


class age_on(FunctionElement):
    """Whole years from a date of birth to a day."""

    type = Integer()
    inherit_cache = True


@compiles(age_on)
def _age_on(element, compiler, **kw):
    born, day = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST(date_part('year', age({day}, {born})) AS INTEGER)"


@compiles(age_on, "sqlite")
def _age_on_sqlite(element, compiler, **kw):
    born, day = (compiler.process(c, **kw) for c in element.clauses)
    return (f"(CAST(strftime('%Y', {day}) AS INTEGER) - CAST(strftime('%Y', {born}) AS INTEGER)"
            f" - (strftime('%m-%d', {day}) < strftime('%m-%d', {born})))")


# Scope and period -------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Scope:
    """Which partnerships (None: all, for an admin) and which period; ``end`` is the reference date."""

    partnership_ids: tuple[int, ...] | None
    start: date
    end: date


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _in_scope(column, scope: Scope):
    return literal(True) if scope.partnership_ids is None else column.in_(scope.partnership_ids)


def _enrolled(scope: Scope):
    """Young people whose course had started by the reference date."""
    return and_(_in_scope(Participant.partnership_id, scope), Participant.course_start <= scope.end)


def _counted(scope: Scope):
    """Enrolled young people who gave consent: the ones the figures are about (declined, withdrawn or never
    recorded: left out; placement/privacy keeps the consent history and this column as its latest state)."""
    return and_(_enrolled(scope), Participant.consent == Consent.GIVEN)


@dataclass
class LeftOut:
    enrolled: int
    #: Declined or withdrawn.
    declined: int
    #: Consent never recorded.
    unrecorded: int = 0

    @property
    def counted(self) -> int:
        return self.enrolled - self.declined - self.unrecorded


def left_out(scope: Scope) -> LeftOut:
    """Return how many are enrolled and how many are left out of every figure for lack of consent."""
    enrolled, declined, unrecorded = db.session.execute(
        select(func.count(Participant.id),
               func.count(Participant.id).filter(Participant.consent.in_([Consent.DECLINED, Consent.WITHDRAWN])),
               func.count(Participant.id).filter(Participant.consent.is_(None)))
        .where(_enrolled(scope))).one()
    return LeftOut(enrolled, declined, unrecorded)


# Success criteria -------------------------------------------------------------------------------------------------


@dataclass
class SuccessCriteria:
    enrolled: int
    enrolled_target: int
    declined: int
    counted: int
    at_least_a_year: int
    closer: int
    without_two_measurements: int
    closer_target: float

    @property
    def closer_share(self) -> float | None:
        return self.closer / self.at_least_a_year if self.at_least_a_year else None


def development(day: date):
    """Per young person (correlated with ``Participant``): first total, latest total and the number of
    measurements up to ``day``.

    Each is an index seek on (young person, date, id) rather than a window over every measurement: on SQLite
    about six times faster for 20,000 young people.
    """
    total = sum((getattr(Measurement, key) for key in PARAMETER_KEYS), literal(0))
    mine = and_(Measurement.participant_id == Participant.id, Measurement.measured_on <= day)
    first = (select(total).where(mine).order_by(Measurement.measured_on, Measurement.id).limit(1)
             .correlate(Participant).scalar_subquery())
    latest = (select(total).where(mine).order_by(Measurement.measured_on.desc(), Measurement.id.desc()).limit(1)
              .correlate(Participant).scalar_subquery())
    count = select(func.count()).where(mine).correlate(Participant).scalar_subquery()
    return first, latest, count


def _targets(scope: Scope) -> tuple[int, float, float]:
    """Return the enrolment target (summed), and the closer and ordinary-or-flex shares (weighted by it)."""
    stmt = select(func.coalesce(func.sum(Targets.enrolled), 0),
                  func.sum(Targets.enrolled * Targets.closer_share),
                  func.sum(Targets.enrolled * Targets.ordinary_or_flex_share)).where(
        _in_scope(Targets.partnership_id, scope))
    enrolled, closer, ordinary = db.session.execute(stmt).one()
    defaults = Targets.__table__.c
    if not enrolled:
        return 0, defaults.closer_share.default.arg, defaults.ordinary_or_flex_share.default.arg
    return int(enrolled), closer / enrolled, ordinary / enrolled


def success_criteria(scope: Scope) -> SuccessCriteria:
    """Return the partnership's success table: enrolled, a year or more in the course, closer to the labour market."""
    gone = left_out(scope)
    first, latest, count = development(scope.end)
    people = (select(first.label("first"), latest.label("latest"), count.label("measurements"))
              .where(_counted(scope), Participant.course_start <= _years_before(scope.end, 1))
              .cte("a_year").prefix_with("MATERIALIZED"))
    at_least_a_year, closer, without = db.session.execute(
        select(func.count(),
               func.count().filter(and_(people.c.measurements >= 2, people.c.latest > people.c.first)),
               func.count().filter(people.c.measurements < 2))).one()
    enrolled_target, closer_target, _ordinary = _targets(scope)
    return SuccessCriteria(enrolled=gone.enrolled, enrolled_target=enrolled_target, declined=gone.declined,
                           counted=gone.counted, at_least_a_year=at_least_a_year, closer=closer,
                           without_two_measurements=without, closer_target=closer_target)


# Placement to hire ------------------------------------------------------------------------------------------------

HIRED = Agreement.outcome != Outcome.NOT_HIRED


def _declined():
    """The young people without consent (declined, withdrawn, never recorded): few, so a NOT IN is cheaper than a
    join on every internship."""
    return select(Participant.id).where(or_(Participant.consent.is_(None), Participant.consent != Consent.GIVEN))


def _ended(scope: Scope):
    """Internships that ended in the period, of young people in the figures."""
    return and_(_in_scope(Agreement.partnership_id, scope), Agreement.state == State.ENDED,
                Agreement.ended_on >= scope.start, Agreement.ended_on <= scope.end,
                Agreement.participant_id.not_in(_declined()))


@dataclass
class Rate:
    key: object
    label: str
    ended: int
    hired: int

    @property
    def rate(self) -> float | None:
        return self.hired / self.ended if self.ended else None


GROUPINGS = ("company", "job_function", "occupation_group", "mentor", "consultant")


def hire_rates(scope: Scope, by: str | None = None) -> list[Rate]:
    """Return internships ended in a hire / internships ended, overall (``by`` None) or per grouping.

    The internships are counted once per (job function, mentor, consultant) in a single pass over the
    agreements; the groupings then sum those few rows and join the names.
    """
    counts = (func.count(Agreement.id).label("ended"), func.count(Agreement.id).filter(HIRED).label("hired"))
    if by is None:
        ended, hired = db.session.execute(select(*counts).where(_ended(scope))).one()
        return [Rate(None, "", ended, hired)]
    per = (select(Agreement.job_function_id, Agreement.mentor_id, Agreement.consultant_id, *counts)
           .where(_ended(scope))
           .group_by(Agreement.job_function_id, Agreement.mentor_id, Agreement.consultant_id)
           # Materialised: the database counts the internships first, then joins names to the few rows.
           .cte("per_job").prefix_with("MATERIALIZED"))
    jobs = (JobFunction, JobFunction.id == per.c.job_function_id)
    occupation_group = func.substr(Occupation.isco_group, 1, 1)
    key, label, joins = {
        "company": (Company.id, Company.name, [jobs, (Company, Company.id == JobFunction.company_id)]),
        "job_function": (JobFunction.id, JobFunction.title + literal(" · ") + Company.name,
                         [jobs, (Company, Company.id == JobFunction.company_id)]),
        "occupation_group": (occupation_group, IscoGroup.label,
                             [jobs, (Occupation, Occupation.id == JobFunction.occupation_id, True),
                              (IscoGroup, IscoGroup.code == occupation_group, True)]),
        "mentor": (Mentor.id, Mentor.name, [(Mentor, Mentor.id == per.c.mentor_id)]),
        "consultant": (User.id, User.name, [(User, User.id == per.c.consultant_id, True)]),
    }[by]
    ended, hired = func.sum(per.c.ended), func.sum(per.c.hired)
    stmt = select(key, func.min(label), ended, hired).select_from(per)
    for target, on, *outer in joins:
        stmt = stmt.join(target, on, isouter=bool(outer))
    rows = db.session.execute(stmt.group_by(key).order_by(ended.desc(), func.min(label))).all()
    return [Rate(k, lab or "–", int(e), int(h)) for k, lab, e, h in rows]


def median_days_to_hire(scope: Scope) -> float | None:
    """Return the median number of days from the internship's start to the start of the job, over hires."""
    days = days_between(Agreement.outcome_start, Agreement.start_date)
    base = select(days).where(_ended(scope), HIRED, Agreement.outcome_start.is_not(None))
    n = db.session.scalar(select(func.count()).select_from(base.subquery()))
    if not n:
        return None
    middle = db.session.scalars(base.order_by(days).offset((n - 1) // 2).limit(2 if n % 2 == 0 else 1)).all()
    return sum(middle) / len(middle)


# Retention: still employed after the hire ---------------------------------------------------------------------

RETENTION_GROUPINGS = ("outcome", "company", "consultant")
#: Per hire and month: its place in the retention figures.
_COMING, _EMPLOYED, _NOT_EMPLOYED, _UNKNOWN = range(4)
#: The checks' answers as small numbers (a NULL: not recorded).
_CODES = {Employment.EMPLOYED: 1, Employment.NOT_EMPLOYED: 2, Employment.UNKNOWN: 3}


@dataclass
class Retention:
    """Of a group's followed hires, ``month`` months after the job's start (``due``: the date has come by the
    reference date; ``coming``: it has not, so they count as neither kept nor lost)."""

    month: int
    due: int
    employed: int
    not_employed: int
    unknown: int
    coming: int
    #: ``employed + not_employed``: the due hires whose state is known.
    known: int

    @property
    def share(self) -> float | None:
        """Still employed, of the due hires whose state is known."""
        return self.employed / self.known if self.known else None

    @property
    def unknown_share(self) -> float | None:
        """Unknown, of the due hires."""
        return self.unknown / self.due if self.due else None


@dataclass
class RetentionGroup:
    """The followed hires of one group (overall: ``key`` None, ``label`` ""), with their months 3, 6 and 12."""

    key: object
    label: str
    hires: int
    months: dict[int, Retention]


def _latest_start(day: date, months: int) -> date:
    """Return the latest job start whose ``months``-month date (``add_months``, as the checks are scheduled) is on or
    before ``day``."""
    latest = add_months(day, -months)
    while add_months(latest + timedelta(days=1), months) <= day:
        latest += timedelta(days=1)
    return latest


def _followed(scope: Scope):
    """One row per followed hire of the period: its outcome, company and consultant, and per month 3, 6, 12 where
    it stands at the reference date (``_COMING`` … ``_UNKNOWN``), from its checks.

    Each check is an index seek on (agreement, month) rather than a grouped join over every check: on SQLite about
    twice as fast."""
    code = case(*((JobCheck.status == status, value) for status, value in _CODES.items()))

    def of_month(column, month: int):
        return (select(column).where(JobCheck.agreement_id == Agreement.id, JobCheck.month == month)
                .correlate(Agreement).scalar_subquery())

    hires = (select(Agreement.outcome.label("outcome"), JobFunction.company_id.label("company_id"),
                    Agreement.consultant_id.label("consultant_id"), Agreement.outcome_start.label("start"),
                    *(of_month(code, m).label(f"s{m}") for m in CHECK_MONTHS),
                    *(of_month(JobCheck.due_on, m).label(f"d{m}") for m in RETENTION_MONTHS))
             .join(JobFunction, JobFunction.id == Agreement.job_function_id)
             .where(_ended(scope), FOLLOWED)
             # Materialised: each hire's checks are read once, then placed per month.
             .cte("hires").prefix_with("MATERIALIZED"))
    answers = {m: hires.c[f"s{m}"] for m in CHECK_MONTHS}
    # A period may end after today: a check is never due before its day has come.
    reference = min(scope.end, agreement_services.today())
    places = []
    for month in RETENTION_MONTHS:
        due_on = hires.c[f"d{month}"]
        # A hire without its check (not scheduled) is due by its job start, as the check would be.
        due = case((due_on.is_not(None), due_on <= reference),
                   else_=hires.c.start <= _latest_start(reference, month))
        # The latest definite earlier answer: once the job ended it stays ended, unless a later check says employed.
        earlier = [m for m in CHECK_MONTHS if m < month][::-1]
        ended_before = case(*((answers[m].in_([_CODES[Employment.EMPLOYED], _CODES[Employment.NOT_EMPLOYED]]),
                               answers[m] == _CODES[Employment.NOT_EMPLOYED]) for m in earlier), else_=False)
        place = case((not_(due), _COMING), (answers[month] == _CODES[Employment.EMPLOYED], _EMPLOYED),
                     (answers[month] == _CODES[Employment.NOT_EMPLOYED], _NOT_EMPLOYED),
                     (and_(answers[month].is_(None), ended_before), _NOT_EMPLOYED), else_=_UNKNOWN)
        places.append(place.label(f"m{month}"))
    return select(hires.c.outcome, hires.c.company_id, hires.c.consultant_id, *places).subquery("followed")


def retention(scope: Scope, by: str | None = None) -> list[RetentionGroup]:
    """Return whether the hires are still employed 3, 6 and 12 months after the job's start, overall (``by`` None)
    or per outcome, company or consultant.

    The hires counted are the followed ones (``placement.retention.services.COUNTS``: the internship ended in a job
    with a known start that the job centre did not reject), of young people who gave consent, whose internship
    ended in the period. For month m, a hire is *due* when its m-month date is on or before the reference date;
    otherwise it is *coming* (never a failure). Of the due ones: *employed* when the m-month check says so; *not
    employed* when it says so, or when it is not recorded and the latest earlier definite answer is "not employed";
    else *unknown* (not recorded, or recorded as unknown). The share still employed is employed / (employed + not
    employed); the unknown share is unknown / due. One query per call.
    """
    followed = _followed(scope)
    counts = [func.count().label("hires")]
    for month in RETENTION_MONTHS:
        column = followed.c[f"m{month}"]
        counts += [func.count().filter(column == place) for place in (_COMING, _EMPLOYED, _NOT_EMPLOYED, _UNKNOWN)]

    def group(key, label, hires, *values) -> RetentionGroup:
        months = {}
        for index, month in enumerate(RETENTION_MONTHS):
            coming, employed, not_employed, unknown = (int(v) for v in values[4 * index:4 * index + 4])
            months[month] = Retention(month, due=employed + not_employed + unknown, employed=employed,
                                      not_employed=not_employed, unknown=unknown, coming=coming,
                                      known=employed + not_employed)
        return RetentionGroup(key, label or "", int(hires), months)

    if by is None:
        return [group(None, "", *db.session.execute(select(*counts).select_from(followed)).one())]
    if by == "outcome":
        rows = {outcome: row for outcome, *row in db.session.execute(
            select(followed.c.outcome, *counts).group_by(followed.c.outcome)).all()}
        return [group(outcome, outcome.value, *rows[outcome]) for outcome in Outcome if outcome in rows]
    key, label, target, on, outer = {
        "company": (Company.id, Company.name, Company, Company.id == followed.c.company_id, False),
        "consultant": (User.id, User.name, User, User.id == followed.c.consultant_id, True),
    }[by]
    hires = func.count()
    rows = db.session.execute(select(key, func.min(label), *counts).select_from(followed)
                              .join(target, on, isouter=outer).group_by(key)
                              .order_by(hires.desc(), func.min(label))).all()
    return [group(key, label or "–", *values) for key, label, *values in rows]


# Outcomes ---------------------------------------------------------------------------------------------------------


@dataclass
class OutcomeRow:
    outcome: Outcome
    count: int
    pending: int
    approved: int
    rejected: int


@dataclass
class Outcomes:
    rows: list[OutcomeRow]
    ordinary_or_flex_target: float

    @property
    def hires(self) -> int:
        return sum(r.count for r in self.rows if r.outcome.is_hire)

    @property
    def ordinary_or_flex(self) -> int:
        return sum(r.count for r in self.rows if r.outcome in (Outcome.ORDINARY_JOB, Outcome.FLEX_JOB))

    @property
    def ordinary_or_flex_share(self) -> float | None:
        return self.ordinary_or_flex / self.hires if self.hires else None


def outcomes(scope: Scope) -> Outcomes:
    """Return how the internships that ended in the period ended, with the job centre's decisions."""
    rows = dict((o, (c, p, a, r)) for o, c, p, a, r in db.session.execute(
        select(Agreement.outcome, func.count(Agreement.id),
               func.count(Agreement.id).filter(Agreement.decision == Decision.PENDING),
               func.count(Agreement.id).filter(Agreement.decision == Decision.APPROVED),
               func.count(Agreement.id).filter(Agreement.decision == Decision.REJECTED))
        .where(_ended(scope)).group_by(Agreement.outcome)).all())
    _enrolled_target, _closer, target = _targets(scope)
    return Outcomes([OutcomeRow(o, *rows.get(o, (0, 0, 0, 0))) for o in Outcome], target)


# Funnel -----------------------------------------------------------------------------------------------------------

FUNNEL = ("suggested", "agreement", "confirmed", "active", "ended", "hired")


def funnel(scope: Scope) -> dict[str, int]:
    """Return how many young people reached each step in the period: from suggestions shown to a hire.

    "Suggested": the young person's suggestions were opened (recorded in the audit log) or they had an internship
    agreement (from a suggestion or made directly: a placement was considered either way). So every step holds the
    young people of the next one and the funnel never widens.
    """
    overlapping = and_(Agreement.start_date <= scope.end,
                       or_(Agreement.ended_on.is_(None), Agreement.ended_on >= scope.start))
    # Each internship's furthest step as a number; a young person reached step k when any internship did.
    step = case((and_(Agreement.state == State.ENDED, HIRED), 5), (Agreement.state == State.ENDED, 4),
                (Agreement.state == State.ACTIVE, 3), (Agreement.state == State.CONFIRMED, 2), else_=1)
    furthest = (select(func.max(step).label("step")).group_by(Agreement.participant_id)
                .where(_in_scope(Agreement.partnership_id, scope), Agreement.participant_id.not_in(_declined()),
                       overlapping).subquery())
    reached = ("agreement", "confirmed", "active", "ended", "hired")
    row = db.session.execute(select(*(func.count().filter(furthest.c.step >= k) for k in range(1, 6)))).one()
    result = dict(zip(reached, row, strict=True))
    shown = (select(func.cast(AuditEvent.entity_id, Integer).label("participant_id"))
             .where(AuditEvent.action == "suggest", AuditEvent.entity == "participants",
                    func.date(AuditEvent.at) >= scope.start, func.date(AuditEvent.at) <= scope.end)
             .union(select(Agreement.participant_id).where(_in_scope(Agreement.partnership_id, scope), overlapping))
             .subquery())
    result["suggested"] = db.session.scalar(
        select(func.count(distinct(Participant.id))).join(shown, shown.c.participant_id == Participant.id)
        .where(_counted(scope)))
    return {step: result[step] for step in FUNNEL}


# The cohort -------------------------------------------------------------------------------------------------------

AGE_BANDS = ((None, 17, "under 18"), (18, 20, "18–20"), (21, 23, "21–23"), (24, 26, "24–26"), (27, 30, "27–30"),
             (31, None, "over 30"))


@dataclass
class Cohort:
    course_years: dict[int, int] = field(default_factory=dict)
    ages: dict[str, int] = field(default_factory=dict)
    disabilities: dict[tuple[bool, bool, bool], int] = field(default_factory=dict)


def cohort(scope: Scope) -> Cohort:
    """Return the granted course lengths, the ages at the course's start and the disability combinations."""
    result = Cohort()
    result.course_years = dict(db.session.execute(
        select(Participant.course_years, func.count(Participant.id)).where(_counted(scope))
        .group_by(Participant.course_years).order_by(Participant.course_years)).all())
    # The age is computed once per young person, then banded.
    ages = select(age_on(Participant.date_of_birth, Participant.course_start).label("age")) \
        .where(_counted(scope)).cte("ages").prefix_with("MATERIALIZED")
    band = case(*((and_(ages.c.age >= low if low is not None else literal(True),
                        ages.c.age <= high if high is not None else literal(True)), label)
                   for low, high, label in AGE_BANDS))
    counts = dict(db.session.execute(select(band, func.count()).select_from(ages).group_by(band)).all())
    result.ages = {label: counts.get(label, 0) for _low, _high, label in AGE_BANDS}
    result.disabilities = {(c, p, ph): n for c, p, ph, n in db.session.execute(
        select(Participant.cognitive, Participant.psychological, Participant.physical, func.count(Participant.id))
        .where(_counted(scope))
        .group_by(Participant.cognitive, Participant.psychological, Participant.physical)
        .order_by(func.count(Participant.id).desc())).all()}
    return result


# Added for the dashboard's page: the default period and the targets form (not figures) -----------------------


def earliest_course_start(partnership_ids: tuple[int, ...] | None) -> date | None:
    """Return the first course start of the partnerships' young people (all partnerships for None)."""
    column = Participant.partnership_id
    where = literal(True) if partnership_ids is None else column.in_(partnership_ids)
    return db.session.scalar(select(func.min(Participant.course_start)).where(where))


def targets_for(partnership_id: int) -> Targets | None:
    """Return the partnership's own targets, or None while it uses the defaults."""
    return db.session.get(Targets, partnership_id)


def save_targets(partnership_id: int, *, enrolled: int, closer_share: float, ordinary_or_flex_share: float) -> Targets:
    """Set the partnership's targets (shares 0–1); the view commits."""
    targets = targets_for(partnership_id)
    if targets is None:
        targets = Targets(partnership_id=partnership_id)
        db.session.add(targets)
    targets.enrolled = enrolled
    targets.closer_share = closer_share
    targets.ordinary_or_flex_share = ordinary_or_flex_share
    db.session.flush()
    return targets
