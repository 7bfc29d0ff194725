"""Forms for meetings, their actions and status notes. The rules live in ``services``; the forms show a problem on
its field. Forms that change a versioned record carry the version the user saw."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, RadioField, SelectField, StringField, TextAreaField, TimeField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import HiddenInput

from placement import sanity
from placement.course import services
from placement.course.models import MeetingKind
from placement.forms import BaseForm
from placement.locking import version_field
from placement.participants.forms import DATE_FORMATS, MultiCheckboxField

TEXT = 20000


def _required_version():
    return IntegerField(widget=HiddenInput(), validators=[InputRequired()])


class MeetingForm(BaseForm):
    """A status or network meeting: when, where, who, the agenda and (afterwards) the minutes."""

    kind = RadioField(_l("Kind of meeting"), validators=[InputRequired()],
                      choices=[SelectChoice(k.value, k.label) for k in MeetingKind])
    held_on = DateField(_l("Date"), format=DATE_FORMATS, validators=[InputRequired(), sanity.course_date_window()])
    starts_at = TimeField(_l("Time"), format=["%H:%M", "%H.%M"], validators=[InputRequired()],
                          description=_l("e.g. 10:00"))
    duration_minutes = IntegerField(_l("Length (minutes)"), default=60,
                                    validators=[InputRequired(), NumberRange(15, 480)])
    place = StringField(_l("Place"), validators=[Optional(), Length(max=200)],
                        description=_l("Where the meeting is held, e.g. the job centre, meeting room 2."))
    user_ids = MultiCheckboxField(_l("Participants from the case"), coerce=int)
    mentor_ids = MultiCheckboxField(_l("Mentors"), coerce=int)
    others = TextAreaField(_l("Other participants"), validators=[Optional(), Length(max=5000)],
                           description=_l('One per line, as "name, role", e.g. "Mikkel, the young person" or '
                                          '"Hanne Berg, psychologist".'))
    agenda = TextAreaField(_l("Agenda"), validators=[Optional(), Length(max=TEXT)])
    minutes = TextAreaField(_l("Minutes"), validators=[Optional(), Length(max=TEXT)],
                            description=_l("What was said and decided; the agreed actions are added below the "
                                           "meeting, each with an owner and a deadline."))
    version = version_field()

    def __init__(self, *args, users=(), mentors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.user_ids.choices = [SelectChoice(u.id, f"{u.name} ({u.role.label})") for u in users]
        self.mentor_ids.choices = [SelectChoice(m.id, f"{m.name} ({m.company.name})") for m in mentors]

    def validate_others(self, field) -> None:
        try:
            services.parse_others(field.data or "")
        except services.CourseError as error:
            raise ValidationError(str(error)) from error


class ActionForm(BaseForm):
    """An action agreed in a meeting: what, the owner (a user or another person by name) and the deadline."""

    text = TextAreaField(_l("Action"), validators=[InputRequired(), Length(max=2000)])
    owner_id = SelectField(_l("Owner (a user of the service)"), coerce=lambda v: int(v) if v else None,
                           validators=[Optional()])
    owner_name = StringField(_l("… or another person (name)"), validators=[Optional(), Length(max=120)],
                             description=_l("e.g. the mentor or the young person, when no user owns it."))
    deadline = DateField(_l("Deadline"), format=DATE_FORMATS,
                         validators=[InputRequired(message=_l("An action needs a deadline.")),
                                     sanity.course_date_window()])

    def __init__(self, *args, owners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.owner_id.choices = [SelectChoice("", _l("— another person —"))] + [
            SelectChoice(u.id, f"{u.name} ({u.role.label})") for u in owners]

    def validate(self, extra_validators=None) -> bool:
        # The owner is one of two fields (both optional on their own): checked here, shown on the name's field.
        valid = super().validate(extra_validators)
        has_user, has_name = self.owner_id.data is not None, bool((self.owner_name.data or "").strip())
        if not has_user and not has_name:
            self.owner_name.errors.append(_l("An action needs an owner: choose one of the service's users or "
                                             "write the name of another person."))
        elif has_user and has_name:
            self.owner_name.errors.append(_l("Choose a user or write another person's name as the owner, not both."))
        else:
            return valid
        return False


class DoneForm(BaseForm):
    """Mark an action done (the button alone)."""


class PrepareNoteForm(BaseForm):
    """Prepare the draft status note of one period."""

    number = IntegerField(widget=HiddenInput(), validators=[InputRequired(), NumberRange(1, 100)])


class NoteTextForm(BaseForm):
    """The status note's text, changed on the version the user saw."""

    text = TextAreaField(_l("The status note"), validators=[InputRequired(), Length(max=TEXT)],
                         description=_l("Drafted by the service from the period's records: rewrite it in your own "
                                        "words. The documentation below is attached to the note."))
    version = version_field()


class NoteStepForm(BaseForm):
    """Mark final, or share with the caseworker: the version seen."""

    version = _required_version()
