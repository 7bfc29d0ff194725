"""Input sanity: the rules every form, the JSON API and the CSV imports share (issue #10).

- Text: NUL and the other control characters (except tab, line feed and carriage return) are refused in form
  fields, naming the field; in search queries and other query parameters they are stripped (harmless there).
- Integers: ids in URLs beyond the database's 32-bit range answer 404 (``BoundedIntConverter`` replaces Flask's
  ``int`` converter); form numbers and ``page`` beyond that range are refused with a message.
- Dates: each date field accepts a sane window (``date_window``), e.g. birth dates from 1900 to 15 years ago,
  course, consent and agreement dates from 2000 to two years ahead. "Today" is the service's Danish date.
"""

import re
from collections.abc import Callable
from datetime import date

from flask import Flask, abort, request
from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter
from wtforms.validators import NumberRange, StopValidation, ValidationError

#: The largest value of the database's INTEGER columns (PostgreSQL's ``integer``: 32 bits, signed).
INT_MAX = 2**31 - 1
INT_MIN = -(2**31)

#: C0 controls except tab, line feed, carriage return; DEL; C1 controls.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

#: The earliest date accepted in course, consent and agreement dates, and in dates of birth.
EARLIEST = date(2000, 1, 1)
EARLIEST_BIRTH = date(1900, 1, 1)
#: Course, consent and agreement dates may lie up to this many years ahead; people are at least this old.
YEARS_AHEAD = 2
MIN_AGE_YEARS = 15


# Text -----------------------------------------------------------------------------------------------------------

def has_control_characters(text: str) -> bool:
    """Return whether the text holds NUL or another control character other than tab and line breaks."""
    return bool(_CONTROL.search(text))


def strip_control_characters(text: str) -> str:
    """Return the text without its control characters (tab and line breaks stay)."""
    return _CONTROL.sub("", text)


def control_character_problem(value) -> str | None:
    """Return why a value (a string or a list of strings) is refused, or None."""
    if isinstance(value, str):  # the common case first: every field of every form and CSV line comes here
        refused = _CONTROL.search(value) is not None
    elif isinstance(value, list | tuple):
        refused = any(isinstance(v, str) and has_control_characters(v) for v in value)
    else:
        return None
    return str(_l("Remove the control characters (such as NUL) from the text.")) if refused else None


# Integers -------------------------------------------------------------------------------------------------------

def in_int_range(value: int) -> bool:
    return INT_MIN <= value <= INT_MAX


def int_range_problem(value) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool) and not in_int_range(value):
        return str(_l("Number must be between %(min)s and %(max)s.", min=INT_MIN, max=INT_MAX))
    return None


class BoundedIntConverter(IntegerConverter):
    """Flask's ``int`` URL converter, matching only ids the database can hold: a larger one answers 404."""

    def to_python(self, value: str) -> int:
        number = super().to_python(value)
        if not in_int_range(number):
            # Not a ValidationError (werkzeug would then answer 405 when another method's rule matches): 404.
            raise NotFound()
        return number


def field_sanity(form, field) -> None:
    """The first validator of every field of ``BaseForm``: no control characters in text, numbers in range."""
    problem = control_character_problem(field.data)
    if problem is None:
        problem = int_range_problem(field.data)
        if problem and any(isinstance(v, NumberRange) for v in field.validators):
            problem = None  # a field's own NumberRange says it more precisely
    if problem:
        raise StopValidation(problem)


# Dates ----------------------------------------------------------------------------------------------------------

def today() -> date:
    """The service's Danish date (tests may pin ``placement.agreements.services.today``)."""
    from placement.agreements import services

    return services.today()


def shift_years(day: date, years: int) -> date:
    """Return the same day some years later or earlier (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


DateBound = date | Callable[[], date]


def _resolve(bound: DateBound) -> date:
    return bound() if callable(bound) else bound


def birth_latest() -> date:
    return shift_years(today(), -MIN_AGE_YEARS)


def ahead_latest() -> date:
    return shift_years(today(), YEARS_AHEAD)


def date_problem(value: date | None, earliest: DateBound, latest: DateBound) -> str | None:
    """Return why a date lies outside the window from ``earliest`` to ``latest`` (inclusive), or None."""
    if value is None:
        return None
    low, high = _resolve(earliest), _resolve(latest)
    if low <= value <= high:
        return None
    return str(_l("Give a date from %(earliest)s to %(latest)s.", earliest=day_text(low),
                  latest=day_text(high)))


def date_window(earliest: DateBound, latest: DateBound):
    """A WTForms validator: the field's date lies from ``earliest`` to ``latest`` (dates or functions of today)."""

    def validator(form, field) -> None:
        problem = date_problem(field.data, earliest, latest)
        if problem:
            raise StopValidation(problem)

    validator.window = (earliest, latest)  # the API's OpenAPI document states it
    return validator


