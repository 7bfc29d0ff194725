"""The staff's forms for agreements: the plan (the seven questions of the report's section 8.6) and each step.

Every form that changes an agreement carries the version the user saw (a hidden field): the services refuse a
change made on a page that is no longer current. The rules of a step (what a hire needs, which step is allowed
now, which dates make sense) live in ``services``; the forms check the values a user types against the same
rules (given the agreement), so a page can show the problem on its field.
"""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, IntegerField, RadioField, SelectField, TextAreaField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from placement import sanity
from placement.agreements import services
from placement.agreements.models import Decision, NotHiredReason, Outcome, PlaceAfterHire, State
from placement.agreements.plans import PLACE_LABELS, parse_goals
from placement.forms import BaseForm
from placement.participants.forms import DATE_FORMATS

TEXT = 5000


def _text(label, description=None):
    return TextAreaField(label, description=description, validators=[Optional(), Length(max=TEXT)])


def _version():
    return IntegerField(widget=HiddenInput(), validators=[InputRequired()])


def _check(problem: str | None) -> None:
    if problem:
        raise ValidationError(problem)


class _IdPrefixed(BaseForm):
    """A form shown next to others on one page: its fields get ids of their own (names stay plain).

    ``agreement``: the agreement the step is taken on; the date rules of ``services`` are checked against it.
    """

    def __init__(self, *args, id_prefix: str = "", agreement=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.agreement = agreement
        if id_prefix:
            for field in self:
                field.id = field.label.field_id = f"{id_prefix}-{field.name}"


class ChooseForm(BaseForm):
    """The first step of a direct agreement: which young person, which job function (ids in the query)."""

    class Meta:
        csrf = False  # a GET form that changes nothing

    participant_id = SelectField(_l("Young person"), coerce=int, validators=[InputRequired()])
    job_function_id = SelectField(_l("Job function"), coerce=int, validators=[InputRequired()])


class AgreementForm(BaseForm):
    """The plan. A draft may be saved incomplete; it goes to the mentor only when every question is answered."""

    mentor_id = SelectField(_l("Mentor"), coerce=int, validators=[InputRequired()],
                            description=_l("The company's mentor who guides the young person."))
    start_date = DateField(_l("Start date"), format=DATE_FORMATS,
                         validators=[InputRequired(), sanity.course_date_window()])
    planned_weeks = IntegerField(_l("Planned length (weeks)"), default=26,
                                 validators=[InputRequired(), NumberRange(1, 260)],
                                 description=_l("Long internships work best; most run 13 to 52 weeks."))
    weekly_hours = IntegerField(_l("Hours per week"), default=15, validators=[InputRequired(), NumberRange(1, 40)])
    schedule = _text(_l("Schedule"), _l("Which days and times, e.g. Monday to Thursday 8–12."))
    purpose = _text(_l("1. What is the purpose of the internship?"))
    tasks = _text(_l("2. Which job functions and tasks can the young person take on?"))
    works_with = _text(_l("3. Who will the young person work with?"))
    meeting = _text(_l("4. Where and when does the young person meet, and what are the working hours?"),
                    _l("Where to meet, whom to ask for and how to get there. The days and times go under Schedule "
                       "above; write here only what differs on the first day."))
    support = _text(_l("5. What is the young person's support need?"),
                    _l("Only what the mentor needs to know to support the work. No diagnoses."))
    goals = _text(_l("6. What are the goals and sub-goals?"),
                  _l("Write goals so the young person can understand them. One goal per line; a line starting "
                     "with “-” is a sub-goal of the goal above it."))
    follow_up_plan = _text(_l("7. When and how do we follow up?"))
    follow_up_weeks = IntegerField(_l("Weeks between follow-up meetings"), default=4,
                                   validators=[InputRequired(), NumberRange(1, 26)])
    hours_reason = TextAreaField(_l("Why these hours"), validators=[Optional(), Length(max=TEXT)],
                                 description=_l("Needed when the hours per week are outside the job function's "
                                                "offer or the young person's wish; kept on the timeline."))
    #: Only when editing: the version of the plan the user changes.
    version = IntegerField(widget=HiddenInput(), validators=[Optional()])

    def __init__(self, *args, mentors=(), job_function=None, participant=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.mentor_id.choices = [SelectChoice(m.id, m.name) for m in mentors]
        self.job_function, self.participant = job_function, participant

    def hours_problem(self) -> str | None:
        """How the hours typed stray from the offer and the wish (shown as a warning), or None."""
        if self.job_function is None or self.participant is None or self.weekly_hours.data is None:
            return None
        return services.hours_problem(self.weekly_hours.data, self.job_function, self.participant)

    def validate_weekly_hours(self, field) -> None:
        problem = self.hours_problem()
        if problem and not (self.hours_reason.data or "").strip():
            raise ValidationError(_l("%(problem)s Give the reason below, or change the hours.", problem=problem))

    def validate_goals(self, field) -> None:
        try:
            parse_goals(field.data or "")
        except ValueError as error:
            raise ValidationError(str(error)) from error


class AgreementEditForm(AgreementForm):
    """The plan of a draft, changed on the version the user saw."""

    version = _version()


class StepForm(_IdPrefixed):
    """Send, start or cancel: the version seen and an optional comment for the timeline."""

    version = _version()
    comment = TextAreaField(_l("Comment (optional)"), validators=[Optional(), Length(max=TEXT)])


class StartForm(StepForm):
    """Start the internship on its actual first day (today by default)."""

    started_on = DateField(_l("First day of the internship"), format=DATE_FORMATS,
                           validators=[Optional(), sanity.course_date_window()],
                           description=_l("When it started on another day than planned."))

    def validate_started_on(self, field) -> None:
        if self.agreement is not None and field.data is not None:
            _check(services.started_on_problem(self.agreement, field.data))


#: The outcomes that are a hire (``Outcome.is_hire``), by value.
HIRES = frozenset(o.value for o in Outcome if o.is_hire)


class EndForm(_IdPrefixed):
    version = _version()
    ended_on = DateField(_l("Last day of the internship"), format=DATE_FORMATS,
                         validators=[InputRequired(), sanity.course_date_window()])
    outcome = RadioField(_l("Outcome"), validators=[InputRequired()],
                         choices=[SelectChoice(o.value, o.label) for o in Outcome])
    outcome_hours = IntegerField(_l("Hours per week in the job"), validators=[Optional(), NumberRange(1, 40)],
                                 description=_l("For a hire."))
    outcome_start = DateField(_l("The job starts"), format=DATE_FORMATS,
                         validators=[Optional(), sanity.course_date_window()],
                              description=_l("For a hire."))
    not_hired_reason = SelectField(_l("Why not hired"), default="", validators=[Optional()],
                                   choices=[SelectChoice("", _l("– for an internship without a hire –")),
                                            *(SelectChoice(r.value, r.label) for r in NotHiredReason)])
    comment = TextAreaField(_l("Comment (optional)"), validators=[Optional(), Length(max=TEXT)])
    dates_checked = BooleanField(_l("The dates are right"))

    def validate_ended_on(self, field) -> None:
        if self.agreement is not None and field.data is not None:
            _check(services.ended_on_problem(self.agreement, field.data))

    def validate_outcome_start(self, field) -> None:
        if self.agreement is not None and self.outcome.data in HIRES:
            _check(sanity.job_start_problem(self.agreement.start_date, field.data))

    def unusual_end(self) -> str | None:
        """A hire within the internship's first week is most often a typing error: say so, or None."""
        if self.agreement is None or self.agreement.state is not State.ACTIVE or self.ended_on.data is None \
                or self.outcome.data not in HIRES:
            return None
        days = (self.ended_on.data - self.agreement.start_date).days
        if 0 <= days < 7:
            return _l("The internship ends %(days)s days after it started, with a hire (%(outcome)s). Check the "
                      "last day; if it is right, tick “The dates are right”.", days=days,
                      outcome=Outcome(self.outcome.data).label)
        return None

    def validate(self, extra_validators=None) -> bool:
        """Check the fields, then what the outcome needs: a hire its hours and start, no hire its reason."""
        valid = super().validate(extra_validators)
        outcome = self.outcome.data
        if outcome not in {o.value for o in Outcome}:
            return valid
        if not self.ended_on.errors and not self.dates_checked.data and (unusual := self.unusual_end()):
            self.ended_on.errors = [*self.ended_on.errors, unusual]
            valid = False
        needs = ((self.outcome_hours, _l("A hire needs the weekly hours of the job.")),
                 (self.outcome_start, _l("A hire needs the start date of the job."))) if Outcome(outcome).is_hire \
            else ((self.not_hired_reason, _l("Say why the internship did not end in a hire.")),)
        for field, message in needs:
            if not field.errors and not field.data:
                field.errors = [*field.errors, message]
                valid = False
        return valid

    def values(self) -> dict:
        data = super().values()
        data["outcome"] = Outcome(data["outcome"])
        data["not_hired_reason"] = NotHiredReason(data["not_hired_reason"]) if data["not_hired_reason"] else None
        return data


class DecisionForm(_IdPrefixed):
    version = _version()
    decision = RadioField(_l("The job centre's decision"), validators=[InputRequired()],
                          choices=[SelectChoice(d.value, d.label) for d in (Decision.APPROVED, Decision.REJECTED)])
    decided_on = DateField(_l("Date of the decision"), format=DATE_FORMATS,
                         validators=[InputRequired(), sanity.course_date_window()])
    comment = TextAreaField(_l("Comment (optional)"), validators=[Optional(), Length(max=TEXT)])

    def validate_decided_on(self, field) -> None:
        if self.agreement is not None and field.data is not None:
            _check(services.decided_on_problem(self.agreement, field.data))


class PlaceForm(_IdPrefixed):
    version = _version()
    choice = RadioField(_l("What became of the internship place?"), validators=[InputRequired()],
                        choices=[SelectChoice(p.value, PLACE_LABELS[p]) for p in PlaceAfterHire])
    comment = TextAreaField(_l("Comment (optional)"), validators=[Optional(), Length(max=TEXT)])


class OverrideForm(_IdPrefixed):
    version = _version()
    reason = TextAreaField(_l("Why the place can be taken anyway"), validators=[InputRequired(), Length(max=TEXT)])


class ExtensionForm(_IdPrefixed):
    version = _version()
    until = DateField(_l("Extended until"), format=DATE_FORMATS,
                         validators=[InputRequired(), sanity.course_date_window()])
    reason = TextAreaField(_l("Reason"), validators=[InputRequired(), Length(max=TEXT)])

    def validate_until(self, field) -> None:
        if self.agreement is not None and field.data is not None:
            _check(services.extension_problem(self.agreement, field.data))


class FollowUpForm(_IdPrefixed):
    version = _version()
    held_on = DateField(_l("Held on"), format=DATE_FORMATS,
                         validators=[InputRequired(), sanity.course_date_window()])
    note = TextAreaField(_l("What we talked about"), validators=[InputRequired(), Length(max=TEXT)])
    next_step = TextAreaField(_l("Next step"), validators=[Optional(), Length(max=TEXT)])

    def validate_held_on(self, field) -> None:
        if self.agreement is not None and field.data is not None:
            _check(services.follow_up_date_problem(self.agreement, field.data))


class MoveFollowUpForm(_IdPrefixed):
    """Move one follow-up meeting: ``planned`` names it by the day the plan gives (hidden), ``to`` the new day."""

    version = _version()
    planned = DateField(_l("Planned day"), format=DATE_FORMATS, widget=HiddenInput(), validators=[InputRequired()])
    to = DateField(_l("Move to"), format=DATE_FORMATS, validators=[InputRequired(), sanity.course_date_window()])


class GoalForm(_IdPrefixed):
    version = _version()
