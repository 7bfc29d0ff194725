"""Young people's records: create, change and list them, and what the pages compute from them. Callers commit."""

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Select, select

from placement.auth.models import Partnership, Role, User
from placement.extensions import db
from placement.geo import lookup_known
from placement.occupations.models import Occupation
from placement.participants.models import Consent, Disruption, Participant, Transport
from placement.profile import DIMENSION_KEYS

#: The ages a resource course is meant for; another age is saved with a warning.
AGE_MIN, AGE_MAX = 18, 30

PARTICIPANT_FIELDS = ("name", "date_of_birth", "home_municipality", "postcode", "cognitive", "psychological",
                      "physical", "health_notes", "interests", *DIMENSION_KEYS, "support_need", "support_notes",
                      "hours_min", "hours_max", "max_km", "course_start", "course_years", "active")
_TEXT_FIELDS = frozenset({"health_notes", "interests", "support_notes"})
#: The case people: the slot on the record → the role the named user has.
CASE_PEOPLE = {"consultant_id": Role.CONSULTANT, "coordinator_id": Role.COORDINATOR,
               "caseworker_id": Role.CASEWORKER}


def local_today() -> date:
    """Return today's date where the service is used (the configured time zone)."""
    return datetime.now(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).date()


def case_people(partnership_id: int, participant: Participant | None = None) -> dict[str, list[User]]:
    """Return, per case-people slot, the users who may be named in it: the partnership's active users with the
    slot's role, and whoever is named there already."""
    users = db.session.scalars(select(User).where(User.partnership_id == partnership_id,
                                                  User.role.in_(CASE_PEOPLE.values()))
                               .order_by(User.name, User.id)).all()
    return {slot: [u for u in users if u.role is role and (
                u.active or (participant is not None and getattr(participant, slot) == u.id))]
            for slot, role in CASE_PEOPLE.items()}


def apply_participant(participant: Participant, data: dict) -> Participant:
    """Set a young person's fields from validated data; town and coordinates follow the postcode."""
    for field in PARTICIPANT_FIELDS:
        if field in data:
            value = data[field]
            setattr(participant, field, "" if value is None and field in _TEXT_FIELDS else value)
    if "disruptions" in data:
        chosen = {Disruption(value) for value in data["disruptions"] or ()}
        participant.disruptions = [d.value for d in Disruption if d in chosen]  # a stable order
    if "transport" in data:
        participant.transport = Transport(data["transport"])
    if "consent" in data:
        participant.consent = Consent(data["consent"]) if data["consent"] else None
    if "consent_date" in data:
        participant.consent_date = data["consent_date"]
    if participant.consent is None:
        participant.consent_date = None
    for slot in CASE_PEOPLE:
        if slot in data:
            setattr(participant, slot, data[slot] or None)
    if "occupation_ids" in data:
        ids = list(dict.fromkeys(data["occupation_ids"] or ()))
        participant.occupations = db.session.scalars(select(Occupation).where(Occupation.id.in_(ids))).all() \
            if ids else []
    place = lookup_known(participant.postcode)
    participant.town, participant.latitude, participant.longitude = place.town, place.latitude, place.longitude
    return participant


def create_participant(partnership: Partnership, data: dict, creator: User | None = None) -> Participant:
    """Add a young person to a partnership; the creator is named in their role's slot when it is empty, so
    they can see what they created."""
    participant = apply_participant(Participant(partnership=partnership), data)
    if creator is not None and creator.partnership_id == partnership.id:
        for slot, role in CASE_PEOPLE.items():
            if creator.role is role and getattr(participant, slot) is None:
                setattr(participant, slot, creator.id)
    db.session.add(participant)
    db.session.flush()
    return participant


# What the pages show -----------------------------------------------------------------------------------------

def age_on(date_of_birth: date, day: date) -> int:
    """Return the age in whole years on a day."""
    return day.year - date_of_birth.year - ((day.month, day.day) < (date_of_birth.month, date_of_birth.day))


def age_warning(date_of_birth: date | None, course_start: date) -> str | None:
    """Return a warning when the young person is not 18–30 at the course start, else None (the record is saved
    anyway): the age that decides whether a resource course fits is the age when it begins."""
    if date_of_birth is None:
        return None
    age = age_on(date_of_birth, course_start)
    if AGE_MIN <= age <= AGE_MAX:
        return None
    return _("Age %(age)s: resource courses are for young people aged %(low)s to %(high)s. Check the date of "
             "birth.", age=age, low=AGE_MIN, high=AGE_MAX)


def add_years(day: date, years: int) -> date:
    """Return the same day some years later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def whole_months(start: date, end: date) -> int:
    """Return the whole months from one day to a later one (0 when ``end`` is not later)."""
    months = (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day)
    return max(months, 0)


@dataclass(frozen=True, slots=True)
class Course:
    start: date
    #: None while the course length is unknown.
    end: date | None
    years: int | None
    #: "not_started", "running" or "ended".
    state: str
    #: Whole months in the course so far (up to its end).
    months: int


def course(participant: Participant, today: date) -> Course:
    """Describe the young person's resource course as of today."""
    years = participant.course_years
    end = add_years(participant.course_start, years) if years else None
    if today < participant.course_start:
        state = "not_started"
    elif end is None or today < end:
        state = "running"
    else:
        state = "ended"
    months = years * 12 if state == "ended" else whole_months(participant.course_start, today)
    return Course(participant.course_start, end, participant.course_years, state, months)


# Listing -----------------------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ParticipantFilters:
    #: None: any; 0: nobody named as consultant.
    consultant_id: int | None = None
    status: str = "active"
    sort: str = "name"


PARTICIPANT_SORTS = {
    "name": (Participant.name, Participant.id),
    # Youngest first.
    "age": (Participant.date_of_birth.desc(), Participant.name, Participant.id),
    "course_start": (Participant.course_start, Participant.name, Participant.id),
}


#: The most matches a name search shows (a search narrows; it is not a listing).
NAME_SEARCH_LIMIT = 100


def name_matches(stmt: Select, query: str) -> list[int]:
    """Return the ids, in the listing's order, of the young people whose name holds every word of ``query``.

    Compared case-folded in Python, so "ørsted" finds "Ørsted" on SQLite too (its ``lower()`` knows ASCII only).
    """
    words = query.casefold().split()
    rows = db.session.execute(stmt.with_only_columns(Participant.id, Participant.name)).all()
    found = [ident for ident, name in rows if all(word in name.casefold() for word in words)]
    return found[:NAME_SEARCH_LIMIT]


def participant_query(base: Select, filters: ParticipantFilters) -> Select:
    """Filter and sort a listing of young people (``base`` is already limited to what the user may see)."""
    stmt = base
    if filters.consultant_id == 0:
        stmt = stmt.where(Participant.consultant_id.is_(None))
    elif filters.consultant_id is not None:
        stmt = stmt.where(Participant.consultant_id == filters.consultant_id)
    if filters.status == "active":
        stmt = stmt.where(Participant.active)
    elif filters.status == "inactive":
        stmt = stmt.where(~Participant.active)
    return stmt.order_by(*PARTICIPANT_SORTS.get(filters.sort, PARTICIPANT_SORTS["name"]))
