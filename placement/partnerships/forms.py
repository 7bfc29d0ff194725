"""Forms for partnerships; the same form validates the pages, the JSON API and the CLI."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField
from sqlalchemy import func, select
from wtforms import BooleanField, EmailField, StringField, ValidationError
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional

from placement.auth.models import Partnership
from placement.extensions import db
from placement.forms import BaseForm, IntegerField
from placement.network.forms import check_postcode
from placement.partnerships.logos import MAX_LOGO_BYTES, LogoRefused, check_logo


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _contact_email():
    return EmailField(_l("Service desk e-mail"), filters=[_strip],
                      validators=[Optional(), Email(check_deliverability=False), Length(max=254)],
                      description=_l("Shown to mentors and users as the place to ask."))


def _contact_phone():
    return StringField(_l("Service desk phone"), filters=[_strip], validators=[Optional(), Length(max=30)])


#: The retention period's range in whole years, and what a new partnership starts with.
RETENTION_YEARS_MIN, RETENTION_YEARS_MAX, RETENTION_YEARS_DEFAULT = 1, 30, 5


def _retention_message():
    return _l("Give the retention period as whole years from %(min)s to %(max)s, e.g. 5.", min=RETENTION_YEARS_MIN,
              max=RETENTION_YEARS_MAX)


class RetentionYearsField(IntegerField):
    """Whole years; anything else (a fraction, a word) gets the field's own message."""

    #: An integer in a JSON body and in the OpenAPI document (``placement.api.validation.json_type``).
    coerce = int

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(_retention_message()) from error


def _retention_years():
    return RetentionYearsField(
        _l("Retention period (years after the course ends)"), default=RETENTION_YEARS_DEFAULT,
        validators=[InputRequired(_retention_message()),
                    NumberRange(RETENTION_YEARS_MIN, RETENTION_YEARS_MAX, _retention_message())],
        description=_l("A young person's record is anonymised automatically this many years after their course "
                       "ended (the daily retention run)."))


class PartnershipForm(BaseForm):
    """A partnership's name, parties and service desk (pages, API and CLI alike)."""

    name = StringField(_l("Name"), filters=[_strip], validators=[DataRequired(), Length(max=120)],
                       description=_l("The name users see, e.g. “Randers”."))
    municipality = StringField(_l("Municipality"), filters=[_strip], validators=[DataRequired(), Length(max=120)],
                               description=_l("The job centre's municipality, e.g. “Randers Kommune”."))
    education_place = StringField(_l("Education place"), filters=[_strip],
                                  validators=[DataRequired(), Length(max=200)])
    postcode = StringField(_l("Postcode of the education place"), filters=[_strip],
                           validators=[Optional(), Length(min=4, max=4)],
                           description=_l("The default centre for distances."))
    contact_email = _contact_email()
    contact_phone = _contact_phone()
    retention_years = _retention_years()

    def __init__(self, *args, partnership: Partnership | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self._partnership = partnership

    def validate_name(self, field) -> None:
        stmt = select(Partnership.id).where(func.lower(Partnership.name) == (field.data or "").lower())
        if self._partnership is not None and self._partnership.id is not None:
            stmt = stmt.where(Partnership.id != self._partnership.id)
        if db.session.scalar(stmt) is not None:
            raise ValidationError(_l("A partnership named %(name)s exists already; choose another name.",
                                     name=field.data))

    def validate_postcode(self, field) -> None:
        check_postcode(field)


class LogoFields:
    """The logo upload of the pages: a PNG or SVG of at most 200 KB, checked by its content."""

    logo = FileField(_l("Logo"), validators=[FileAllowed(["png", "svg"], _l("Upload the logo as PNG or SVG."))],
                     description=_l("PNG or SVG, at most %(max)s KB. Shown in the header, on the mentor's pages and "
                                    "on printed plans.", max=MAX_LOGO_BYTES // 1024))
    remove_logo = BooleanField(_l("Remove the logo"))

    #: Set by ``validate_logo``: the checked upload (``placement.partnerships.logos.Logo``), or None.
    checked_logo = None

    def validate_logo(self, field) -> None:
        upload = field.data
        if not upload or not getattr(upload, "filename", ""):
            return
        data = upload.stream.read(MAX_LOGO_BYTES + 1)
        try:
            self.checked_logo = check_logo(data)
        except LogoRefused as error:
            raise ValidationError(str(error)) from error

    def logo_change(self):
        """Return what to do with the logo: a checked new one, ``False`` to remove it, or None to keep it."""
        if self.checked_logo is not None:
            return self.checked_logo
        if self.remove_logo.data:
            return False
        return None


class PartnershipPageForm(LogoFields, PartnershipForm):
    """The administrator's page: every field and the logo."""


class ContactForm(LogoFields, BaseForm):
    """A youth coordinator's page for their own partnership: the service desk, the logo and the retention period,
    not the name."""

    contact_email = _contact_email()
    contact_phone = _contact_phone()
    retention_years = _retention_years()


class ConfirmForm(BaseForm):
    """Archiving or restoring a partnership asks for a tick first."""

    confirm = BooleanField(_l("Yes, I am sure"), validators=[DataRequired(_l("Tick the box to confirm."))])
