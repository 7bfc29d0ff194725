"""The job check's forms: the staff's answer (or correction) and the mentor's two questions through their link.

The rules an answer keeps live in ``services.answer_problems``; both forms put its messages on their fields, so the
page, the mentor's page and a history import refuse the same answers with the same words.
"""

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from placement.forms import BaseForm, IntegerField
from placement.participants.forms import DATE_FORMATS
from placement.retention.models import Employment, JobCheck
from placement.retention.services import answer_problems

TEXT = 5000
#: The staff's answers: still employed? yes / no / unknown.
STATUS_LABELS = {Employment.EMPLOYED: _l("Yes"), Employment.NOT_EMPLOYED: _l("No"),
                 Employment.UNKNOWN: _l("Unknown (nobody could say)")}


def _put(form: BaseForm, problems: dict[str, str]) -> bool:
    """Put the problems on their fields (a field's own error first; "" on the form); tell whether there were any."""
    for name, message in problems.items():
        if name == "" or name not in form:
            form.problem = message
        elif not form[name].errors:
            form[name].errors = [*form[name].errors, message]
    return not problems


class CheckForm(BaseForm):
    """Record or correct a check's answer: the status, the day it was learnt, the hours or why the job ended."""

    status = RadioField(_l("Still employed?"), validators=[InputRequired(_l("Choose yes, no or unknown."))],
                        choices=[SelectChoice(e.value, label) for e, label in STATUS_LABELS.items()])
    checked_on = DateField(_l("The day you learnt the answer"), format=DATE_FORMATS, validators=[Optional()],
                           description=_l("Not in the future, and not before the job started."))
    hours = IntegerField(_l("Hours per week in the job"), validators=[Optional()],
                         description=_l("Needed when still employed."))
    reason = TextAreaField(_l("Why the job ended"), validators=[Optional(), Length(max=TEXT)],
                           description=_l("Needed when no longer employed."))
    note = TextAreaField(_l("Note (optional)"), validators=[Optional(), Length(max=TEXT)])
    #: When the check was recorded, as the page showed it ("" when not yet): a change meanwhile is not overwritten.
    seen = HiddenField()

    def __init__(self, *args, check: JobCheck, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.check, self.today = check, today
        #: The problem of the whole answer (e.g. the check is not due yet), or None.
        self.problem: str | None = None

    def validate(self, extra_validators=None) -> bool:
        """Check the fields, then the answer against the check's rules."""
        valid = super().validate(extra_validators)
        if self.status.errors or self.status.data not in {e.value for e in Employment}:
            return False
        problems = answer_problems(self.check, status=Employment(self.status.data), checked_on=self.checked_on.data,
                                   hours=self.hours.data, reason=self.reason.data or "", today=self.today)
        return _put(self, problems) and valid

    def answer(self) -> dict:
        """Return the answer as ``services.record`` takes it."""
        return {"status": Employment(self.status.data), "checked_on": self.checked_on.data, "hours": self.hours.data,
                "reason": self.reason.data or "", "note": self.note.data or ""}


class MentorCheckForm(BaseForm):
    """The mentor's two questions: still employed with you? If yes, the weekly hours; if not, why."""

    employed = RadioField(_l("Is the young person still employed with you?"),
                          validators=[InputRequired(_l("Answer yes or no."))],
                          choices=[SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))])
    hours = IntegerField(_l("If yes: hours per week"), validators=[Optional()],
                         description=_l("About how many hours a week, from 1 to 40."))
    reason = TextAreaField(_l("If no: why did the job end?"), validators=[Optional(), Length(max=1000)],
                           description=_l("A short sentence is enough."))

    def __init__(self, *args, check: JobCheck, first_name: str, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.check, self.today = check, today
        self.employed.label.text = _("Is %(name)s still employed with you?", name=first_name)
        self.problem: str | None = None

    def validate(self, extra_validators=None) -> bool:
        """Check the fields, then the answer against the check's rules (answered today)."""
        valid = super().validate(extra_validators)
        if self.employed.errors or self.employed.data not in ("yes", "no"):
            return False
        problems = answer_problems(self.check, status=self.status(), checked_on=self.today, hours=self.hours.data,
                                   reason=self.reason.data or "", today=self.today)
        problems = {{"reason": "reason", "hours": "hours"}.get(name, ""): message for name, message in problems.items()}
        return _put(self, problems) and valid

    def status(self) -> Employment:
        return Employment.EMPLOYED if self.employed.data == "yes" else Employment.NOT_EMPLOYED
