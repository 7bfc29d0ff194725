"""Bringing a partnership's history in: progress measurements and internships with their outcomes, from CSV.

No request access and no commit: the page and the CLI commit. The format follows ``placement.csvtools``
(UTF-8, ``;`` or ``,``, columns by name, all-or-nothing, every error with its line and column). Import the
company network and the young people first: these files refer to them. The columns are ``COLUMNS`` (key → Danish
and English name; an import takes either), the coded values ``CHOICES`` (Danish word, English word or the code).

* Young people have no external id: a line names one by ``participant_name`` and ``participant_birth_date``
  (both required; the name compared without regard to case, accents or æ/ae, ø/oe, å/aa). No match, or more
  than one, is an error. Through the page, only the young people the importing user works on are matched.
* ``measurements``: one line per measurement, the four parameters as whole numbers 1–10, validated by
  ``MeasurementForm`` (the page's form).
* ``internships``: the workplace by ``company_cvr`` and ``job_function_title`` (a job function of that company),
  the mentor by ``mentor_email`` or ``mentor_name`` (empty: the job function's mentor); created directly as
  ``active`` or ``ended`` with the outcome by ``placement.agreements.history``, whose rules are those of
  recording an outcome and a decision.
* History is what has happened: every date lies from 2000 to the service's today (``placement.sanity``), an
  internship starts on or after the young person's course start and ends on or after its start, a job on or
  after the internship's start, a decision on or after the internship's start.
* A line that repeats one already registered (the same young person measured on the same day; the same young
  person in the same job function from the same start date) is an error, so importing a file twice adds nothing.
* An imported hire gets its job checks at 1, 3, 6 and 12 months after the job's start (``placement.retention``).
  Optional columns per month give what is known: still employed (ja/nej/ukendt), the weekly hours (empty: the
  job's hours on the line) and why the job ended; recorded as of the check's due date by "history import". Only
  a line that ended in a job with a start date has them, and only for a check already due (the same rules as
  recording a check in the service).
"""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext, ngettext
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from placement import sanity
from placement.agreements import history
from placement.agreements.history import CheckAnswer
from placement.agreements.models import Agreement, Decision, NotHiredReason, Outcome, PlaceAfterHire
from placement.agreements.services import Actor, AgreementError
from placement.auth.access import participant_scope_for
from placement.auth.models import Partnership, User
from placement.csvtools import (
    DANISH,
    Choices,
    ColumnHelp,
    Columns,
    ImportReport,
    Row,
    RowError,
    bound_form,
    column_name,
    column_names,
    read_rows,
    validate,
    write_csv,
)
from placement.csvtools import column_help as _column_help
from placement.csvtools import formdata as row_formdata
from placement.csvtools import language as csv_language
from placement.extensions import db
from placement.network.cvr import normalise_cvr
from placement.network.models import Company, JobFunction, Mentor
from placement.network.search import normalise
from placement.participants.models import Participant
from placement.progress import services
from placement.progress.forms import (
    INTERNSHIPS,
    KINDS,
    MEASUREMENTS,
    InternshipHistoryForm,
    MeasurementForm,
    ParticipantRefForm,
)
from placement.progress.models import PARAMETER_KEYS, Measurement
from placement.retention.models import CHECK_MONTHS, Employment
from placement.sanity import day_text

__all__ = ["COLUMNS", "INTERNSHIPS", "KINDS", "MEASUREMENTS", "REQUIRED", "column_help", "example_csv",
           "import_csv"]

_REF = ("participant_name", "participant_birth_date")
_REF_COLUMNS: Columns = {"participant_name": ("Den unges navn", "participant_name"),
                         "participant_birth_date": ("Den unges fødselsdato", "participant_birth_date")}
_PARAMETER_NAMES = {"motivation": "Motivation", "work_identity": "Arbejdsidentitet", "clarification": "Afklaring",
                    "knowledge": "Viden"}