def window_bounds(validator) -> tuple[date, date] | None:
    """Return today's first and last day of a ``date_window`` validator, or None for another validator."""
    window = getattr(validator, "window", None)
    return None if window is None else (_resolve(window[0]), _resolve(window[1]))


def birth_date_window():
    """Dates of birth: 1900 to 15 years ago."""
    return date_window(EARLIEST_BIRTH, birth_latest)


def course_date_window():
    """Course, consent, agreement and follow-up dates: 2000 to two years ahead."""
    return date_window(EARLIEST, ahead_latest)


def check_date(value: date | None, earliest: DateBound, latest: DateBound) -> None:
    """Raise ``ValidationError`` when the date lies outside the window (for ``validate_<field>`` methods)."""
    problem = date_problem(value, earliest, latest)
    if problem:
        raise ValidationError(problem)


def day_text(day: date) -> str:
    """A date as messages give it to users: "3. juni 2027" in Danish, "June 3, 2027" in English."""
    return format_date(day, "long")


# What happened, in its order ------------------------------------------------------------------------------------
# A history (the import of earlier records) tells what has happened: every date from 2000 to today, and the events
# in the order they can happen. Plain dates in, a message or None out, so imports, forms and the API can share them.

def past_date_problem(value: date | None, until: date | None = None) -> str | None:
    """Return why the date of something that has happened lies after today (or ``until``) or before 2000, or None."""
    if value is None:
        return None
    if value > (until or today()):
        return str(_l("The date cannot be in the future."))
    if value < EARLIEST:
        return str(_l("The date cannot be before %(day)s.", day=day_text(EARLIEST)))
    return None


def internship_course_problem(course_start: date | None, internship_start: date | None) -> str | None:
    """Return why an internship cannot start on this day of the young person's course, or None."""
    if course_start is None or internship_start is None or internship_start >= course_start:
        return None
    return str(_l("The internship cannot start on %(start)s, before the young person's course started "
                  "(%(course)s).", start=day_text(internship_start), course=day_text(course_start)))


def decision_start_problem(internship_start: date | None, decided_on: date | None) -> str | None:
    """Return why the job centre cannot have decided on ``decided_on``, before the internship even started, or None.

    The job centre may decide before the internship's last day, so the job can start right after it; a decision
    before the internship started is a typing error."""
    if internship_start is None or decided_on is None or decided_on >= internship_start:
        return None
    return str(_l("The decision date %(date)s cannot be before the internship started (%(start)s).",
                  date=day_text(decided_on), start=day_text(internship_start)))


def job_start_problem(internship_start: date | None, job_start: date | None) -> str | None:
    """Return why a job found through an internship cannot start on ``job_start``, or None."""
    if internship_start is None or job_start is None or job_start >= internship_start:
        return None
    return str(_l("The job cannot start on %(job)s, before the internship started (%(start)s).",
                  job=day_text(job_start), start=day_text(internship_start)))


# Query parameters -----------------------------------------------------------------------------------------------

#: Query parameters that hold words (a search, a purpose in the reader's words), never a number.
TEXT_PARAMETERS = frozenset({"q", "purpose_note"})


def _clean_query() -> None:
    """Strip control characters from every query parameter; refuse a number beyond the integer range (400)."""
    args = request.args
    if any(has_control_characters(k) or has_control_characters(v) for k, v in args.items(multi=True)):
        request.args = ImmutableMultiDict([(strip_control_characters(k), strip_control_characters(v))
                                           for k, v in args.items(multi=True)])
    for name, value in request.args.items(multi=True):  # page, ids (?user=, ?partnership=…)
        if name in TEXT_PARAMETERS:
            continue  # words, whatever they look like
        raw = value.strip()
        digits = raw.removeprefix("-").removeprefix("+")
        if digits.isascii() and digits.isdigit() and (len(digits) > 12 or not in_int_range(int(raw))):
            abort(400, description=f"The query parameter {name} must be a whole number from {INT_MIN} to {INT_MAX}"
                                   f"{' (pages from 1)' if name == 'page' else ''}.")


def register_converter(app: Flask) -> None:
    """Replace the ``int`` URL converter; call before any blueprint is registered."""
    app.url_map.converters["int"] = BoundedIntConverter


def init_app(app: Flask) -> None:
    app.before_request(_clean_query)
