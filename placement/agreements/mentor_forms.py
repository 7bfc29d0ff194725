"""The mentor's answer to a plan: confirm, ask for changes (with a comment) or decline.

Kept apart from the staff forms (``placement.agreements.forms``): the mentor's pages are a different audience,
often without an account.
"""

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, IntegerField, RadioField, TextAreaField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length
from wtforms.widgets import HiddenInput

from placement.agreements.services import MENTOR_ANSWERS
from placement.forms import BaseForm

ANSWER_LABELS = {
    "confirm": _l("Confirm the plan"),
    "request_changes": _l("Ask for changes"),
    "decline": _l("Decline"),
}


class MentorAnswerForm(BaseForm):
    """The three answers are buttons named ``answer``; the version makes a stale page fail, not overwrite."""

    answer = RadioField(_l("Your answer"), validators=[InputRequired()],
                        choices=[SelectChoice(answer, ANSWER_LABELS[answer]) for answer in MENTOR_ANSWERS])
    comment = TextAreaField(_l("Comment"), validators=[Length(max=4000)],
                            description=_l("Needed when you ask for changes: say what should change."))
    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
    #: "yes" once the mentor has confirmed that they decline (declining is irreversible and takes a second step).
    decline_confirmed = HiddenField()

    def validate_comment(self, field) -> None:
        if self.answer.data == "request_changes" and not (field.data or "").strip():
            raise ValidationError(_l("Say which changes are needed."))