#: Each kind's columns in the example's order: key → (Danish name, English name); an import takes either.
COLUMNS: dict[str, Columns] = {
    MEASUREMENTS: {**_REF_COLUMNS, "measured_on": ("Dato for målingen", "measured_on"),
                   **{key: (_PARAMETER_NAMES[key], key) for key in PARAMETER_KEYS},
                   "comment": ("Kommentar", "comment")},
    INTERNSHIPS: {
        **_REF_COLUMNS, "company_cvr": ("Virksomhedens CVR-nummer", "company_cvr"),
        "job_function_title": ("Arbejdsfunktion", "job_function_title"),
        "mentor_email": ("Mentorens e-mail", "mentor_email"), "mentor_name": ("Mentorens navn", "mentor_name"),
        "start_date": ("Startdato", "start_date"), "planned_weeks": ("Planlagt varighed (uger)", "planned_weeks"),
        "weekly_hours": ("Timer om ugen", "weekly_hours"), "state": ("Status", "state"),
        "ended_on": ("Sidste praktikdag", "ended_on"), "outcome": ("Resultat", "outcome"),
        "outcome_hours": ("Timer om ugen i jobbet", "outcome_hours"),
        "outcome_start": ("Jobbet starter", "outcome_start"),
        "not_hired_reason": ("Hvorfor ikke ansat", "not_hired_reason"),
        "decision": ("Jobcentrets afgørelse", "decision"), "decision_date": ("Dato for afgørelsen", "decision_date"),
        "place_after_hire": ("Praktikpladsen efter ansættelsen", "place_after_hire"),
    },
}


def _months(month: int, danish: bool) -> str:
    if danish:
        return f"{month} måned" if month == 1 else f"{month} måneder"
    return f"{month}_month" if month == 1 else f"{month}_months"


#: The job checks' columns of an internship, per month: (status, hours, reason) keys.
CHECK_COLUMNS: dict[int, tuple[str, str, str]] = {
    month: (f"employed_after_{_months(month, False)}", f"hours_after_{_months(month, False)}",
            f"reason_after_{_months(month, False)}") for month in CHECK_MONTHS}
for _month, (_status, _hours, _reason) in CHECK_COLUMNS.items():
    COLUMNS[INTERNSHIPS].update({
        _status: (f"I job efter {_months(_month, True)}", _status),
        _hours: (f"Timer om ugen efter {_months(_month, True)}", _hours),
        _reason: (f"Hvorfor stoppet efter {_months(_month, True)}", _reason)})
_CHECK_KEYS = frozenset(key for keys in CHECK_COLUMNS.values() for key in keys)
_CHECK_STATUS_KEYS = frozenset(keys[0] for keys in CHECK_COLUMNS.values())
REQUIRED: dict[str, tuple[str, ...]] = {
    MEASUREMENTS: (*_REF, "measured_on", *PARAMETER_KEYS),
    INTERNSHIPS: (*_REF, "company_cvr", "job_function_title", "start_date", "state"),
}
_FORMS = {MEASUREMENTS: MeasurementForm, INTERNSHIPS: InternshipHistoryForm}
_WORKPLACE = ("company_cvr", "job_function_title", "mentor_email", "mentor_name")
_FORM_FIELDS = {kind: tuple(c for c in COLUMNS[kind] if c not in (*_REF, *_WORKPLACE) and c not in _CHECK_KEYS)
                for kind in KINDS}
#: A job check's answer: still employed, no longer, or unknown.
CHECK_CHOICES = Choices({Employment.EMPLOYED.value: ("ja", "yes"), Employment.NOT_EMPLOYED.value: ("nej", "no"),
                         Employment.UNKNOWN.value: ("ukendt", "unknown")})
