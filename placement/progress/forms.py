"""Forms for progress measurements and for bringing a partnership's history in from CSV.

The same forms validate the page and each line of a CSV file (``placement.progress.csvio``).
"""

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import DateField, IntegerField, RadioField, SelectField, StringField, TextAreaField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from placement import sanity
from placement.agreements.models import Decision, NotHiredReason, Outcome, PlaceAfterHire
from placement.agreements.plans import PLACE_LABELS
from placement.forms import BaseForm
from placement.participants.forms import DATE_FORMATS
from placement.participants.models import Participant
from placement.progress.models import PARAMETERS, SCALE_MAX, SCALE_MIN
from placement.progress.services import measurement_day_problem

TEXT = 5000


def _score(parameter) -> RadioField:
    message = _l("Choose a whole number from %(low)s to %(high)s.", low=SCALE_MIN, high=SCALE_MAX)
    return RadioField(parameter.label, coerce=int, description=parameter.help, validators=[InputRequired()],
                      choices=[SelectChoice(str(v), str(v)) for v in range(SCALE_MIN, SCALE_MAX + 1)],
                      invalid_choice_message=message, invalid_value_message=message)


def check_day(day: date | None, today: date) -> None:
    """Refuse the date of something that has happened when it lies in the future or before 2000."""
    problem = sanity.past_date_problem(day, today)
    if problem:
        raise ValidationError(problem)


class MeasurementForm(BaseForm):
    """The four parameters, scored 1–10 together with the young person."""

    measured_on = DateField(_l("Date of the measurement"), format=DATE_FORMATS, validators=[InputRequired()])
    motivation = _score(PARAMETERS[0])
    work_identity = _score(PARAMETERS[1])
    clarification = _score(PARAMETERS[2])
    knowledge = _score(PARAMETERS[3])
    comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=TEXT)],
                            description=_l("What the young person said, what changed, what comes next."))

    def __init__(self, *args, today: date | None = None, participant: Participant | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self._today = today or sanity.today()
        #: Whose measurement: the date must also fit their age and course (the history import checks it once it
        #: has found the young person, with the same ``measurement_day_problem``).
        self._participant = participant

    def validate_measured_on(self, field) -> None:
        check_day(field.data, self._today)
        if field.data is not None and self._participant is not None:
            problem = measurement_day_problem(self._participant, field.data, self._today)
            if problem is not None:
                raise ValidationError(problem)


REASON = 500


class WithdrawMeasurementForm(BaseForm):
    """Withdraw a measurement recorded by mistake: the reason goes into the audit log."""

    reason = StringField(_l("Reason"), filters=[lambda value: value.strip() if isinstance(value, str) else value],
                         validators=[DataRequired(_l("Give the reason for withdrawing the measurement.")),
                                     Length(max=REASON)])


# History import --------------------------------------------------------------------------------------------------

MEASUREMENTS = "measurements"
INTERNSHIPS = "internships"
KINDS: tuple[str, ...] = (MEASUREMENTS, INTERNSHIPS)
KIND_LABELS = {MEASUREMENTS: _l("Progress measurements"), INTERNSHIPS: _l("Internships with their outcomes")}


class HistoryImportForm(BaseForm):
    kind = RadioField(_l("What the file holds"), validators=[InputRequired()], default=MEASUREMENTS)
    file = FileField(_l("CSV file"), validators=[
        FileRequired(_l("Choose a file.")), FileAllowed(["csv"], _l("Choose a .csv file."))],
        description=_l("UTF-8, separated by semicolons or commas, with the column names in the first line."))

    def __init__(self, *args, kinds: tuple[str, ...] = KINDS, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [SelectChoice(k, KIND_LABELS[k]) for k in kinds]
        if self.kind.data not in kinds and not self.is_submitted():
            self.kind.data = kinds[0]


class ParticipantRefForm(BaseForm):
    """Who a line of a history file is about: young people have no external id, so name and date of birth."""

    participant_name = StringField(_l("The young person's name"), validators=[InputRequired(), Length(max=120)])
    participant_birth_date = DateField(_l("The young person's date of birth"), format=DATE_FORMATS,
                                       validators=[InputRequired()])


def _optional_choice(label, members, empty) -> SelectField:
    return SelectField(label, default="", validators=[Optional()],
                       choices=[SelectChoice("", empty), *(SelectChoice(value, text) for value, text in members)])


def _members(enum_class) -> list[tuple[str, object]]:
    return [(m.value, m.label) for m in enum_class]


class InternshipHistoryForm(BaseForm):
    """One internship of the past or the present, as a line of an import file: are the values well-formed?

    Which combinations are allowed (what a hire needs, which outcome awaits a decision) is checked by
    ``placement.agreements.history``, with the same rules as recording an outcome and a decision.
    """

    start_date = DateField(_l("Start date"), format=DATE_FORMATS, validators=[InputRequired()])
    planned_weeks = IntegerField(_l("Planned length (weeks)"), default=26,
                                 validators=[InputRequired(), NumberRange(1, 260)])
    weekly_hours = IntegerField(_l("Hours per week"), default=15, validators=[InputRequired(), NumberRange(1, 40)])
    state = SelectField(_l("State"), validators=[InputRequired()],
                        choices=[SelectChoice("active", _l("Active")), SelectChoice("ended", _l("Ended"))])
    ended_on = DateField(_l("Last day of the internship"), format=DATE_FORMATS, validators=[Optional()])
    outcome = _optional_choice(_l("Outcome"), _members(Outcome), _l("– none –"))
    outcome_hours = IntegerField(_l("Hours per week in the job"), validators=[Optional(), NumberRange(1, 40)])
    outcome_start = DateField(_l("The job starts"), format=DATE_FORMATS, validators=[Optional()])
    not_hired_reason = _optional_choice(_l("Why not hired"), _members(NotHiredReason), _l("– none –"))
    decision = _optional_choice(_l("The job centre's decision"), _members(Decision), _l("– none –"))
    decision_date = DateField(_l("Date of the decision"), format=DATE_FORMATS, validators=[Optional()])
    place_after_hire = _optional_choice(_l("What became of the internship place?"),
                                        [(p.value, PLACE_LABELS[p]) for p in PlaceAfterHire], _l("– not recorded –"))

    def __init__(self, *args, today: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self._today = today or sanity.today()

    def validate_start_date(self, field) -> None:
        check_day(field.data, self._today)

    def validate_ended_on(self, field) -> None:
        check_day(field.data, self._today)

    def validate_outcome_start(self, field) -> None:
        check_day(field.data, self._today)
        problem = sanity.job_start_problem(self.start_date.data, field.data)
        if problem:
            raise ValidationError(problem)

    def validate_decision_date(self, field) -> None:
        check_day(field.data, self._today)

    def values(self) -> dict:
        data = super().values()
        for name, enum_class in (("outcome", Outcome), ("not_hired_reason", NotHiredReason),
                                 ("decision", Decision), ("place_after_hire", PlaceAfterHire)):
            data[name] = enum_class(data[name]) if data[name] else None
        return data
