"""Forms of the dashboard: the period picker (pages, CSV and API alike) and the partnership's targets."""

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import DateField, FloatField, IntegerField, ValidationError
from wtforms.validators import InputRequired, NumberRange, Optional
from wtforms.widgets import TextInput

from placement.forms import BaseForm
from placement.locking import version_field
from placement.sanity import day_text

#: The dates a period may use: resource courses began in 2013; far-future dates are typing errors.
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)


class PeriodForm(BaseForm):
    """The period read from the query string (``from`` and ``to``, YYYY-MM-DD); both optional."""

    class Meta:
        csrf = False  # a GET form that changes nothing

    # A date picker (type="date") shows the date the reader's way; the value it sends is YYYY-MM-DD.
    start = DateField(_l("From"), name="from", format="%Y-%m-%d", validators=[Optional()])
    end = DateField(_l("To"), name="to", format="%Y-%m-%d", validators=[Optional()],
                    description=_l("The reference date of the figures"))

    def _in_range(self, field) -> None:
        if field.data is not None and not EARLIEST <= field.data <= LATEST:
            raise ValidationError(_l("Choose a date from %(first)s to %(last)s.", first=day_text(EARLIEST),
                                     last=day_text(LATEST)))

    def validate_start(self, field) -> None:
        self._in_range(field)

    def validate_end(self, field) -> None:
        self._in_range(field)
        start = self.start.data
        if field.data is not None and start is not None and start > field.data:
            raise ValidationError(_l("The period must end on or after its first day (%(start)s).",
                                     start=day_text(start)))


class PercentField(FloatField):
    """A percentage; also accepts a decimal comma (87,5) and refuses NaN and infinity."""

    widget = TextInput()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("render_kw", {"inputmode": "decimal", "size": 6})
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        raw = valuelist[0].strip().removesuffix("%").strip().replace(",", ".")
        try:
            value = float(raw)
        except ValueError:
            value = float("nan")
        if value != value or value in (float("inf"), float("-inf")):
            self.data = None
            raise ValueError(_l("Enter a percentage from 0 to 100, e.g. 87."))
        self.data = value


class TargetsForm(BaseForm):
    """The partnership's success criteria: the targets the dashboard reads its figures against."""

    #: The version of the saved values the form was filled in on (0: the defaults; optimistic locking).
    version = version_field()
    enrolled = IntegerField(_l("Young people to enrol"), validators=[InputRequired(), NumberRange(min=0, max=10000)],
                            description=_l("The report's partnerships set out to enrol 10 each."))
    closer_share = PercentField(_l("Closer to the labour market (%)"),
                                validators=[InputRequired(), NumberRange(min=0, max=100)],
                                description=_l("Of those in their course at least a year: the share whose total "
                                               "development is positive. The report's target: 87 %."))
    ordinary_or_flex_share = PercentField(_l("Ordinary job or flex-job (%)"),
                                          validators=[InputRequired(), NumberRange(min=0, max=100)],
                                          description=_l("Of the hires: the share in an ordinary job or a flex-job "
                                                         "(the rest: wage subsidy or protected employment). "
                                                         "Example: 80 %."))

    def targets(self) -> dict:
        """Return the values as the service takes them: shares 0–1."""
        return {"enrolled": self.enrolled.data, "closer_share": self.closer_share.data / 100,
                "ordinary_or_flex_share": self.ordinary_or_flex_share.data / 100}