#: The coded columns of an internship: each code's Danish and English word.
CHOICES: dict[str, Choices] = {
    "state": Choices({"active": ("aktiv", "active"), "ended": ("afsluttet", "ended")}),
    "outcome": Choices({Outcome.ORDINARY_JOB.value: ("ordinært job", "ordinary_job"),
                        Outcome.FLEX_JOB.value: ("fleksjob", "flex_job"),
                        Outcome.WAGE_SUBSIDY.value: ("løntilskud", "wage_subsidy"),
                        Outcome.PROTECTED.value: ("beskyttet beskæftigelse", "protected"),
                        Outcome.NOT_HIRED.value: ("ikke ansat", "not_hired")},
                       {"ordinaert job": Outcome.ORDINARY_JOB.value, "loentilskud": Outcome.WAGE_SUBSIDY.value}),
    "not_hired_reason": Choices({NotHiredReason.ANOTHER_INTERNSHIP.value: ("anden praktik", "another_internship"),
                                 NotHiredReason.ANOTHER_COURSE.value: ("andet forløb", "another_course"),
                                 NotHiredReason.HEALTH.value: ("helbred", "health"),
                                 NotHiredReason.MOVED.value: ("fraflyttet", "moved"),
                                 NotHiredReason.STOPPED.value: ("stoppet", "stopped"),
                                 NotHiredReason.WORKPLACE.value: ("arbejdspladsen", "workplace"),
                                 NotHiredReason.OTHER.value: ("andet", "other")},
                                {"passede ikke til arbejdspladsen": NotHiredReason.WORKPLACE.value}),
    "decision": Choices({Decision.PENDING.value: ("afventer", "pending"),
                         Decision.APPROVED.value: ("bevilget", "approved"),
                         Decision.REJECTED.value: ("afslået", "rejected")}),
    "place_after_hire": Choices({PlaceAfterHire.REOPENED.value: ("genåbnet", "reopened"),
                                 PlaceAfterHire.DECLINED.value: ("nedlagt", "declined")}),
}
_NEEDS_DECISION = tuple(o.value for o in Outcome if o.needs_decision)


def _words(column: str, codes=None):
    """A coded column's words, as the column table shows them in its language."""
    return lambda language: CHOICES[column].listing(language, codes)


