"""Progress measurements: recording one, the development since the first, and who is due for a new one.

Callers commit. A measurement is never changed: a correction is a new measurement, and one recorded by mistake
(the wrong young person, an impossible date) is withdrawn, with a reason that goes into the audit log.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, or_, select

from placement.audit.services import record_event
from placement.auth.models import User
from placement.extensions import db
from placement.participants.models import Participant
from placement.progress.models import PARAMETER_KEYS, Measurement
from placement.sanity import day_text

#: At the start and at least every six months (report section 7.5).
INTERVAL_MONTHS = 6
#: No measurement before the young person turned 15 (the youngest a resource course takes) ...
MIN_AGE = 15
#: ... nor more than this many months before their course started: the baseline is taken at the start.
MONTHS_BEFORE_START = 3


def add_months(day: date, months: int) -> date:
    """Return the same day ``months`` later (or earlier, when negative), the month's last day if it is shorter."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month + 1, day=min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def earliest_measurement_day(participant: Participant) -> tuple[date, date]:
    """Return (the young person's 15th birthday, three months before their course started)."""
    return (add_months(participant.date_of_birth, 12 * MIN_AGE),
            add_months(participant.course_start, -MONTHS_BEFORE_START))


def measurement_day_problem(participant: Participant, day: date, today: date):
    """Say what is wrong with the date of a young person's measurement, or return None.

    The one check for the page's form and the history import: not in the future, not before the young person
    turned 15, and not more than three months before their course started.
    """
    if day > today:
        return _l("The date cannot be in the future.")
    fifteen, before_start = earliest_measurement_day(participant)
    if day < fifteen:
        return _l("The date cannot be before %(day)s: the young person turned 15 that day.",
                  day=day_text(fifteen))
    if day < before_start:
        return _l("The date cannot be before %(day)s, three months before the course started on %(start)s: "
                  "the first measurement is taken at the start.", day=day_text(before_start),
                  start=day_text(participant.course_start))
    return None


def signed(value: int) -> str:
    """Write a change with its sign, as the report does: +1, +0, -2."""
    return f"{value:+d}"


def changes(first: Mapping[str, int], latest: Mapping[str, int]) -> tuple[int, ...]:
    """Return the change of each parameter, in the order of ``PARAMETER_KEYS``."""
    return tuple(latest[key] - first[key] for key in PARAMETER_KEYS)


def format_development(per_parameter: Sequence[int]) -> str:
    """Write the development as the report does: ``+1, +0, +2, +1 = +4``."""
    return f"{', '.join(signed(c) for c in per_parameter)} = {signed(sum(per_parameter))}"


def scores(measurement: Measurement) -> dict[str, int]:
    return {key: getattr(measurement, key) for key in PARAMETER_KEYS}


@dataclass
class Progress:
    """A young person's measurements, oldest first, and what follows from them."""

    measurements: list[Measurement]
    today: date

    @property
    def first(self) -> Measurement | None:
        return self.measurements[0] if self.measurements else None

    @property
    def latest(self) -> Measurement | None:
        return self.measurements[-1] if self.measurements else None

    @property
    def changes(self) -> tuple[int, ...] | None:
        """The change per parameter from the first to the latest measurement; None before there are two."""
        if len(self.measurements) < 2:
            return None
        return changes(scores(self.first), scores(self.latest))

    @property
    def total_change(self) -> int | None:
        return sum(self.changes) if self.changes is not None else None

    @property
    def formatted(self) -> str | None:
        return format_development(self.changes) if self.changes is not None else None

    @property
    def next_due(self) -> date | None:
        """The day the next measurement is due: six months after the latest (None: never measured)."""
        return add_months(self.latest.measured_on, INTERVAL_MONTHS) if self.latest else None

    @property
    def is_due(self) -> bool:
        return self.latest is None or self.next_due < self.today


def progress_of(participant: Participant, today: date) -> Progress:
    """Return a young person's measurements, oldest first."""
    measurements = db.session.scalars(
        select(Measurement).where(Measurement.participant_id == participant.id)
        .order_by(Measurement.measured_on, Measurement.id)).all()
    return Progress(list(measurements), today)


def record_measurement(participant: Participant, values: Mapping, recorded_by: User | None) -> Measurement:
    """Record a measurement of the four parameters, made with the young person."""
    measurement = Measurement(participant=participant, measured_on=values["measured_on"],
                              comment=(values.get("comment") or "").strip(),
                              recorded_by_id=recorded_by.id if recorded_by is not None else None,
                              **{key: values[key] for key in PARAMETER_KEYS})
    db.session.add(measurement)
    db.session.flush()
    return measurement


def get_measurement(participant: Participant, measurement_id: int) -> Measurement | None:
    """Return one of the young person's measurements (None: no such measurement, or another young person's)."""
    return db.session.scalar(select(Measurement).where(Measurement.id == measurement_id,
                                                       Measurement.participant_id == participant.id))


def withdraw_measurement(measurement: Measurement, reason: str) -> None:
    """Delete a measurement recorded by mistake; the audit log keeps its values and the reason."""
    record_event(db.session, measurement, "withdraw", {"reason": [None, reason.strip()]})
    db.session.delete(measurement)
    db.session.flush()


def due_select(today: date) -> Select:
    """Select (young person, latest measurement date or None) for those whose measurement is due.

    Due: active, the course has started, and never measured or last measured more than six months ago. Never
    measured come first, then the longest waiting. The caller limits it to the young people the user works on.
    """
    latest = (select(Measurement.participant_id, func.max(Measurement.measured_on).label("measured_on"))
              .group_by(Measurement.participant_id).subquery())
    cutoff = add_months(today, -INTERVAL_MONTHS)
    return (select(Participant, latest.c.measured_on)
            .outerjoin(latest, latest.c.participant_id == Participant.id)
            .where(Participant.active, Participant.course_start <= today,
                   or_(latest.c.measured_on.is_(None), latest.c.measured_on < cutoff))
            .order_by(latest.c.measured_on.is_not(None), latest.c.measured_on, Participant.name, Participant.id))
