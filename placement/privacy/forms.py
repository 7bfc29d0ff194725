"""Forms of the privacy pages: a consent event, an anonymisation request, an erasure."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, ValidationError

from placement.forms import BaseForm
from placement.participants.forms import DATE_FORMATS
from placement.participants.models import Consent


class ConsentForm(BaseForm):
    state = RadioField(_l("Consent to use the data in statistics"),
                       choices=[SelectChoice(c.value, c.label) for c in Consent],
                       validators=[InputRequired(_l("Choose whether consent was given, declined or withdrawn."))])
    on = DateField(_l("Date"), format=DATE_FORMATS,
                   validators=[InputRequired(_l("Give the date the consent was given, declined or withdrawn."))],
                   description=_l("The day the young person said so."))
    note = TextAreaField(_l("Note"), validators=[Length(max=1000)],
                         description=_l("E.g. how it was given (signed form, in a meeting)."))


class AnonymisationRequestForm(BaseForm):
    reason = TextAreaField(_l("Reason"), validators=[
        InputRequired(_l("Give the reason for the anonymisation.")), Length(max=1000)],
        description=_l("E.g. the young person asked for it. Another coordinator or an administrator confirms."))


class EraseForm(BaseForm):
    record = IntegerField(_l("Record number"), validators=[InputRequired(_l("Type the record number to confirm."))],
                          description=_l("Type the record number to confirm that this record is to be deleted."))

    def __init__(self, *args, participant_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self._participant_id = participant_id

    def validate_record(self, field) -> None:
        if field.data != self._participant_id:
            raise ValidationError(_l("The record number typed is not this record's (%(id)s).",
                                     id=self._participant_id))
