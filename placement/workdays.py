"""Danish working days: meetings the service proposes fall on a weekday that is not a public holiday.

The public holidays are those of the ``holidays`` package for Denmark (New Year's Day, Maundy Thursday, Good
Friday, Easter, Ascension Day, Whitsun, Christmas Day and Boxing Day; Great Prayer Day until 2023).
"""

from datetime import date, timedelta
from functools import cache

import holidays


@cache
def _public_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("DK", years=year))


def is_workday(day: date) -> bool:
    """Tell whether the day is a Monday to Friday that is not a Danish public holiday."""
    return day.weekday() < 5 and day not in _public_holidays(day.year)


def next_workday(day: date) -> date:
    """Return the day itself when it is a working day, else the first working day after it."""
    while not is_workday(day):
        day += timedelta(days=1)
    return day
