"""Forms of the second factor."""

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from placement.forms import BaseForm


class SecondFactorForm(BaseForm):
    """The second step of a login: a code from the app, or a recovery code."""

    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=40)],
                       render_kw={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"},
                       description=_l("The 6 digits your authenticator app shows, or one of your recovery codes."))


class TotpCodeForm(BaseForm):
    """A current 6-digit code from the app (to confirm the setup, or before new recovery codes)."""

    code = StringField(_l("6-digit code"), validators=[DataRequired(), Length(max=12)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
                       description=_l("The 6 digits your authenticator app shows now."))


class ResetSecondFactorForm(BaseForm):
    """Confirm turning a user's second factor off."""
