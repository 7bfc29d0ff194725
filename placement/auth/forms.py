from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from wtforms import EmailField, PasswordField, RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length

from placement.auth.models import DEFAULT_TOKEN_LIFETIME_DAYS, TOKEN_LIFETIME_DAYS, TokenScope
from placement.forms import BaseForm


class LoginForm(BaseForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(check_deliverability=False)])
    password = PasswordField(_l("Password"), validators=[DataRequired()])


class ApiTokenForm(BaseForm):
    name = StringField(_l("Name of the token"), validators=[DataRequired(), Length(max=80)],
                       description=_l("What the token is for, e.g. “Spreadsheet sync”."))
    days = SelectField(_l("Expires after"), coerce=int, default=DEFAULT_TOKEN_LIFETIME_DAYS,
                       choices=[SelectChoice(days, lazy_ngettext("%(num)d day", "%(num)d days", days))
                                for days in TOKEN_LIFETIME_DAYS],
                       validators=[InputRequired()],
                       description=_l("No token lives for ever: make a new one when it expires."))
    scope = RadioField(_l("The token may"), default=TokenScope.READ.value, validators=[InputRequired()],
                       choices=[SelectChoice(TokenScope.READ.value, _l("Only read (GET)")),
                                SelectChoice(TokenScope.READ_WRITE.value, _l("Read and make changes"))])
