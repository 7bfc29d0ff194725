"""Forms for matching: the filters of "Find internships" (pages and API alike) and the partnership's weights."""

import math

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, NumberRange, Optional

from placement.forms import BaseForm, FloatField, IntegerField
from placement.locking import version_field
from placement.matches.services import AREAS, COMPONENT_LABELS, MatchFilters
from placement.matching import COMPONENTS, Weights
from placement.network.models import CompanyKind

ALL = _l("All")
#: Major groups 1–9, then 0 (armed forces), as ISCO lists them.
AREA_ORDER = (*"123456789", "0")
#: "9 · Elementary occupations", translated when shown (the API only validates, so it never translates them).
AREA_CHOICES = [SelectChoice("", ALL), *(SelectChoice(code, LazyString(lambda code=code: f"{code} · {AREAS[code]}"))
                                         for code in AREA_ORDER)]


class MatchFilterForm(BaseForm):
    """Filters read from the query string: ids and numbers only, never a name."""

    class Meta:
        csrf = False  # a GET form that changes nothing

    max_km = IntegerField(_l("Within (km)"), validators=[Optional(), NumberRange(min=1)])
    kind = SelectField(_l("Company kind"), default="",
                       choices=[SelectChoice("", ALL), *(SelectChoice(k.value, k.label) for k in CompanyKind)])
    #: ISCO-08 major groups.
    area = SelectField(_l("Occupation area"), default="", choices=AREA_CHOICES)
    excluded = BooleanField(_l("Also show the excluded job functions, with the reason"))
    #: Near misses: at most 10 % too far or outside the hours (``services.NEAR_MISS_SHARE``), marked as such.
    near_miss = BooleanField(_l("Also show those just over the limit (at most 10 % too far or outside the hours)"))

    def __init__(self, *args, travel_limit: int, **kwargs):
        super().__init__(*args, **kwargs)
        #: The young person's own travel limit: the distance filter may narrow it, never widen it.
        self.travel_limit = travel_limit

    def validate_max_km(self, field) -> None:
        if field.data is not None and field.data > self.travel_limit:
            raise ValidationError(_l("At most the young person's own limit of %(km)s km.", km=self.travel_limit))

    def filters(self) -> MatchFilters:
        """Return the valid filters; a field with an error filters nothing."""
        def valid(name):
            field = self[name]
            return None if field.errors or field.data in (None, "") else field.data

        return MatchFilters(max_km=valid("max_km"), kind=valid("kind"), area=valid("area"),
                            near_miss=bool(self.near_miss.data))


class WeightField(FloatField):
    """A number from 0 to 1 that also accepts a decimal comma (0,25) and refuses NaN and infinity."""

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            value = float(valuelist[0].strip().replace(",", "."))
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            self.data = None
            raise ValueError(_l("Enter a number from 0 to 1, e.g. 0.25."))
        self.data = value


DEFAULT_WEIGHTS = Weights()


def _weight_field(name: str) -> WeightField:
    return WeightField(COMPONENT_LABELS[name], default=getattr(DEFAULT_WEIGHTS, name),
                       validators=[InputRequired(), NumberRange(min=0, max=1)])


class WeightsForm(BaseForm):
    """The partnership's eight weights; any positive sum, scaled to sum to 1 when saved."""

    #: The version of the saved values the form was filled in on (0: the defaults; optimistic locking).
    version = version_field()
    interests = _weight_field("interests")
    structure = _weight_field("structure")
    demands = _weight_field("demands")
    social = _weight_field("social")
    support = _weight_field("support")
    hours = _weight_field("hours")
    distance = _weight_field("distance")
    track_record = _weight_field("track_record")

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if sum(self[name].data for name in COMPONENTS) <= 0:
            self.form_errors.append(_l("At least one weight must be above 0."))
            return False
        return True

    def normalised(self) -> Weights | None:
        """Return the entered weights scaled to sum to 1, or None while they are not valid."""
        try:
            return Weights(*(float(self[name].data) for name in COMPONENTS)).normalised()
        except (TypeError, ValueError):
            return None


class ResetWeightsForm(BaseForm):
    """Go back to the default weights (only the CSRF token)."""
