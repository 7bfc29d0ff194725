"""The purpose asked before opening a record one is not named on, or before a bulk export."""

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, ValidationError

from placement.audit.reads import CHOOSABLE, Purpose
from placement.forms import BaseForm


class PurposeForm(BaseForm):
    purpose = RadioField(_l("Purpose"), choices=[SelectChoice(p.value, p.label) for p in CHOOSABLE],
                         validators=[InputRequired(_l("Choose the purpose of opening the record."))])
    note = TextAreaField(_l("In your own words"), validators=[Length(max=500)],
                         description=_l('Required for "Other". Write no personal details here.'))
    next = HiddenField()

    def validate_note(self, field) -> None:
        if self.purpose.data == Purpose.OTHER and not (field.data or "").strip():
            raise ValidationError(_l('Describe the purpose in your own words when you choose "Other".'))