_LABELS = {
    "participant_name": _l("The young person's name"),
    "participant_birth_date": _l("The young person's date of birth"),
    "company_cvr": _l("Company (CVR number)"),
    "job_function_title": _l("Job function"),
    "mentor_email": _l("Mentor's e-mail"),
    "mentor_name": _l("Mentor's name"),
}
_HELP = {
    "participant_name": _l("As registered in the service; with the date of birth it must name exactly one young "
                           "person of the partnership."),
    "participant_birth_date": _l("YYYY-MM-DD (also DD-MM-YYYY)."),
    "measured_on": _l("YYYY-MM-DD (also DD-MM-YYYY); not in the future, not before the young person turned 15 "
                       "and not more than three months before their course started."),
    **{key: _l("A whole number from 1 to 10.") for key in PARAMETER_KEYS},
    "comment": _l("Free text; may be empty."),
    "company_cvr": _l("The CVR number of a company already in the partnership's network."),
    "job_function_title": _l("The title of one of the company's job functions."),
    "mentor_email": _l("The e-mail address of one of the company's mentors. Empty: the mentor's name, or else "
                       "the job function's mentor."),
    "mentor_name": _l("The name of one of the company's mentors, when there is no e-mail."),
    "start_date": _l("YYYY-MM-DD (also DD-MM-YYYY); not in the future, not before the young person's course "
                     "started."),
    "planned_weeks": _l("1 to 260. Empty: 26."),
    "weekly_hours": _l("1 to 40. Empty: 15."),
    "state": lambda language: _("The internship's state: %(words)s.", words=_words("state")(language)),
    "ended_on": _l("For an ended internship: its last day; not before the start date, not in the future."),
    "outcome": lambda language: _("For an ended internship: %(words)s.", words=_words("outcome")(language)),
    "outcome_hours": _l("For a hire: the job's hours per week, 1 to 40."),
    "outcome_start": _l("For a hire: the day the job started; not before the start date, not in the future."),
    "not_hired_reason": lambda language: _("For %(outcome)s: %(words)s.", words=_words("not_hired_reason")(language),
                                           outcome=CHOICES["outcome"].word(Outcome.NOT_HIRED, language)),
    "decision": lambda language: _("For %(outcomes)s: %(words)s. Empty: %(default)s.",
                                   outcomes=_words("outcome", _NEEDS_DECISION)(language),
                                   words=_words("decision")(language),
                                   default=CHOICES["decision"].word(Decision.PENDING, language)),
    "decision_date": _l("For an approved or rejected decision: its date; not before the start date, not in the "
                        "future."),
    "place_after_hire": lambda language: _("For a hire: %(words)s, or empty (not recorded yet).",
                                           words=_words("place_after_hire")(language)),
}
for _month, (_status, _hours, _reason) in CHECK_COLUMNS.items():
    _LABELS.update({
        _status: lazy_ngettext("Still employed %(num)s month after the job started",
                               "Still employed %(num)s months after the job started", _month),
        _hours: lazy_ngettext("Hours per week %(num)s month after the job started",
                              "Hours per week %(num)s months after the job started", _month),
        _reason: lazy_ngettext("Why the job ended, %(num)s month after it started",
                               "Why the job ended, %(num)s months after it started", _month)})
    _HELP.update({
        _status: lambda language, month=_month: ngettext(
            "For a hire: was the young person still in the job %(num)s month after it started? %(words)s. Empty: "
            "not known (the check stays due in the service). Not for a check that is not due yet.",
            "For a hire: was the young person still in the job %(num)s months after it started? %(words)s. Empty: "
            "not known (the check stays due in the service). Not for a check that is not due yet.",
            month, words=CHECK_CHOICES.listing(language)),
        _hours: lambda language: _("When still employed: the weekly hours, 1 to 40. Empty: the job's hours "
                                   "(%(column)s).",
                                   column=column_name(COLUMNS[INTERNSHIPS], "outcome_hours", language)),
        _reason: _l("When no longer employed: why the job ended (required then)."),
    })


def column_help(kind: str, language: str) -> list[ColumnHelp]:
    """Describe a kind's columns for the import page in a language."""
    return _column_help(_FORMS[kind], COLUMNS[kind], REQUIRED[kind], language, labels=_LABELS,
                        descriptions=_HELP)


