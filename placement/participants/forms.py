"""The young person's form; the same form validates the pages, the JSON API and the CSV import.

Occupations are chosen without any script: the ones already chosen are ticked boxes (untick to remove), and
more are added by typing their Danish ESCO titles (or ESCO URIs), one per line, which the server resolves and
refuses with suggestions when a title is not exact.
"""

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import (
    BooleanField,
    DateField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from placement import sanity
from placement.extensions import db
from placement.forms import BaseForm, IntegerField, ScaleField
from placement.locking import version_field
from placement.network.forms import check_postcode
from placement.occupations.models import Occupation
from placement.participants.models import Consent, Disruption, Participant, Transport
from placement.participants.needs import NEEDS, SUPPORT_HIGH, SUPPORT_LOW
from placement.participants.services import local_today
from placement.privacy.services import consent_problem

#: Dates as a date input sends them, and as Danish spreadsheets write them (CSV import).
DATE_FORMATS = ["%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y"]
#: The case people: form field → the role the named user must have.
CASE_PEOPLE_FIELDS = ("consultant_id", "coordinator_id", "caseworker_id")


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class MultiCheckboxField(SelectMultipleField):
    """Several choices as a list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class OccupationsField(MultiCheckboxField):
    """Chosen ESCO occupations by id; the choices are the chosen ones, and any known occupation is valid."""

    def pre_validate(self, form) -> None:
        if self.process_errors or not self.data:
            return
        valid = [ident for ident in self.data if sanity.in_int_range(ident)]  # beyond the column's range: unknown
        known = set(db.session.scalars(select(Occupation.id).where(Occupation.id.in_(valid)))) if valid else set()
        unknown = [str(ident) for ident in self.data if ident not in known]
        if unknown:
            raise ValidationError(_l("Unknown occupation: %(ids)s.", ids=", ".join(unknown)))


def _scale(label, description, default=3):
    return ScaleField(label, default=default, validators=[InputRequired()], description=description)


def _person(label):
    return SelectField(label, coerce=int, validators=[Optional()])


def resolve_occupation(line: str) -> tuple[int | None, list[str]]:
    """Return the id of the occupation with exactly this Danish title, synonym or ESCO URI, else suggestions."""
    from placement.network.search import normalise
    from placement.occupations.services import suggest

    if line.startswith(("http://", "https://")):
        return db.session.scalar(select(Occupation.id).where(Occupation.uri == line)), []
    hits = suggest(line, limit=5)
    wanted = normalise(line)
    for hit in hits:
        if normalise(hit["matched"]) == wanted or normalise(hit["label"]) == wanted:
            return hit["id"], []
    return None, [hit["label"] for hit in hits[:3]]


class ParticipantForm(BaseForm):
    #: The version of the record the form was filled in on (optimistic locking; empty when adding).
    version = version_field()
    name = StringField(_l("Name"), filters=[_strip], validators=[DataRequired(), Length(max=120)])
    date_of_birth = DateField(_l("Date of birth"), format=DATE_FORMATS,
                              validators=[InputRequired()],
                              description=_l("Resource courses are for young people aged 18 to 30; another age "
                                             "is saved with a warning."))
    home_municipality = StringField(_l("Home municipality"), filters=[_strip],
                                    validators=[DataRequired(), Length(max=120)],
                                    description=_l("Its job centre decides on flex-job, wage subsidy and "
                                                   "protected employment."))
    postcode = StringField(_l("Postcode"), filters=[_strip], validators=[DataRequired(), Length(min=4, max=4)],
                           description=_l("Where the young person lives; distances to workplaces are measured "
                                          "from here."))
    cognitive = BooleanField(_l("Cognitive disability"),
                             description=_l("Memory, concentration, understanding, learning."))
    psychological = BooleanField(_l("Psychological disability"))
    physical = BooleanField(_l("Physical disability"))
    disruptions = MultiCheckboxField(_l("Function disruptions"),
                                     choices=[SelectChoice(d.value, d.label) for d in Disruption], default=list)
    health_notes = TextAreaField(_l("Health notes"), validators=[Optional(), Length(max=5000)],
                                 description=_l("Only what matters for the work, e.g. medication that makes "
                                                "tired, or breaks needed."))
    interests = TextAreaField(_l("Interests"), validators=[Optional(), Length(max=2000)],
                              description=_l("What the young person likes, in their own words, e.g. animals, "
                                             "horses, cooking, cars."))
    occupation_ids = OccupationsField(_l("Chosen occupations"), coerce=int, default=list,
                                      description=_l("Untick an occupation to remove it."))
    add_occupations = TextAreaField(_l("Add occupations"), validators=[Optional(), Length(max=2000)],
                                    description=_l("One Danish ESCO job title per line, e.g. "
                                                   "dyrepasser. A title that is not exact is refused with "
                                                   "suggestions."))
    support_need = _scale(_l("Support need"), _l("1: %(low)s … 5: %(high)s", low=SUPPORT_LOW, high=SUPPORT_HIGH))
    support_notes = TextAreaField(_l("About the support"), validators=[Optional(), Length(max=5000)],
                                  description=_l("Mentor support, personal assistance, what helps."))
    hours_min = IntegerField(_l("Hours per week, from"), default=10, validators=[InputRequired(), NumberRange(1, 40)])
    hours_max = IntegerField(_l("Hours per week, to"), default=20, validators=[InputRequired(), NumberRange(1, 40)])
    max_km = IntegerField(_l("Longest way to work (km)"), default=15, validators=[InputRequired(),
                                                                                  NumberRange(0, 200)])
    transport = SelectField(_l("Gets to work"), choices=[SelectChoice(t.value, t.label) for t in Transport],
                            default=Transport.PUBLIC.value)
    course_start = DateField(_l("Course start"), format=DATE_FORMATS,
                             validators=[InputRequired(), sanity.course_date_window()])
    course_years = IntegerField(_l("Course length (years)"), default=3, validators=[Optional(), NumberRange(1, 5)],
                                description=_l("Granted by the municipality for 1 to 5 years, most often 3. "
                                               "Leave empty when not known yet."))
    consent = RadioField(_l("Consent to use the data in statistics"), default="", validators=[Optional()],
                         choices=[SelectChoice("", _l("Not recorded")),
                                  *(SelectChoice(c.value, c.label) for c in Consent)])
    consent_date = DateField(_l("Date of consent or refusal"), format=DATE_FORMATS,
                             validators=[Optional()])
    consultant_id = _person(_l("Job consultant"))
    coordinator_id = _person(_l("Youth coordinator"))
    caseworker_id = _person(_l("Coordinating caseworker"))
    active = BooleanField(_l("Active"), default=True, description=_l("Untick when the course has ended."))

    def __init__(self, *args, people: dict | None = None, today: date | None = None,
                 participant: Participant | None = None, **kwargs):
        obj = kwargs.get("obj")
        if isinstance(obj, Participant):
            kwargs.setdefault("occupation_ids", [o.id for o in obj.occupations])
        super().__init__(*args, **kwargs)
        people = people or {}
        for name in CASE_PEOPLE_FIELDS:
            self[name].choices = [SelectChoice(0, _l("– none –")),
                                  *(SelectChoice(u.id, u.name) for u in people.get(name, ()))]
        chosen = [ident for ident in self.occupation_ids.data or ()
                  if isinstance(ident, int) and sanity.in_int_range(ident)]
        occupations = db.session.scalars(select(Occupation).where(Occupation.id.in_(chosen))).all() if chosen \
            else []
        self.occupation_ids.choices = [SelectChoice(o.id, o.label) for o in sorted(occupations,
                                                                                   key=lambda o: o.label)]
        self._today = today or local_today()
        #: The record being edited (None: a new one); its consent history decides whether consent may be withdrawn.
        self._participant = participant if participant is not None else obj if isinstance(obj, Participant) \
            else None
        self._added: list[int] = []
        #: Set by the view: the age is outside 18–30 (saved anyway).
        self.age_warning: str | None = None

    def validate_postcode(self, field) -> None:
        check_postcode(field)

    def validate_date_of_birth(self, field) -> None:
        if field.data is not None and field.data > self._today:
            raise ValidationError(_l("The date of birth cannot be in the future."))
        sanity.check_date(field.data, sanity.EARLIEST_BIRTH, sanity.birth_latest)  # 1900 to 15 years ago

    def validate_hours_max(self, field) -> None:
        if self.hours_min.data is not None and field.data is not None and field.data < self.hours_min.data:
            raise ValidationError(_l("Must be at least the lower limit (%(n)s).", n=self.hours_min.data))

    def validate_consent_date(self, field) -> None:
        if field.data is not None and field.data > self._today:
            raise ValidationError(_l("The date cannot be in the future."))
        sanity.check_date(field.data, sanity.EARLIEST, sanity.ahead_latest)

    def validate_add_occupations(self, field) -> None:
        problems = []
        for line in (field.data or "").splitlines():
            line = line.strip()
            if not line:
                continue
            ident, suggestions = resolve_occupation(line)
            if ident is not None:
                self._added.append(ident)
            elif suggestions:
                problems.append(_l("No occupation is called “%(title)s”; did you mean %(suggestions)s?",
                                   title=line, suggestions=", ".join(suggestions)))
            else:
                problems.append(_l("No occupation is called “%(title)s”.", title=line))
        if problems:
            raise ValidationError(" ".join(str(p) for p in problems))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for name in CASE_PEOPLE_FIELDS:
            # A choice that is not offered is refused by the field; "none" may come as empty or 0.
            if self[name].data is None:
                self[name].data = 0
        if self.consent.data and self.consent_date.data is None and not self.consent_date.errors:
            self.consent_date.errors.append(_l("Give the date the consent was given or declined."))
            valid = False
        if (problem := self._withdrawal_problem()) is not None:
            self.consent.errors.append(problem)
            valid = False
        return valid

    def _withdrawal_problem(self) -> str | None:
        """Withdrawn consent is recorded only after consent was given: the consent history page's rule."""
        if self.consent.data != Consent.WITHDRAWN.value or self.consent.errors or self.consent_date.errors \
                or self.consent_date.data is None:
            return None
        record = self._participant
        if record is None and self.version.data:
            return None  # an existing record whose caller did not pass it: nothing to compare with
        if record is not None and (record.consent, record.consent_date) == (Consent.WITHDRAWN,
                                                                           self.consent_date.data):
            return None  # recorded already: saving other fields does not record it again
        return consent_problem(record, Consent.WITHDRAWN, self.consent_date.data)

    def values(self) -> dict:
        """Return the validated data; the occupations typed in are added to the chosen ones."""
        data = super().values()
        chosen = list(data.get("occupation_ids") or [])
        data["occupation_ids"] = chosen + [ident for ident in self._added if ident not in chosen]
        data["add_occupations"] = ""
        return data


for _need in NEEDS:
    setattr(ParticipantForm, _need.key,
            _scale(_need.label, _l("1: %(low)s … 5: %(high)s", low=_need.low, high=_need.high)))
