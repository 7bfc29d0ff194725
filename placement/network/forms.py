"""Forms for the company network; the same forms validate the pages, the JSON API and the CSV import."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional

from placement.extensions import db
from placement.forms import BaseForm, IntegerField, ScaleField
from placement.geo import lookup
from placement.locking import version_field
from placement.network.cvr import CVR_CHECKSUM_MESSAGE, cvr_error, normalise_cvr
from placement.network.models import Company, CompanyKind
from placement.profile import DIMENSIONS

#: Also said when two people add the same CVR at once and the database's unique constraint refuses the second.
CVR_TAKEN = _l("A company with this CVR number is already registered.")
_CVR_MESSAGES = {CVR_CHECKSUM_MESSAGE: _l("This cannot be a CVR number (its last digit does not fit the others): "
                                         "check the 8 digits for a typing error.")}


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def check_postcode(field) -> None:
    """Refuse a postcode that is not in the Danish postcode table."""
    if field.data and lookup(field.data) is None:
        raise ValidationError(_l("%(code)s is not a Danish postcode.", code=field.data))


class CompanyForm(BaseForm):
    #: The version of the record the form was filled in on (optimistic locking; empty when adding).
    version = version_field()
    cvr = StringField(_l("CVR number"), filters=[_strip], validators=[DataRequired()],
                      description=_l("8 digits, e.g. 12345674."))
    name = StringField(_l("Name"), filters=[_strip], validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=[SelectChoice(k.value, k.label) for k in CompanyKind],
                       default=CompanyKind.ORDINARY.value)
    address = StringField(_l("Address"), filters=[_strip], validators=[Optional(), Length(max=200)])
    postcode = StringField(_l("Postcode"), filters=[_strip], validators=[DataRequired(), Length(min=4, max=4)])
    town = StringField(_l("Town"), filters=[_strip], validators=[Optional(), Length(max=100)],
                       description=_l("Filled in from the postcode."))
    industry = StringField(_l("Industry"), filters=[_strip], validators=[Optional(), Length(max=120)])
    employees = IntegerField(_l("Number of employees"), validators=[Optional(), NumberRange(min=0, max=1_000_000)])
    contact_name = StringField(_l("Contact person"), filters=[_strip], validators=[Optional(), Length(max=120)])
    contact_email = EmailField(_l("Contact e-mail"), filters=[_strip],
                               validators=[Optional(), Email(check_deliverability=False), Length(max=254)])
    contact_phone = StringField(_l("Contact phone"), filters=[_strip], validators=[Optional(), Length(max=30)])
    notes = TextAreaField(_l("Notes on the relationship"), validators=[Optional(), Length(max=5000)],
                          description=_l("About the company and the cooperation. Never about young people."))
    active = BooleanField(_l("Active"), default=True)
    confirm_not_duplicate = BooleanField(_l("This is a different company from the similar one shown"))

    def __init__(self, *args, company: Company | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self._company = company
        #: Set by the duplicate check: a company with a very similar name in the same postcode.
        self.likely_duplicate: Company | None = None

    def validate_cvr(self, field) -> None:
        field.data = normalise_cvr(field.data or "")
        problem = cvr_error(field.data)
        if problem:
            raise ValidationError(_CVR_MESSAGES.get(problem, _l("A CVR number has exactly 8 digits.")))
        stmt = select(Company).where(Company.cvr == field.data)
        if self._company is not None and self._company.id is not None:
            stmt = stmt.where(Company.id != self._company.id)
        if db.session.scalar(stmt) is not None:
            raise ValidationError(CVR_TAKEN)

    def validate_postcode(self, field) -> None:
        check_postcode(field)

    def validate_town(self, field) -> None:
        from placement.network.search import normalise

        place = lookup(self.postcode.data or "")
        if place is None:
            return
        if field.data and normalise(field.data) != normalise(place.town):
            raise ValidationError(_l("Postcode %(code)s is %(town)s, not %(given)s.", code=place.code,
                                     town=place.town, given=field.data))
        field.data = place.town


def _scale(label, description):
    return ScaleField(label, default=3, validators=[InputRequired()], description=description)


class MentorForm(BaseForm):
    #: The version of the record the form was filled in on (optimistic locking; empty when adding).
    version = version_field()
    name = StringField(_l("Name"), filters=[_strip], validators=[DataRequired(), Length(max=120)])
    email = EmailField(_l("E-mail"), filters=[_strip],
                       validators=[Optional(), Email(check_deliverability=False), Length(max=254)],
                       description=_l("Used to send internship plans for confirmation."))
    phone = StringField(_l("Phone"), filters=[_strip], validators=[Optional(), Length(max=30)])
    experience_level = _scale(
        _l("Experience with the target group"),
        _l("1: none yet … 5: long and broad experience with young people with disabilities."))
    experience_notes = TextAreaField(_l("About the experience"), validators=[Optional(), Length(max=5000)])
    max_interns = IntegerField(_l("Interns at a time"), default=1, validators=[InputRequired(), NumberRange(0, 20)])
    active = BooleanField(_l("Active"), default=True)


class JobFunctionForm(BaseForm):
    #: The version of the record the form was filled in on (optimistic locking; empty when adding).
    version = version_field()
    title = StringField(_l("Title"), filters=[_strip], validators=[DataRequired(), Length(max=200)])
    tasks = TextAreaField(_l("Tasks"), validators=[Optional(), Length(max=5000)],
                          description=_l("Concrete, routine and measurable tasks."))
    occupation_id = IntegerField(_l("Occupation (ESCO / DISCO-08)"), validators=[Optional()])
    hours_min = IntegerField(_l("Hours per week, from"), default=10, validators=[InputRequired(), NumberRange(1, 40)])
    hours_max = IntegerField(_l("Hours per week, to"), default=30, validators=[InputRequired(), NumberRange(1, 40)])
    places = IntegerField(_l("Internship places"), default=1, validators=[InputRequired(), NumberRange(0, 50)])
    mentor_id = SelectField(_l("Mentor"), coerce=int, validators=[Optional()])
    location_address = StringField(_l("Address, if not the company's"), filters=[_strip],
                                   validators=[Optional(), Length(max=200)])
    location_postcode = StringField(_l("Postcode, if not the company's"), filters=[_strip],
                                    validators=[Optional(), Length(min=4, max=4)])
    active = BooleanField(_l("Active"), default=True)

    def __init__(self, *args, mentors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.mentor_id.choices = [SelectChoice(0, _l("– none yet –")), *(SelectChoice(m.id, m.name) for m in mentors)]

    def validate_hours_max(self, field) -> None:
        if self.hours_min.data is not None and field.data is not None and field.data < self.hours_min.data:
            raise ValidationError(_l("Must be at least the lower limit (%(n)s).", n=self.hours_min.data))

    def validate_location_postcode(self, field) -> None:
        check_postcode(field)

    def validate_occupation_id(self, field) -> None:
        from placement.occupations.models import Occupation

        if field.data and db.session.get(Occupation, field.data) is None:
            raise ValidationError(_l("Unknown occupation."))


for _dimension in DIMENSIONS:
    setattr(JobFunctionForm, _dimension.key,
            _scale(_dimension.label, _l("1: %(low)s … 5: %(high)s", low=_dimension.low, high=_dimension.high)))


#: The answer to the page's question about a suggested occupation: an occupation's id, or this for "save without".
WITHOUT_OCCUPATION = "none"


class JobFunctionPageForm(JobFunctionForm):
    """The job-function form of the pages: a job function saved without an occupation whose title (or tasks) names
    one is not saved until the user answers whether to link it (``occupation_choice``: the id of a suggested
    occupation, or ``WITHOUT_OCCUPATION``). The API and the CSV import use ``JobFunctionForm``."""

    occupation_choice = StringField(_l("Suggested occupation"), filters=[_strip],
                                    validators=[Optional(), Length(max=20)])
    #: Set when the page has asked, so an answer left out is told apart from a first save.
    occupation_asked = HiddenField()