class _Importer:
    """Validate every row first (collecting every error), then create them all."""

    def __init__(self, kind: str, partnership: Partnership, report: ImportReport, user: User | None):
        self.kind = kind
        self.partnership = partnership
        self.report = report
        self.user = user
        self.today = sanity.today()  # the service's Danish date: history ends there
        self._people: dict[tuple[str, object], list[Participant]] | None = None
        self._companies: dict[str, Company] | None = None
        self._existing: set[tuple] | None = None
        self._seen: dict[tuple, int] = {}
        #: What to create, in file order: (line, participant, data, job function, mentor).
        self.valid: list[tuple[int, Participant, dict, JobFunction | None, Mentor | None]] = []
        #: The job checks' answers of an internship's line, by line.
        self.answers: dict[int, dict[int, CheckAnswer]] = {}

    # The young person ---------------------------------------------------------------------------------------

    def _participant(self, row: Row) -> Participant | None:
        form = bound_form(ParticipantRefForm, row_formdata(row, ParticipantRefForm, _REF, flags=()))
        if not form.validate():
            for name, messages in form.errors.items():
                for message in messages:
                    row.error(name, message)
            return None
        if self._people is None:  # one query per import, not one per row
            stmt = select(Participant).where(Participant.partnership_id == self.partnership.id)
            if self.user is not None:
                stmt = participant_scope_for(self.user, stmt, Participant)
            self._people = {}
            for person in db.session.scalars(stmt):
                self._people.setdefault((normalise(person.name), person.date_of_birth), []).append(person)
        name, born = form.participant_name.data.strip(), form.participant_birth_date.data
        found = self._people.get((normalise(name), born), [])
        if not found:
            where = _("among the young people you work on") if self.user is not None else _("in the partnership")
            row.error("participant_name", _("No young person named %(name)s and born %(born)s was found %(where)s.",
                                            name=name, born=day_text(born), where=where))
            return None
        if len(found) > 1:
            row.error("participant_name", _(
                "%(count)s young people are named %(name)s and born %(born)s, so the line cannot say which one is "
                "meant. Tell them apart in the service first (for example by a middle name).", count=len(found),
                name=name, born=day_text(born)))
            return None
        return found[0]

    # The workplace ------------------------------------------------------------------------------------------

    def _workplace(self, row: Row) -> tuple[JobFunction | None, Mentor | None]:
        cvr = normalise_cvr(row.values.get("company_cvr", ""))
        title = row.values.get("job_function_title", "")
        if not cvr:
            row.error("company_cvr", _("This field is required."))
        if not title:
            row.error("job_function_title", _("This field is required."))
        if not cvr:
            return None, None
        if self._companies is None:
            stmt = (select(Company).where(Company.partnership_id == self.partnership.id)
                    .options(selectinload(Company.mentors), selectinload(Company.job_functions)))
            self._companies = {c.cvr: c for c in db.session.scalars(stmt)}
        company = self._companies.get(cvr)
        if company is None:
            row.error("company_cvr", _("No company with CVR number %(cvr)s in the partnership's network.", cvr=cvr))
            return None, None
        jobs = [j for j in company.job_functions if normalise(j.title) == normalise(title)] if title else []
        if title and not jobs:
            row.error("job_function_title", _("%(company)s has no job function called %(title)s.",
                                              company=company.name, title=title))
        elif len(jobs) > 1:
            row.error("job_function_title", _("%(company)s has %(count)s job functions called %(title)s; rename "
                                              "one in the service first.", company=company.name,
                                              count=len(jobs), title=title))
        job = jobs[0] if len(jobs) == 1 else None
        return job, self._mentor(row, company, job)

    def _mentor(self, row: Row, company: Company, job: JobFunction | None) -> Mentor | None:
        email, name = row.values.get("mentor_email", ""), row.values.get("mentor_name", "")
        if email:
            mentor = next((m for m in company.mentors if m.email and m.email.casefold() == email.casefold()), None)
            if mentor is None:
                row.error("mentor_email", _("%(email)s is not a mentor of this company.", email=email))
            elif name and normalise(name) != normalise(mentor.name):
                row.error("mentor_name", _("The mentor with the e-mail %(email)s is called %(name)s.", email=email,
                                           name=mentor.name))
            return mentor
        if name:
            mentors = [m for m in company.mentors if normalise(m.name) == normalise(name)]
            if not mentors:
                row.error("mentor_name", _("%(name)s is not a mentor of this company.", name=name))
            elif len(mentors) > 1:
                row.error("mentor_name", _("The company has %(count)s mentors called %(name)s; give the mentor's "
                                           "e-mail instead.", count=len(mentors), name=name))
            return mentors[0] if len(mentors) == 1 else None
        if job is not None and job.mentor is None:
            row.error("mentor_email", _("Give the mentor's e-mail or name: the job function has no mentor."))
        return job.mentor if job is not None else None

    # One row per kind ---------------------------------------------------------------------------------------

    def _once(self, row: Row, key: tuple, column: str, registered, repeated) -> None:
        """Refuse a line that repeats a registered record or an earlier line of the file."""
        if key in self._existing:
            row.error(column, registered)
        first = self._seen.setdefault(key, row.line)
        if first != row.line:
            row.error(column, repeated(first))

    def measurements(self, row: Row) -> None:
        form = bound_form(MeasurementForm, row_formdata(row, MeasurementForm, _FORM_FIELDS[MEASUREMENTS], flags=()),
                          today=self.today)
        data = validate(row, form)
        participant = self._participant(row)
        if data is None or participant is None:
            return
        problem = services.measurement_day_problem(participant, data["measured_on"], self.today)
        if problem is not None:
            row.error("measured_on", problem)
            return
        if self._existing is None:
            self._existing = {tuple(r) for r in db.session.execute(
                select(Measurement.participant_id, Measurement.measured_on).join(Measurement.participant)
                .where(Participant.partnership_id == self.partnership.id))}
        day = data["measured_on"]
        self._once(row, (participant.id, day), "measured_on",
                   _("%(name)s already has a measurement on %(day)s.", name=participant.name, day=day_text(day)),
                   lambda line: _("%(name)s is measured on %(day)s on line %(line)s too.", name=participant.name,
                                  day=day_text(day), line=line))
        if not row.errors:
            self.valid.append((row.line, participant, data, None, None))

    def internships(self, row: Row) -> None:
        formdata = row_formdata(row, InternshipHistoryForm, _FORM_FIELDS[INTERNSHIPS], flags=())
        for name, choices in CHOICES.items():
            if formdata.get(name):
                code = choices.read(formdata[name])
                if code is None:  # refused here, in words the file may use; the form does not refuse it again
                    row.error(name, _("Use %(words)s.", words=choices.listing(csv_language())))
                else:
                    formdata[name] = code
        form = bound_form(InternshipHistoryForm, formdata, today=self.today)
        data = validate(row, form)
        answers = self._answers(row)
        participant = self._participant(row)
        job, mentor = self._workplace(row)
        if data is None:
            return
        found = history.problems(data)
        for name, message in found:
            row.error(name, message)
        if answers and not found:
            for answer in answers.values():  # still employed, no hours given: the job's hours
                if answer["status"] is Employment.EMPLOYED and answer["hours"] is None:
                    answer["hours"] = data["outcome_hours"]
            self.answers[row.line] = {month: CheckAnswer(**answer) for month, answer in answers.items()}
            for month, field, message in history.check_problems(data, self.answers[row.line], self.today):
                row.error(CHECK_COLUMNS[month][("status", "hours", "reason").index(field)], message)
        if participant is not None and (problem := sanity.internship_course_problem(participant.course_start,
                                                                                    data["start_date"])):
            row.error("start_date", problem)
        if participant is None or job is None or mentor is None or row.errors:
            return
        if self._existing is None:
            self._existing = {tuple(r) for r in db.session.execute(
                select(Agreement.participant_id, Agreement.job_function_id, Agreement.start_date)
                .where(Agreement.partnership_id == self.partnership.id))}
        start = data["start_date"]
        self._once(row, (participant.id, job.id, start), "start_date",
                   _("This internship is registered already: %(name)s as %(title)s from %(day)s.",
                     name=participant.name, title=job.title, day=day_text(start)),
                   lambda line: _("The same internship is on line %(line)s too.", line=line))
        if not row.errors:
            self.valid.append((row.line, participant, data, job, mentor))

    def _answers(self, row: Row) -> dict[int, dict]:
        """Read a line's job checks (month → status, hours, reason); refuse words and numbers it cannot read."""
        answers: dict[int, dict] = {}
        for month, (status_key, hours_key, reason_key) in CHECK_COLUMNS.items():
            cell, hours_cell = row.values.get(status_key, ""), row.values.get(hours_key, "")
            reason = row.values.get(reason_key, "")
            hours = None
            if hours_cell:
                try:
                    hours = int(hours_cell)
                except ValueError:
                    row.error(hours_key, _("Give the weekly hours as a whole number from 1 to 40."))
            if not cell:
                if hours_cell or reason:
                    row.error(status_key, _("Say whether the young person was still in the job: %(words)s.",
                                            words=CHECK_CHOICES.listing(csv_language())))
                continue
            code = CHECK_CHOICES.read(cell)
            if code is None:
                row.error(status_key, _("Use %(words)s.", words=CHECK_CHOICES.listing(csv_language())))
                continue
            answers[month] = {"status": Employment(code), "hours": hours, "reason": reason}
        return answers

    # Creating -----------------------------------------------------------------------------------------------

    def create(self) -> int:
        actor = Actor(self.user, self.user.name if self.user else "import (cli)", False)
        for line, participant, data, job, mentor in self.valid:
            if self.kind == MEASUREMENTS:
                services.record_measurement(participant, data, self.user)
                continue
            try:
                history.import_agreement(participant, job, mentor, data, actor, answers=self.answers.get(line),
                                         today=self.today)
            except AgreementError as error:  # checked already; kept so that nothing half-made is committed
                self.report.errors.append(RowError(line, "", str(error)))
                return 0
        db.session.flush()
        return len(self.valid)


