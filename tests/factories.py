"""Small builders for test rows; each flushes, the test commits when it needs to."""

import itertools
from datetime import date

from placement.auth import services as auth_services
from placement.auth.models import Partnership, Role, User
from placement.extensions import db
from placement.geo import lookup
from placement.network.cvr import make_valid_cvr
from placement.network.models import Company, CompanyKind, JobFunction, Mentor
from placement.participants.models import Participant

PASSWORD = "correct horse battery"
_seq = itertools.count(1)
_cvr_seeds = itertools.count(2_000_000)

PARTNERSHIP_POSTCODES = {"Randers": "8900", "Aarhus": "8543", "Ringkøbing-Skjern": "6900", "Frederikshavn": "9870"}


def partnership(name: str = "Randers") -> Partnership:
    p = Partnership(name=name, municipality=f"{name} Kommune", education_place=f"Uddannelsessted {name}",
                    postcode=PARTNERSHIP_POSTCODES.get(name, "8900"))
    db.session.add(p)
    db.session.commit()
    return p


def user(role: Role, partnership: Partnership, *, email: str | None = None, mentor: Mentor | None = None) -> User:
    n = next(_seq)
    u = auth_services.create_user(email=email or f"{role.value}{n}@example.com", name=f"{role.value} {n}",
                                  password=PASSWORD, role=role, partnership=partnership,
                                  mentor_id=mentor.id if mentor else None)
    db.session.commit()
    return u


def cvr() -> str:
    """Return a fresh valid CVR number."""
    while True:
        try:
            return make_valid_cvr(next(_cvr_seeds))
        except ValueError:
            continue


def company(partnership: Partnership, *, name: str | None = None, postcode: str = "8900", town: str = "Randers C",
            kind: CompanyKind = CompanyKind.ORDINARY, **fields) -> Company:
    c = Company(partnership=partnership, cvr=fields.pop("cvr", None) or cvr(),
                name=name or f"Virksomhed {next(_seq)} ApS", postcode=postcode, town=town, kind=kind, **fields)
    db.session.add(c)
    db.session.commit()
    return c


def mentor(company: Company, *, name: str | None = None, **fields) -> Mentor:
    m = Mentor(company=company, name=name or f"Mentor {next(_seq)}", email=fields.pop("email", ""), **fields)
    db.session.add(m)
    db.session.commit()
    return m


def job_function(company: Company, *, title: str = "Lagermedarbejder", **fields) -> JobFunction:
    j = JobFunction(company=company, title=title, **fields)
    db.session.add(j)
    db.session.commit()
    return j


def participant(partnership: Partnership, *, name: str | None = None, postcode: str = "8900", **fields) -> Participant:
    """A young person in a resource course; town and coordinates follow the postcode."""
    place = lookup(postcode)
    p = Participant(partnership=partnership, name=name or f"Ung {next(_seq)}",
                    date_of_birth=fields.pop("date_of_birth", date(2002, 5, 17)),
                    home_municipality=fields.pop("home_municipality", partnership.municipality),
                    postcode=postcode, town=fields.pop("town", place.town if place else ""),
                    latitude=fields.pop("latitude", place.latitude if place else None),
                    longitude=fields.pop("longitude", place.longitude if place else None),
                    course_start=fields.pop("course_start", date(2025, 1, 6)),
                    course_years=fields.pop("course_years", 3), **fields)
    db.session.add(p)
    db.session.commit()
    return p


def meeting(participant: Participant, user: User, *, owner: User | None = None, held_on: date = date(2026, 3, 10),
            kind: str = "network"):
    """A meeting about the young person with one open action, owned by ``owner`` (else a named other person)."""
    from datetime import time

    from placement.course import services as course

    made = course.create_meeting(participant, {"kind": kind, "held_on": held_on, "starts_at": time(10, 0),
                                               "duration_minutes": 60, "place": "Jobcentret, mødelokale 2",
                                               "agenda": "Praktikken", "user_ids": [user.id]}, user)
    course.add_action(made, text="Ringe til virksomheden", owner_id=owner.id if owner else None,
                      owner_name="" if owner else "Mor", deadline=held_on, allowed_owners=[owner.id] if owner else [])
    db.session.commit()
    return made


def status_note(participant: Participant, user: User, *, number: int = 1, final: bool = True, shared: bool = True):
    """The status note of a period, prepared by ``user``; final and shared with the caseworker by default."""
    from placement.course import services as course
    from placement.database import utcnow

    note = course.prepare_note(participant, number, user, date(2100, 1, 1))
    if final:
        course.finalise(note, user, note.version)
    if shared:
        note.shared_at, note.shared_by_id = utcnow(), user.id
    db.session.commit()
    return note
