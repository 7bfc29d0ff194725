"""Forms for managing users, setting and changing a password, and asking for a reset link."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from placement.auth.models import Role
from placement.auth.services import password_problem
from placement.forms import BaseForm

#: What ``password_problem`` may still answer with a code instead of a sentence.
_PASSWORD_CODES = {"too_short": _l("The password must have at least 10 characters.")}


def password_message(password: str, *, email: str = "", name: str = "") -> str | None:
    """Return why a new password cannot be used, as a sentence for the user, or None."""
    problem = password_problem(password, email=email, name=name)
    if problem is None:
        return None
    return str(_PASSWORD_CODES.get(problem, problem))


def _optional_int(value):
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1  # not a choice: refused by the service with a message on the field


class UserForm(BaseForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)],
                       description=_l("The user logs in with it; the invitation is sent to it."))
    # Choices are set per acting user; a value outside them is refused by the service (and audited), not here.
    role = SelectField(_l("Role"), validate_choice=False, validators=[DataRequired()])
    partnership_id = SelectField(_l("Partnership"), coerce=_optional_int, validate_choice=False)
    mentor_id = SelectField(_l("Mentor record"), coerce=_optional_int, validate_choice=False,
                            validators=[Optional()],
                            description=_l("Only for a company mentor: the mentor of the network this account "
                                           "acts as."))

    def validate_role(self, field) -> None:
        if field.data not in {role.value for role in Role}:
            raise ValueError(_("Choose one of the roles."))


class UserFilterForm(BaseForm):
    class Meta:
        csrf = False

    role = SelectField(_l("Role"), validate_choice=False)
    state = SelectField(_l("State"), validate_choice=False,
                        choices=[SelectChoice("", _l("All")), SelectChoice("active", _l("Active")),
                                 SelectChoice("inactive", _l("Deactivated"))])


class ConfirmForm(BaseForm):
    """A button that changes something: the form carries only the CSRF token."""


class ForgotPasswordForm(BaseForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)])


class SetPasswordForm(BaseForm):
    password = PasswordField(_l("New password"), validators=[DataRequired()],
                             description=_l("At least 10 characters; a few unusual words make a strong password."))
    confirm = PasswordField(_l("The new password again"),
                            validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))])


class ChangePasswordForm(SetPasswordForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])


class EndSessionForm(BaseForm):
    session = HiddenField(validators=[DataRequired()])