def import_csv(kind: str, stream_or_text, partnership: Partnership, *, user: User | None = None,
               progress: Callable[[int], object] | None = None) -> ImportReport:
    """Import a history file of one kind into a partnership, all or nothing; the caller commits (or rolls back).

    ``user``: who imports through the page; only the young people they work on are matched, and they are
    named as the recorder. ``progress`` is called with the physical lines consumed as the rows are read.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    report = ImportReport(kind)
    importer = _Importer(kind, partnership, report, user)
    read_rows(stream_or_text, COLUMNS[kind], REQUIRED[kind], report, getattr(importer, kind), progress)
    if report.errors:
        return report
    report.imported = importer.create()
    return report


#: Examples that import after the network's and the young people's example files (the same names and CVR); coded
#: values are given by code and written in the file's language.
_EXAMPLE_PERSON = {"participant_name": "Eksempel Jensen", "participant_birth_date": "2001-05-17"}
_EXAMPLES = {
    MEASUREMENTS: [
        {**_EXAMPLE_PERSON, "measured_on": "2024-08-01", "motivation": 4, "work_identity": 3, "clarification": 5,
         "knowledge": 4, "comment": "Første måling, ved forløbets start."},
        {**_EXAMPLE_PERSON, "measured_on": "2025-02-03", "motivation": 5, "work_identity": 3, "clarification": 7,
         "knowledge": 5, "comment": "Efter praktik på lageret."},
    ],
    INTERNSHIPS: [
        {**_EXAMPLE_PERSON, "company_cvr": "12345674", "job_function_title": "Lagermedarbejder",
         "mentor_email": "anne@example.dk", "start_date": "2024-09-02", "planned_weeks": 13, "weekly_hours": 10,
         "state": "ended", "ended_on": "2024-11-29", "outcome": "not_hired", "not_hired_reason": "another_internship"},
        {**_EXAMPLE_PERSON, "company_cvr": "12345674", "job_function_title": "Lagermedarbejder",
         "mentor_email": "anne@example.dk", "start_date": "2025-01-06", "planned_weeks": 26, "weekly_hours": 15,
         "state": "ended", "ended_on": "2025-06-27", "outcome": "flex_job", "outcome_hours": 20,
         "outcome_start": "2025-07-01", "decision": "approved", "decision_date": "2025-06-20",
         "place_after_hire": "reopened", "employed_after_1_month": "employed",
         "employed_after_3_months": "employed", "hours_after_3_months": 25, "employed_after_6_months": "unknown"},
    ],
}


def _cell(key: str, value, language: str) -> object:
    choices = CHOICES.get(key) or (CHECK_CHOICES if key in _CHECK_STATUS_KEYS else None)
    return choices.word(value, language) if choices is not None and value != "" else value


def example_csv(kind: str, language: str = DANISH) -> str:
    """Return an example file of a kind in a language (``;``, UTF-8 with byte-order mark)."""
    return write_csv(column_names(COLUMNS[kind], language),
                     [[_cell(key, row.get(key, ""), language) for key in COLUMNS[kind]] for row in _EXAMPLES[kind]])
