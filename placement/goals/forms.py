"""Forms for the young person's goals (staff), their link, and their self-assessment (the young person's page)."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField, EmailField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import HiddenInput

from placement import sanity
from placement.forms import BaseForm
from placement.goals.models import GoalState
from placement.goals.services import FACES, MAX_SENTENCE, MAX_WORDING, score_problem, wording_problem
from placement.locking import version_field
from placement.participants.forms import DATE_FORMATS

TEXT = 5000


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class GoalForm(BaseForm):
    """A goal in the learning circle's four steps; only the first, in the young person's own words, is required."""

    wording = TextAreaField(_l("1. The goal, in the young person's own words"), filters=[_strip],
                            validators=[Length(max=MAX_WORDING)],
                            description=_l("Write it as the young person says it, in easy words."))
    activities = TextAreaField(_l("2. What we start together"), filters=[_strip], validators=[Length(max=TEXT)])
    activity_owner = StringField(_l("Who takes part"), filters=[_strip], validators=[Length(max=200)])
    activity_due = DateField(_l("By when"), format=DATE_FORMATS,
                             validators=[Optional(), sanity.course_date_window()])
    measure_how = TextAreaField(_l("3. How we measure it together"), filters=[_strip], validators=[Length(max=TEXT)])
    measure_on = DateField(_l("When we measure it together"), format=DATE_FORMATS,
                           validators=[Optional(), sanity.course_date_window()])
    learned = TextAreaField(_l("4. What we learned"), filters=[_strip], validators=[Length(max=TEXT)],
                            description=_l("When the goal is reached or changed: what we learned. Then write "
                                           "the new goal that follows."))

    def validate_wording(self, field) -> None:
        problem = wording_problem(field.data)
        if problem:
            raise ValidationError(problem)


class GoalEditForm(GoalForm):
    version = version_field()


class GoalStateForm(BaseForm):
    """Mark a goal reached, changed, dropped, or active again."""

    state = SelectField(_l("New state"), validators=[InputRequired()],
                        choices=[SelectChoice(s.value, s.label) for s in GoalState])
    comment = TextAreaField(_l("Why (for the history)"), filters=[_strip], validators=[Length(max=1000)])
    version = version_field()


class LinkForm(BaseForm):
    """Give the young person a new link to their own page: shown as a QR code, and e-mailed when an address is
    given (it is not kept beyond the e-mail)."""

    email = EmailField(_l("The young person's e-mail (optional)"), filters=[_strip],
                       validators=[Optional(), Email(check_deliverability=False), Length(max=254)],
                       description=_l("Leave it empty to show the link as a QR code in the meeting only."))


class AssessmentForm(BaseForm):
    """The young person's "How is it going?" for one goal: a face from 1 to 5 and, if they like, a sentence."""

    goal_id = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
    score = RadioField(_l("How is it going?"), coerce=int,
                       choices=[SelectChoice(str(value), str(words)) for value, words in FACES.items()],
                       validate_choice=False)
    sentence = TextAreaField(_l("Do you want to say more? (You do not have to.)"), filters=[_strip],
                             validators=[Length(max=MAX_SENTENCE)])

    def validate_score(self, field) -> None:
        problem = score_problem(field.data)
        if problem:
            raise ValidationError(problem)
