"""Progress measurements: recording one, the development since the first, and who is due for a new one.

Callers commit. A measurement is never changed or deleted: a correction is a new measurement.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, func, or_, select

from placement.auth.models import User
from placement.extensions import db
from placement.participants.models import Participant
from placement.progress.models import PARAMETER_KEYS, Measurement

#: At the start and at least every six months (report section 7.5).
INTERVAL_MONTHS = 6


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
