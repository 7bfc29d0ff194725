"""Matching between the database and the pure engine (``placement.matching``): build, cache, rank, explain.

The service suggests; a person decides. Nothing here acts on a score: no internship is proposed, booked or
assigned and no record changes because of a ranking. The consultant reads the suggestions with their reasons
and decides together with the young person and the mentor.

**What the engine sees of the network.** One row per *active* job function of an *active* company in the
partnership (a deactivated one is not offered at all; a job function without places is kept and shown as
excluded with its reason):

* ``free_places`` = the job function's ``places`` minus the places its confirmed and active internship
  agreements hold (``placement.agreements.services.places_taken``), at least 0.
* ``mentor_experience`` / ``mentor_free_capacity`` = the assigned mentor's ``experience_level``, and
  ``max_interns`` minus the mentor's confirmed and active interns (``interns_of``), at least 0.
  A job function *without an active mentor* keeps the engine's documented semantics
  (``Job``: "a job function without a mentor has 0 and is excluded"): capacity 0, experience 1 (unused,
  the row is excluded). The report makes the company mentor part of every internship (section 8.3), so a
  place without one is not a suggestion; but its reason reads "Ingen mentor tilknyttet", not the engine's
  "mentor at capacity", because the consultant must fix something else (name a mentor).
* ``hires`` / ``ended``: the ended internships at the job function's *company* and how many of them ended in a
  hire (``track_record``); a company without ended internships stays neutral (0.5).
* coordinates: the job function's own location, else its company's (``placement.network.services.coordinates``).
* the interest document: title, tasks, the occupation's label and synonyms, and its 4-digit ISCO group.

**Cache.** Each worker process keeps the last builds per partnership in memory, keyed by the partnership's
revision counters (``placement.revisions``: they move in the very transaction that changes a record, so every
worker, on any host, sees a change on its next request, without a restart or messages between processes).
The network itself (arrays and interest model: seconds at 50,000 job functions) is built once; when the
*network revision* moves, the job functions of the companies, mentors and job functions changed since are read again
and replace their rows in a new copy (``revisions.Incremental``: milliseconds, the interest model is ``updated``, not
fitted again); a job function no longer offered keeps its row, marked not ``present``. It is built again when the
change cannot be followed row by row (an occupation, the lexicon, a bulk import) or when more than ``REBUILD_SHARE`` of
its rows changed since it was built (the interest model's word weights are those of the build). What the internships
make of it
(places taken, mentors' interns, companies' track records: three grouped queries, ``occupancy``) is read again
when the *data revision* moves (an agreement confirmed, ended …); the interest model is shared between the two.
Both revisions come with the partnership row the session loader reads at the start of every request, so checking
them costs no query.

**Ranked and explained results** are kept too (``MAX_CACHED_MATCHES`` per worker, least recently used first out),
keyed by everything they depend on: the partnership's data revision (it moves with the network, the internships, the
weights and every young person's record, chosen occupations included), the young person's id and row version, the
service's today, the locale (the component labels and numbers are formatted once, when the result is built) and the
filters, the limit and whether the excluded job functions were asked for. A result holds no ORM object (``JobView``
instead of a ``JobFunction``), so requests in other sessions may share it. What a request shows is checked and
audited by the view every time; only the ranking is reused. The excluded job functions are counted, with a count per
reason, from the engine's bitmask; they are loaded and explained only when asked for (``excluded=True``).

**The young person's own history** is part of the result (read inside the cached computation: every agreement change
moves the data revision, and so does a job check). Each suggestion carries its marks (``HistoryMark``): the young
person's earlier, current and pending internships at the same job function, else at the same company (ended,
declined, sent, confirmed, active; drafts and cancelled plans are not shown), each with its date and outcome. A job
function where an internship ended without a hire because the young person did not fit the workplace
(``NotHiredReason.WORKPLACE``) is *lowered*: ranked after every other job function that fits, in the engine's order
among themselves, and its mark says why. The engine (``placement.matching``) knows nothing of this: the lowering is a
reordering here, after ranking. The result's ``status`` notes an active or confirmed internship and a job (the latest
hire, unless its latest recorded job check says no longer employed).

**Near misses** (``MatchFilters.near_miss``): job functions excluded *only* because they are too far or their hours do
not fit, by at most ``NEAR_MISS_SHARE`` (10 %) of the young person's limit (km over the travel limit; hours between
the offered and the wished range), are listed among the suggestions, ranked by their total like the others, each
marked with the figures (``Scored.near_miss``), never silently.
"""

from __future__ import annotations

import functools
import math
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import date
from pathlib import Path
from typing import NamedTuple

import numpy as np
from flask_babel import format_decimal, get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, or_, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from placement import revisions, sanity
from placement.agreements import services as agreement_services
from placement.agreements.models import HOLDS_PLACE, Agreement, Decision, NotHiredReason, Outcome, State
from placement.auth.access import participant_scope
from placement.auth.models import Partnership
from placement.extensions import db
from placement.lexicon.services import lexicon_for
from placement.matches.models import MatchingWeights
from placement.matching import (
    COMPONENTS,
    Exclusion,
    InterestModel,
    Job,
    JobArrays,
    JobDocument,
    Match,
    PeopleArrays,
    Person,
    Ranking,
    Weights,
    score_job,
    score_person,
)
from placement.matching.explain import SAME_PLACE_KM, explain, sentences
from placement.matching.types import PHYSICAL_LOAD
from placement.network.models import Company, CompanyKind, JobFunction, Mentor
from placement.network.services import coordinates
from placement.occupations import services as occupation_services
from placement.participants.models import Participant
from placement.profile import DIMENSION_KEYS
from placement.retention.models import Employment
from placement.retention.services import checks_of
from placement.snapshots import SnapshotStore

#: How many suggestions the pages show.
TOP = 20
#: How many of a suggestion's strongest reasons the list shows beside its total.
STRONGEST = 3
#: How many partnerships' networks one worker keeps built (more only after many test apps in one process).
MAX_CACHED_NETWORKS = 64
#: The network is built again when more of its rows than this share (and ``REBUILD_MIN_ROWS``) changed since its build.
REBUILD_SHARE = 0.1
REBUILD_MIN_ROWS = 200
#: How many ranked and explained results one worker keeps (young person × filters × locale; a few MB).
MAX_CACHED_MATCHES = 128
#: A result showing more job functions than this (every fitting one, or the excluded ones, of a large network)
#: is not kept: it would hold much memory for a rare request.
MAX_CACHED_ROWS = 100
#: The engine needs a positive travel limit; a young person recorded with 0 km is matched within 1 km.
MIN_TRAVEL_KM = 1
#: Reason shown instead of the engine's "mentor at capacity" for a job function without an active mentor.
NO_MENTOR_REASON = "Ingen mentor tilknyttet"
#: A near miss is at most this share beyond the young person's limit: km over the travel limit, hours between the
#: offered and the wished range (of the wished bound it misses).
NEAR_MISS_SHARE = 0.10
#: The hard filters a near miss may break (only these, and only by a little).
NEAR_MISS_EXCLUSIONS = Exclusion.TOO_FAR | Exclusion.HOURS_DONT_FIT
#: The young person's agreements the matches mark: drafts and cancelled plans never reached the workplace.
MARKED_STATES = (State.SENT, State.CONFIRMED, State.DECLINED, State.ACTIVE, State.ENDED)
#: A bit the engine never sets, used here to hold lowered rows back while the others are ordered.
_LOWERED_BIT = 128

COMPONENT_LABELS = {
    "interests": _l("Interests"),
    "structure": _l("Structure and predictability"),
    "demands": _l("Pace and demands"),
    "social": _l("Social contact and sensory load"),
    "support": _l("Mentor support"),
    "hours": _l("Hours"),
    "distance": _l("Distance"),
    "track_record": _l("Earlier internships"),
}

#: ISCO-08 (DISCO-08) major groups: the first digit of an occupation's group, the "occupation area" filter.
AREAS = {
    "1": _l("Managers"),
    "2": _l("Professionals"),
    "3": _l("Technicians and associate professionals"),
    "4": _l("Clerical support workers"),
    "5": _l("Service and sales workers"),
    "6": _l("Skilled agricultural, forestry and fishery workers"),
    "7": _l("Craft and related trades workers"),
    "8": _l("Plant and machine operators and assemblers"),
    "9": _l("Elementary occupations"),
    "0": _l("Armed forces occupations"),
}


# The network, built and cached per partnership ---------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class NetworkIndex:
    """A partnership's job functions as engine input; row i of every array is ``job_ids[i]``. Only rows whose
    ``present`` is true are offered (a job function deactivated since the build keeps its row, not present).

    Never changed after it is built (a change in the network makes a new one), so requests may share it.
    """

    partnership_id: int
    job_ids: np.ndarray
    jobs: JobArrays
    #: None when there are no job functions.
    model: InterestModel | None
    #: ``CompanyKind`` value per row.
    kinds: np.ndarray
    #: ISCO major group (one digit) per row, "" when the job function names no occupation.
    areas: np.ndarray
    #: False where the job function has no active mentor.
    has_mentor: np.ndarray
    #: False where the job function is no longer offered (deactivated, or its company).
    present: np.ndarray = field(repr=False, default_factory=lambda: np.zeros(0, dtype=bool))
    #: Rows changed since the network was built (``REBUILD_SHARE``).
    changed: int = 0
    #: What the places and the mentors' room are computed from (see ``with_occupancy``): the job function's
    #: places, its active mentor's id (-1: none) and that mentor's ``max_interns`` (0: none), its company's id.
    places: np.ndarray = field(repr=False, default_factory=lambda: np.zeros(0, dtype=np.int64))
    mentor_ids: np.ndarray = field(repr=False, default_factory=lambda: np.zeros(0, dtype=np.int64))
    max_interns: np.ndarray = field(repr=False, default_factory=lambda: np.zeros(0, dtype=np.int64))
    company_ids: np.ndarray = field(repr=False, default_factory=lambda: np.zeros(0, dtype=np.int64))

    def __len__(self) -> int:
        return len(self.job_ids)

    @functools.cached_property
    def _id_order(self) -> tuple[np.ndarray, np.ndarray]:
        """The job function ids in ascending order and the row of each (a dict would take ten times the memory)."""
        order = np.argsort(self.job_ids, kind="stable")
        return self.job_ids[order], order

    def rows_of(self, job_function_ids: Sequence[int]) -> np.ndarray:
        """The row of each job function, present or not; -1 where it has none."""
        wanted = np.asarray(job_function_ids, dtype=np.int64)
        if not len(self):
            return np.full(len(wanted), -1, dtype=np.int64)
        ids, rows = self._id_order
        at = np.minimum(np.searchsorted(ids, wanted), len(ids) - 1)
        return np.where(ids[at] == wanted, rows[at], -1)

    @property
    def offered(self) -> int:
        """How many job functions are offered."""
        return int(np.count_nonzero(self.present))

    def room(self, row: int) -> Room:
        """What the job function of ``row`` offers room for (the figures of an exclusion)."""
        return Room(bool(self.has_mentor[row]), int(self.places[row]), int(self.max_interns[row]))

    def offered_row(self, job_function_id: int) -> int | None:
        """The row of an offered job function, None when it is not offered."""
        row = int(self.rows_of([job_function_id])[0])
        return row if row >= 0 and self.present[row] else None

    def with_occupancy(self, occupancy: Occupancy) -> NetworkIndex:
        """The same network with the places taken, the mentors' interns and the companies' track records of
        ``occupancy``: only these four columns are computed again (vectorised), the interest model is shared."""
        if not len(self):
            return self
        record = occupancy.record
        jobs = self.jobs.with_occupancy(
            free_places=np.maximum(self.places - _per_row(occupancy.taken, self.job_ids), 0),
            mentor_free_capacity=np.maximum(self.max_interns - _per_row(occupancy.interns, self.mentor_ids), 0),
            hires=_per_row({company: hires for company, (hires, _ended) in record.items()}, self.company_ids),
            ended=_per_row({company: ended for company, (_hires, ended) in record.items()}, self.company_ids))
        copy = replace(self, jobs=jobs)
        copy.__dict__["_id_order"] = self._id_order  # the same rows: found once, on the kept structure
        return copy


def _per_row(counts: dict[int, int], keys: np.ndarray) -> np.ndarray:
    """``counts[key]`` for each row's key, 0 where there is none (vectorised: the counts are few, the rows many)."""
    out = np.zeros(len(keys), dtype=np.int64)
    counts = {key: count for key, count in counts.items() if key is not None}  # an agreement without a mentor
    if not counts:
        return out
    known = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
    values = np.fromiter(counts.values(), dtype=np.int64, count=len(counts))
    order = np.argsort(known)
    known, values = known[order], values[order]
    at = np.minimum(np.searchsorted(known, keys), len(known) - 1)
    hit = known[at] == keys
    out[hit] = values[at[hit]]
    return out


@dataclass(frozen=True, slots=True)
class Occupancy:
    """What the partnership's internships make of its network: places taken per job function, interns per
    mentor (confirmed and active agreements), and (hires, ended) per company."""

    taken: dict[int, int]
    interns: dict[int, int]
    record: dict[int, tuple[int, int]]


def occupancy(partnership_id: int) -> Occupancy:
    """Read the partnership's occupancy: three grouped queries over its internships, whatever the network's size."""
    own = Agreement.partnership_id == partnership_id
    holding = own & Agreement.state.in_(HOLDS_PLACE)
    taken = db.session.execute(select(Agreement.job_function_id, func.count(Agreement.id)).where(holding)
                               .group_by(Agreement.job_function_id)).all()
    interns = db.session.execute(select(Agreement.mentor_id, func.count(Agreement.id)).where(holding)
                                 .group_by(Agreement.mentor_id)).all()
    record = db.session.execute(
        select(JobFunction.company_id, func.count(Agreement.id).filter(Agreement.outcome != Outcome.NOT_HIRED),
               func.count(Agreement.id))
        .join(Agreement.job_function).where(own, Agreement.state == State.ENDED)
        .group_by(JobFunction.company_id)).all()
    return Occupancy(dict(taken), dict(interns), {company: (hires, ended) for company, hires, ended in record})


def _active_mentor(job_function: JobFunction) -> Mentor | None:
    mentor = job_function.mentor
    return mentor if mentor is not None and mentor.active else None


def job_for(job_function: JobFunction, *, taken: int = 0, interns: int = 0, hires: int = 0, ended: int = 0) -> Job:
    """Return the engine's view of one job function (see the module docstring for each field).

    ``taken``: places its agreements hold; ``interns``: its mentor's current interns; ``hires`` of ``ended``:
    its company's track record.
    """
    mentor = _active_mentor(job_function)
    place = coordinates(job_function)
    lat, lon = place if place is not None else (None, None)
    profile = job_function.profile()
    return Job(
        id=job_function.id,
        profile=tuple(profile[key] for key in DIMENSION_KEYS),
        hours_min=job_function.hours_min,
        hours_max=job_function.hours_max,
        lat=lat,
        lon=lon,
        free_places=max(job_function.places - taken, 0),
        mentor_experience=mentor.experience_level if mentor is not None else 1,
        mentor_free_capacity=float(max(mentor.max_interns - interns, 0)) if mentor is not None else 0.0,
        hires=hires,
        ended=ended,
    )


def document_for(job_function: JobFunction) -> JobDocument:
    """Return the searchable text of one job function: title, tasks, occupation label, synonyms, ISCO group."""
    occupation = job_function.occupation
    if occupation is None:
        return JobDocument(title=job_function.title, tasks=job_function.tasks or "")
    return JobDocument(title=job_function.title, tasks=job_function.tasks or "",
                       occupation_labels=(occupation.label,), synonyms=_synonyms(occupation.alt_labels or ""),
                       isco=occupation.isco_group or "", occupation=occupation.uri or "")


@functools.lru_cache(maxsize=8192)
def _synonyms(alt_labels: str) -> tuple[str, ...]:
    """An occupation's synonyms as one tuple shared by all its job functions' documents (and their snapshot)."""
    return tuple(s for s in alt_labels.splitlines() if s.strip())


def build_network(partnership_id: int) -> NetworkIndex:
    """Build the engine input for a partnership's offered job functions from the database (its occupancy
    included)."""
    return _network_structure(partnership_id).with_occupancy(occupancy(partnership_id))


def _network_query(partnership_id: int):
    return (select(JobFunction).join(JobFunction.company).where(Company.partnership_id == partnership_id)
            .options(contains_eager(JobFunction.company), selectinload(JobFunction.mentor),
                     selectinload(JobFunction.occupation))
            .order_by(JobFunction.id))


def _columns(rows: Sequence[JobFunction]) -> dict[str, np.ndarray]:
    """The per-row columns of ``NetworkIndex`` for these job functions (``jobs`` and ``model`` apart)."""
    mentors = [_active_mentor(job) for job in rows]
    return {
        "job_ids": np.array([job.id for job in rows], dtype=np.int64),
        "kinds": np.array([job.company.kind.value for job in rows], dtype=object),
        "areas": np.array([(job.occupation.isco_group or "")[:1] if job.occupation else "" for job in rows],
                          dtype=object),
        "has_mentor": np.array([mentor is not None for mentor in mentors], dtype=bool),
        "present": np.array([job.active and job.company.active for job in rows], dtype=bool),
        "places": np.array([job.places for job in rows], dtype=np.int64),
        "mentor_ids": np.array([mentor.id if mentor else -1 for mentor in mentors], dtype=np.int64),
        "max_interns": np.array([mentor.max_interns if mentor else 0 for mentor in mentors], dtype=np.int64),
        "company_ids": np.array([job.company_id for job in rows], dtype=np.int64),
    }


def _network_structure(partnership_id: int) -> NetworkIndex:
    """Build the network as its companies, mentors, job functions and occupations make it, with every place free
    (``with_occupancy`` adds what the internships take)."""
    stmt = _network_query(partnership_id).where(Company.active, JobFunction.active)
    rows = list(db.session.scalars(stmt).unique())
    documents = [document_for(job) for job in rows]
    model = InterestModel(documents, catalogue=occupation_services.matching_catalogue(),
                          lexicon=lexicon_for(partnership_id)) if rows else None
    return NetworkIndex(partnership_id=partnership_id, jobs=JobArrays.from_jobs(job_for(job) for job in rows),
                        model=model, **_columns(rows))


#: The fields of ``JobArrays`` given to its constructor (the others are derived from them).
_JOB_FIELDS = tuple(f.name for f in fields(JobArrays) if f.init)


def _updated_structure(old: NetworkIndex, changes: revisions.NetworkChanges) -> NetworkIndex:
    """``old`` with the job functions of the changed companies, mentors and job functions read again: their rows
    replaced, new ones appended (see the module docstring); built again when too much changed."""
    partnership_id = old.partnership_id
    stmt = _network_query(partnership_id).where(or_(JobFunction.id.in_(changes.job_function_ids),
                                                    JobFunction.company_id.in_(changes.company_ids),
                                                    JobFunction.mentor_id.in_(changes.mentor_ids)))
    found = list(db.session.scalars(stmt).unique())
    found_rows = old.rows_of([job.id for job in found]).tolist()
    known = [job for job, row in zip(found, found_rows, strict=True) if row >= 0]
    added = [job for job, row in zip(found, found_rows, strict=True) if row < 0 and job.active and job.company.active]
    changed = old.changed + len(known) + len(added)
    if old.model is None or changed > max(REBUILD_MIN_ROWS, REBUILD_SHARE * len(old)):
        return _network_structure(partnership_id)
    if not known and not added:
        return old
    rows = np.array([row for row in found_rows if row >= 0], dtype=np.int64)
    part = _columns(known + added)
    columns = {}
    for name, values in part.items():
        column = np.concatenate([getattr(old, name), values[len(known):]])
        column[rows] = values[:len(known)]
        columns[name] = column
    part_jobs = JobArrays.from_jobs(job_for(job) for job in known + added)
    job_columns = {}
    for name in _JOB_FIELDS:
        column = np.concatenate([getattr(old.jobs, name), getattr(part_jobs, name)[len(known):]])
        column[rows] = getattr(part_jobs, name)[:len(known)]
        job_columns[name] = column
    model = old.model.updated({int(row): document_for(job) for row, job in zip(rows, known, strict=True)},
                              [document_for(job) for job in added])
    return NetworkIndex(partnership_id=partnership_id, jobs=JobArrays(**job_columns), model=model, changed=changed,
                        **columns)


#: The networks as built and kept up to date (per network revision) and with their occupancy (per data revision),
#: the newest of each partnership, per worker.
_structures: revisions.Incremental[NetworkIndex] = revisions.Incremental(
    MAX_CACHED_NETWORKS, store=SnapshotStore("network", code=[Path(__file__), *Path(__file__).parent.parent.joinpath(
        "matching").glob("*.py")]))
_networks: revisions.Cache[NetworkIndex] = revisions.Cache(MAX_CACHED_NETWORKS)


def network(partnership_id: int) -> NetworkIndex:
    """Return the partnership's network index as of now: updated when its network revision moved, its occupancy
    read again when its data revision moved (see the module docstring)."""
    data_key = revisions.key((partnership_id,))

    def compute() -> NetworkIndex:
        structure = _structures.get(partnership_id, lambda: _network_structure(partnership_id), _updated_structure)
        return structure.with_occupancy(occupancy(partnership_id))

    return _networks.get(data_key, compute, slot=(data_key[0], partnership_id))


def forget_networks() -> None:
    """Drop every cached network and result (they also rebuild by themselves when the network changes)."""
    _structures.clear()
    _networks.clear()
    with _results_lock:
        _results.clear()


# Young people --------------------------------------------------------------------------------------------------

def person_for(participant: Participant) -> Person:
    """Return the engine's view of a young person: needs, support need, hours, home and travel limit."""
    profile = participant.profile()
    return Person(
        id=participant.id,
        needs=tuple(profile[key] for key in DIMENSION_KEYS),
        support_need=participant.support_need,
        hours_min=participant.hours_min,
        hours_max=participant.hours_max,
        lat=participant.latitude,
        lon=participant.longitude,
        max_km=max(participant.max_km or 0, MIN_TRAVEL_KM),
    )


def interest_text(participant: Participant) -> str:
    """Return what the young person likes: the free text and the labels of the chosen occupations, each its own
    phrase (the interest model resolves a phrase to the occupations it names)."""
    return ", ".join(part for part in [participant.interests or "",
                                        *(occupation.label for occupation in participant.occupations)] if part)


def isco_codes(participant: Participant) -> list[str]:
    """Return the ISCO groups of the young person's chosen occupations."""
    return [occupation.isco_group for occupation in participant.occupations if occupation.isco_group]


# Weights -------------------------------------------------------------------------------------------------------

def _weights_of(values: Sequence[float] | None) -> tuple[Weights, bool]:
    """Return the weights of a partnership's row of weights (``COMPONENTS`` order; None: it has none) and whether
    it has its own row."""
    if values is None:
        return Weights(), False
    try:
        return Weights(*values), True
    except (TypeError, ValueError):  # not a usable row (e.g. every weight 0): fall back to the defaults
        return Weights(), True


def _partnership_weights(partnership_id: int) -> tuple[Weights, bool]:
    """Return the partnership's weights (the defaults when it has none) and whether it has its own row."""
    row = db.session.get(MatchingWeights, partnership_id)
    return _weights_of(None if row is None else [getattr(row, name) for name in COMPONENTS])


def weights_for(partnership_id: int) -> Weights:
    """Return the partnership's weights, or the documented defaults (``Weights()``) when it has none."""
    return _partnership_weights(partnership_id)[0]


def has_own_weights(partnership_id: int) -> bool:
    """Tell whether the partnership has changed the default weights."""
    return _partnership_weights(partnership_id)[1]


def save_weights(partnership: Partnership, data: dict) -> MatchingWeights:
    """Store the partnership's weights, normalised to sum to 1; raise ValueError when none is positive."""
    weights = Weights(*(float(data[name]) for name in COMPONENTS)).normalised()
    row = db.session.get(MatchingWeights, partnership.id)
    if row is None:
        row = MatchingWeights(partnership_id=partnership.id)
        db.session.add(row)
    for name, value in zip(COMPONENTS, weights.as_tuple(), strict=True):
        setattr(row, name, value)
    db.session.flush()
    return row


def reset_weights(partnership: Partnership) -> None:
    """Go back to the default weights."""
    row = db.session.get(MatchingWeights, partnership.id)
    if row is not None:
        db.session.delete(row)
        db.session.flush()


# Results -------------------------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ComponentScore:
    name: str
    #: 0–1.
    value: float
    #: Normalised weight (all weights sum to 1).
    weight: float
    #: Short Danish sentence from the engine.
    sentence: str
    #: The component's name and its weight ("25 %") as the pages show them, in the locale the result was built in.
    label: str
    weight_text: str

    @property
    def percent(self) -> int:
        return round(self.value * 100)


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a pair is excluded: ``code`` is stable (``Exclusion`` name in lower case, or "no_mentor")."""

    code: str
    label: str
    #: The figures behind it on the pages ("38,2 km, limit 15 km"); "" when there are none to give.
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Scored:
    """One scored pair with everything a page or the API shows.

    ``subject`` is a ``JobView`` (a young person's matches), a ``JobFunction`` (a comparison) or a ``Participant``
    (a job function's candidates).
    """

    subject: object
    total: float
    #: km, None when unknown.
    distance_km: float | None
    #: The distance as the pages show it ("8,8 km"), in the locale the result was built in.
    distance_text: str
    components: list[ComponentScore]
    #: The engine's Danish lines "<label> <value> (vægt <w> %): <why>".
    explanations: list[str]
    #: Empty when the pair passes every hard filter.
    reasons: list[Reason]
    #: 1-based place among the suggestions; None for an excluded pair.
    rank: int | None = None
    match: Match | None = None
    #: A near miss shown among the suggestions (``MatchFilters.near_miss``): the limits it is just over, with figures.
    near_miss: tuple[Reason, ...] = ()
    #: The young person's internships at this job function, else at its company, newest first.
    history: tuple[HistoryMark, ...] = ()
    #: Why it is ranked after every other job function that fits; "" when it is not lowered.
    lowered: str = ""

    @property
    def percent(self) -> int:
        return round(self.total * 100)

    @property
    def bar_pct(self) -> int:
        """The total rounded to steps of 5, for ``.bar[data-pct]``."""
        return round(self.total * 20) * 5

    @property
    def excluded(self) -> bool:
        return bool(self.reasons)

    def component(self, name: str) -> ComponentScore:
        return next(c for c in self.components if c.name == name)

    def strongest(self, count: int = STRONGEST) -> list[ComponentScore]:
        """The components that add most to the total (score × weight), best first: what the list shows of the
        explanation while its table is folded away."""
        return sorted((c for c in self.components if c.weight > 0), key=lambda c: -c.value * c.weight)[:count]


@dataclass(frozen=True, slots=True)
class HistoryMark:
    """One of the young person's internships where a suggestion is: at the same job function or the same company."""

    agreement_id: int
    job_function_id: int
    company_id: int
    #: False: at another job function of the same company.
    same_job_function: bool
    state: State
    outcome: Outcome | None
    not_hired_reason: NotHiredReason | None
    #: The day the mark gives: the end of an ended internship, else its (planned) start.
    day: date
    #: The mark as the pages show it, in the locale the result was built in.
    text: str

    @property
    def lowers(self) -> bool:
        """Whether it lowers the job function: it ended without a hire because of the workplace."""
        return (self.same_job_function and self.state is State.ENDED and self.outcome is Outcome.NOT_HIRED
                and self.not_hired_reason is not None and self.not_hired_reason.tied_to_workplace)


@dataclass(frozen=True, slots=True)
class StatusNote:
    """What the young person is doing now: in an internship, one confirmed, or in a job (``kind``)."""

    kind: str
    agreement_id: int
    job_function_id: int
    title: str
    company_id: int
    company_name: str
    #: Since when (an active internship, a job) or from when (a confirmed internship).
    since: date
    outcome: Outcome | None
    #: The note as the page shows it, in the locale the result was built in.
    text: str


@dataclass(frozen=True, slots=True)
class CompanyView:
    id: int
    name: str
    kind: CompanyKind


@dataclass(frozen=True, slots=True)
class OccupationView:
    id: int
    label: str
    isco_group: str | None


@dataclass(frozen=True, slots=True)
class JobView:
    """What a young person's matches show of a job function: plain values, so that a kept result holds no ORM
    object (nothing to load lazily, nothing tied to one request's session)."""

    id: int
    title: str
    #: Where the work happens (the job function's own location, else its company's).
    postcode: str
    town: str
    company: CompanyView
    occupation: OccupationView | None

    @property
    def company_id(self) -> int:
        return self.company.id

    @classmethod
    def of(cls, job: JobFunction) -> JobView:
        occupation = job.occupation
        return cls(id=job.id, title=job.title, postcode=job.postcode, town=job.town,
                   company=CompanyView(job.company.id, job.company.name, job.company.kind),
                   occupation=None if occupation is None else OccupationView(occupation.id, occupation.label,
                                                                             occupation.isco_group))


@dataclass(frozen=True, slots=True)
class MatchFilters:
    """Narrow which job functions are considered. ``max_km`` is at most the young person's own limit."""

    max_km: int | None = None
    #: A ``CompanyKind`` value.
    kind: str | None = None
    #: An ISCO major group (one digit).
    area: str | None = None
    #: Also list the job functions just over the travel limit or outside the hours (``NEAR_MISS_SHARE``).
    near_miss: bool = False


@dataclass(frozen=True, slots=True, eq=False, weakref_slot=True)
class ParticipantMatches:
    """A young person's ranked and explained matches. Holds no ORM object: a worker keeps it for the next
    request with the same inputs (see the module docstring), so nothing in it may be changed. Compared by identity,
    so that a view may keep what it made of a result (its rendering) as long as the result is kept."""

    filters: MatchFilters
    weights: Weights
    #: Whether the partnership has its own weights (else the defaults apply).
    own_weights: bool
    suggestions: list[Scored]
    #: The considered job functions that break a hard filter, best total first; empty unless asked for.
    excluded: list[Scored]
    #: How many considered job functions break a hard filter (always counted), and how many for each reason
    #: (a job function with two reasons counts under both), in the engine's order of reasons.
    excluded_count: int
    excluded_reasons: list[tuple[Reason, int]]
    #: Job functions the partnership offers, and how many of them the filters left.
    offered: int
    considered: int
    #: Considered job functions that pass every hard filter, with the near misses when they are asked for
    #: (``suggestions`` may show only the best of them).
    fitting: int = 0
    #: Of ``fitting``, the near misses (0 unless ``filters.near_miss``).
    near_misses: int = 0
    #: The young person is in an internship, has one confirmed, or has a job: notes for the top of the page.
    status: tuple[StatusNote, ...] = ()


@dataclass(frozen=True, slots=True)
class JobFunctionCandidates:
    job_function: JobFunction
    weights: Weights
    #: False when the job function (or its company) is deactivated: nobody is ranked for it.
    offered: bool
    candidates: list[Scored]
    excluded: list[Scored]
    #: Active young people of the partnership whom the user may see.
    considered: int


class Room(NamedTuple):
    """What a job function offers room for (an exclusion's figures): whether it has an active mentor, its places and
    how many interns its mentor takes at a time."""

    has_mentor: bool
    places: int
    max_interns: int


def _reason(exclusion: Exclusion, has_mentor: bool) -> Reason:
    if exclusion is Exclusion.MENTOR_AT_CAPACITY and not has_mentor:
        return Reason("no_mentor", NO_MENTOR_REASON)
    return Reason(exclusion.name.lower(), exclusion.label)


def _reasons(mask: int, room: Room, person, job, km: float) -> list[Reason]:
    """The reasons set in ``mask`` for the pair (``person``, ``job``), each with its figures."""
    return [replace(reason, detail=_reason_detail(reason.code, person, job, km, room))
            for reason in (_reason(exclusion, room.has_mentor) for exclusion in Exclusion.reasons(mask))]


def _hours(low: float, high: float) -> str:
    return f"{format_decimal(low)}–{format_decimal(high)}"


def _reason_detail(code: str, person, job, km: float, room: Room) -> str:
    """The figures of one exclusion reason: how far against the limit, the hours offered against those wished, the
    places all taken, the mentor's number of interns at a time, the physical load against what can be managed (a job
    function without a mentor has no figure)."""
    if code == "too_far" and not math.isnan(km):
        return _("%(km)s km, limit %(limit)s km", km=format_decimal(round(km, 1)), limit=format_decimal(person.max_km))
    if code == "hours_dont_fit":
        return _("offers %(offer)s hours a week, wished %(wish)s", offer=_hours(job.hours_min, job.hours_max),
                 wish=_hours(person.hours_min, person.hours_max))
    if code == "no_free_place":
        return ngettext("%(num)d place, taken", "%(num)d places, all taken", room.places) if room.places \
            else _("no places offered")
    if code == "mentor_at_capacity":
        return ngettext("the mentor takes %(num)d intern at a time", "the mentor takes %(num)d interns at a time",
                        room.max_interns) if room.max_interns else _("the mentor takes no interns")
    if code == "physical_load":
        return _("demands %(demand)d, manageable %(tolerance)d (scale 1–5)", demand=job.profile[PHYSICAL_LOAD],
                 tolerance=person.needs[PHYSICAL_LOAD])
    return ""


def exclusion_counts(exclusions: np.ndarray, has_mentor: np.ndarray) -> list[tuple[Reason, int]]:
    """Count the excluded rows per reason from the engine's bitmasks (``has_mentor`` per row), in the engine's
    order of reasons; a row with two reasons counts under both, a reason no row has is left out."""
    counts = []
    for exclusion in Exclusion:
        hit = (exclusions & exclusion.value) != 0
        if exclusion is Exclusion.MENTOR_AT_CAPACITY:
            groups = ((_reason(exclusion, True), hit & has_mentor), (_reason(exclusion, False), hit & ~has_mentor))
        else:
            groups = ((_reason(exclusion, True), hit),)
        counts += [(reason, n) for reason, mask in groups if (n := int(np.count_nonzero(mask)))]
    return counts


def component_captions(weights: Weights) -> list[tuple[str, str]]:
    """Return each component's label and its weight ("25 %") in the current locale, in ``COMPONENTS`` order."""
    return [(str(COMPONENT_LABELS[name]), f"{format_decimal(round(weight * 100, 1))} %")
            for name, weight in zip(COMPONENTS, weights.as_tuple(), strict=True)]


def distance_text(km: float | None) -> str:
    """Return a distance as the pages show it, in the current locale: "8,8 km", or "unknown"."""
    if km is None:
        return _("unknown")
    return _("same postcode") if km < SAME_PLACE_KM else f"{format_decimal(round(km, 1))} km"


def _scored(ranking: Ranking, i: int, subject, room: Room, captions: list[tuple[str, str]],
            rank: int | None = None) -> Scored:
    """Describe row ``i`` of a ranking: components with weights and sentences, the reasons if excluded.

    ``captions``: ``component_captions(ranking.weights)``, made once per ranking.
    """
    person, job = ranking.pair(i)
    values = [float(v) for v in ranking.components[i]]
    km = float(ranking.distance_km[i])
    weights = ranking.weights.as_tuple()
    evidence = ranking.evidence(i) if ranking.evidence is not None else None
    texts = sentences(person, job, values, km, evidence)
    lines = explain(person, job, values, km, ranking.weights, evidence)
    total = float(ranking.totals[i])
    match = None
    if rank is not None:
        match = Match(job_id=job.id, person_id=person.id, total=total,
                      components=dict(zip(COMPONENTS, values, strict=True)), explanations=lines)
    distance = None if math.isnan(km) else km
    return Scored(
        subject=subject,
        total=total,
        distance_km=distance,
        distance_text=distance_text(distance),
        components=[ComponentScore(name, values[k], weights[k], texts[name], *captions[k])
                    for k, name in enumerate(COMPONENTS)],
        explanations=lines,
        reasons=_reasons(int(ranking.exclusions[i]), room, person, job, km),
        rank=rank,
        match=match,
    )


def _subset(ranking: Ranking, rows: np.ndarray) -> Ranking:
    """The same ranking restricted to ``rows`` (the engine's order and tie-break apply unchanged)."""
    evidence = ranking.evidence
    return Ranking(ranking.ids[rows], ranking.components[rows], ranking.totals[rows], ranking.exclusions[rows],
                   ranking.distance_km[rows], ranking.weights, lambda i: ranking.pair(int(rows[i])),
                   None if evidence is None else lambda i: evidence(int(rows[i])))


def _excluded_rows(ranking: Ranking) -> np.ndarray:
    """Excluded rows, best total first, then by interest (evidence, not id), then by id (deterministic, like the
    engine's own order)."""
    rows = np.flatnonzero(ranking.exclusions)
    total_key = -np.rint(ranking.totals[rows] * 1e9)
    interest_key = -np.rint(ranking.components[rows, 0] * 1e9)
    return rows[np.lexsort((ranking.ids[rows], interest_key, total_key))]


def _scope(index: NetworkIndex, filters: MatchFilters, distance_km: np.ndarray) -> np.ndarray:
    """Rows the filters keep. A job function whose distance is unknown is kept by a distance filter (as the
    engine never excludes it as too far)."""
    keep = index.present.copy()
    if filters.kind:
        keep &= index.kinds == filters.kind
    if filters.area:
        keep &= index.areas == filters.area
    if filters.max_km is not None:
        with np.errstate(invalid="ignore"):
            keep &= ~(distance_km > filters.max_km)
    return keep


def _job_functions(ids: Sequence[int]) -> dict[int, JobFunction]:
    if not ids:
        return {}
    stmt = (select(JobFunction).where(JobFunction.id.in_(list(ids)))
            .options(selectinload(JobFunction.company), selectinload(JobFunction.mentor),
                     selectinload(JobFunction.occupation)))
    return {job.id: job for job in db.session.scalars(stmt)}


def _shown(ids: Sequence[int]) -> tuple[dict[int, JobView], dict[int, JobDocument]]:
    """Load what the matches show of these job functions and their documents (for the interest evidence): one query
    (company and occupation joined)."""
    if not ids:
        return {}, {}
    stmt = (select(JobFunction).where(JobFunction.id.in_(list(ids)))
            .options(joinedload(JobFunction.company), joinedload(JobFunction.occupation)))
    jobs = list(db.session.scalars(stmt))
    return {job.id: JobView.of(job) for job in jobs}, {job.id: document_for(job) for job in jobs}


def _rank_person(participant: Participant, index: NetworkIndex, weights: Weights,
                 documents: dict[int, JobDocument]) -> Ranking | None:
    """Rank the network for a young person. The ranking's interest evidence of a row is read from ``documents`` (job
    function id → its document: the model keeps no texts), which the caller fills for the rows it shows."""
    if not len(index):
        return None
    if index.model is None:
        return score_person(person_for(participant), index.jobs, np.zeros(len(index)), weights)
    model = index.model
    query = model.query(interest_text(participant), isco_codes(participant))
    return score_person(person_for(participant), index.jobs, model.similarity(query), weights,
                        evidence=lambda i: model.evidence(query, i, documents[int(index.job_ids[i])]))


_results: OrderedDict[tuple, ParticipantMatches] = OrderedDict()
_results_lock = threading.Lock()


def _kept(key: tuple) -> ParticipantMatches | None:
    with _results_lock:
        result = _results.get(key)
        if result is not None:
            _results.move_to_end(key)
        return result


def _keep(key: tuple, result: ParticipantMatches) -> None:
    if len(result.suggestions) + len(result.excluded) > MAX_CACHED_ROWS:
        return
    with _results_lock:
        _results[key] = result
        _results.move_to_end(key)
        while len(_results) > MAX_CACHED_MATCHES:
            _results.popitem(last=False)


def matches_for_participant(participant: Participant, filters: MatchFilters | None = None,
                            limit: int | None = TOP, *, excluded: bool = True) -> ParticipantMatches:
    """Rank the partnership's job functions for a young person: the best ``limit`` (all when None), and, when
    ``excluded``, the excluded ones explained (they are always counted).

    A result is kept and reused while nothing it depends on changes (see the module docstring). Suggestions
    only: nothing is assigned or changed.
    """
    filters = filters or MatchFilters()
    if filters.max_km is not None and filters.max_km > participant.max_km:
        filters = replace(filters, max_km=max(participant.max_km, MIN_TRAVEL_KM))
    partnership_id = participant.partnership_id
    # The partnership's data revision moves with every change to its network, internships, weights and young
    # people (their chosen occupations included): with the young person's row version, the whole key.
    key = (revisions.key((partnership_id,)), participant.id, participant.version, agreement_services.today(),
           str(get_locale()), filters, limit, excluded)
    result = _kept(key)
    if result is None:
        weights, own_weights = _partnership_weights(partnership_id)
        result = _explained_matches(participant, network(partnership_id), weights, own_weights, filters, limit,
                                    excluded)
        _keep(key, result)
    return result


def _explained_matches(participant: Participant, index: NetworkIndex, weights: Weights, own_weights: bool,
                       filters: MatchFilters, limit: int | None, excluded: bool) -> ParticipantMatches:
    agreements = _agreements_of(participant)
    history = participant_history(agreements)
    status = status_notes(agreements)
    documents: dict[int, JobDocument] = {}
    ranking = _rank_person(participant, index, weights, documents)
    if ranking is None:
        return ParticipantMatches(filters, weights.normalised(), own_weights, [], [], 0, [], 0, 0, status=status)
    rows = np.flatnonzero(_scope(index, filters, ranking.distance_km))
    sub = _subset(ranking, rows)
    near = near_misses(sub, index.jobs, rows, person_for(participant)) if filters.near_miss \
        else np.zeros(len(rows), dtype=bool)
    # What the list treats as excluded: the near misses asked for count as fitting (they are marked, not hidden).
    effective = np.where(near, np.uint8(0), sub.exclusions).astype(sub.exclusions.dtype)
    lowered_ids = [past.job_function_id for past in history if past.lowers]
    lowered = np.isin(sub.ids, lowered_ids) & (effective == 0)
    top = _ordered_with_lowered_last(sub, effective, lowered, limit)
    listed = _with_exclusions(sub, effective)
    shown_excluded = [int(i) for i in _excluded_rows(listed)] if excluded else []
    jobs, shown_documents = _shown([int(sub.ids[i]) for i in top + shown_excluded])
    documents.update(shown_documents)
    # A job function deleted since this request began is left out rather than failing the page.
    top = [i for i in top if int(sub.ids[i]) in jobs]
    shown_excluded = [i for i in shown_excluded if int(sub.ids[i]) in jobs]
    captions = component_captions(ranking.weights)

    def scored(i: int, rank: int | None = None) -> Scored:
        row = int(rows[i])
        job = jobs[int(sub.ids[i])]
        result = _scored(sub, i, job, index.room(row), captions, rank)
        marks = marks_for(history, job)
        changes: dict = {"history": marks}
        if rank is not None and near[i]:
            changes.update(reasons=[], near_miss=tuple(result.reasons))
        if rank is not None and lowered[i]:
            changes["lowered"] = _("lowered: stopped here, did not fit the workplace")
        return replace(result, **changes)

    return ParticipantMatches(
        filters=filters,
        weights=ranking.weights,
        own_weights=own_weights,
        suggestions=[scored(i, rank) for rank, i in enumerate(top, start=1)],
        excluded=[scored(i) for i in shown_excluded],
        excluded_count=int(np.count_nonzero(effective)),
        excluded_reasons=exclusion_counts(effective, index.has_mentor[rows]),
        offered=index.offered,
        considered=len(rows),
        fitting=int(np.count_nonzero(effective == 0)),
        near_misses=int(np.count_nonzero(near)),
        status=status,
    )


def _with_exclusions(ranking: Ranking, exclusions: np.ndarray) -> Ranking:
    """The same ranking with other exclusion bits (the engine's order and tie-break apply unchanged)."""
    return Ranking(ranking.ids, ranking.components, ranking.totals, exclusions, ranking.distance_km, ranking.weights,
                   ranking.pair, ranking.evidence)


def _ordered_with_lowered_last(ranking: Ranking, exclusions: np.ndarray, lowered: np.ndarray,
                               limit: int | None) -> list[int]:
    """The best ``limit`` rows that fit (``exclusions`` 0), the ``lowered`` ones after all the others, each part in
    the engine's order. Work stays proportional to ``limit``: the lowered rows are few (the young person's own)."""
    ahead = _with_exclusions(ranking, np.where(lowered, np.uint8(_LOWERED_BIT), exclusions).astype(exclusions.dtype))
    top = [int(i) for i in ahead.order(limit)]
    if lowered.any() and (limit is None or len(top) < limit):
        behind = _with_exclusions(ranking, np.where(lowered, np.uint8(0), np.uint8(_LOWERED_BIT)))
        top += [int(i) for i in behind.order(None if limit is None else limit - len(top))]
    return top


def near_misses(ranking: Ranking, jobs: JobArrays, rows: np.ndarray, person: Person) -> np.ndarray:
    """Tell per row of ``ranking`` (row i is ``rows[i]`` of ``jobs``) whether it is a near miss: excluded only as too
    far and/or for its hours, each by at most ``NEAR_MISS_SHARE`` of the young person's limit."""
    exclusions = ranking.exclusions.astype(np.int64)
    only_near = (exclusions != 0) & ((exclusions & ~int(NEAR_MISS_EXCLUSIONS)) == 0)
    with np.errstate(invalid="ignore"):
        far_ok = ~(ranking.distance_km > person.max_km * (1 + NEAR_MISS_SHARE))
    job_min, job_max = jobs.hours_min[rows].astype(np.float64), jobs.hours_max[rows].astype(np.float64)
    gap = np.maximum(person.hours_min, job_min) - np.minimum(person.hours_max, job_max)
    bound = np.where(job_max < person.hours_min, person.hours_min, person.hours_max)
    hours_ok = gap <= bound * NEAR_MISS_SHARE + 1e-9
    too_far = (exclusions & int(Exclusion.TOO_FAR)) != 0
    hours = (exclusions & int(Exclusion.HOURS_DONT_FIT)) != 0
    return only_near & (~too_far | far_ok) & (~hours | hours_ok)


# The young person's history ------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class PastInternship:
    """One of the young person's internships that the matches mark, as plain values, with its mark's two texts."""

    agreement_id: int
    job_function_id: int
    company_id: int
    state: State
    outcome: Outcome | None
    not_hired_reason: NotHiredReason | None
    day: date
    #: The mark at its own job function, and at another job function of the same company.
    text_here: str
    text_at_company: str

    @property
    def lowers(self) -> bool:
        """Whether it lowers its job function: it ended without a hire because of the workplace."""
        return (self.state is State.ENDED and self.outcome is Outcome.NOT_HIRED
                and self.not_hired_reason is not None and self.not_hired_reason.tied_to_workplace)


def _agreements_of(participant: Participant) -> list[Agreement]:
    """The young person's agreements the matches mark (``MARKED_STATES``), their job functions and companies loaded:
    one query, whatever the network's size."""
    stmt = (select(Agreement).where(Agreement.participant_id == participant.id, Agreement.state.in_(MARKED_STATES))
            .options(joinedload(Agreement.job_function).joinedload(JobFunction.company))
            .order_by(Agreement.id))
    return list(db.session.scalars(stmt).unique())


def participant_history(agreements: Sequence[Agreement]) -> tuple[PastInternship, ...]:
    """Return the marks of the young person's internships (``_agreements_of``), newest first."""
    past = [PastInternship(a.id, a.job_function_id, a.job_function.company_id, a.state, a.outcome,
                           a.not_hired_reason, _day_of(a), mark_text(a, a.job_function.title, True),
                           mark_text(a, a.job_function.title, False)) for a in agreements]
    return tuple(sorted(past, key=lambda p: (p.day, p.agreement_id), reverse=True))


def _day_of(agreement: Agreement) -> date:
    if agreement.state is State.ENDED and agreement.ended_on is not None:
        return agreement.ended_on
    return agreement.start_date


def mark_text(agreement: Agreement, title: str, same_job_function: bool) -> str:
    """Say what became of an internship at a suggestion's job function (or, ``same_job_function`` False, at another
    job function of its company): "Earlier internship here: ended 3 June 2026 – not hired (health)"."""
    state, day = agreement.state, sanity.day_text(_day_of(agreement))
    earlier = state in (State.ENDED, State.DECLINED)
    if same_job_function:
        where = _("Earlier internship here") if earlier else _("Internship here")
    else:
        where = (_("Earlier internship at this company (%(title)s)", title=title) if earlier
                 else _("Internship at this company (%(title)s)", title=title))
    if state is State.ENDED:
        outcome = agreement.outcome
        if outcome is None:
            what = _("ended %(date)s, no outcome recorded yet", date=day)
        elif outcome.is_hire:
            what = _("ended %(date)s – hired: %(outcome)s", date=day, outcome=str(outcome.label).lower())
        elif agreement.not_hired_reason is not None:
            what = _("ended %(date)s – not hired (%(reason)s)", date=day,
                     reason=str(agreement.not_hired_reason.label).lower())
        else:
            what = _("ended %(date)s – not hired", date=day)
    elif state is State.ACTIVE:
        what = _("active since %(date)s", date=day)
    elif state is State.CONFIRMED:
        what = _("confirmed by the mentor, starts %(date)s", date=day)
    elif state is State.SENT:
        what = _("plan sent to the mentor, start %(date)s", date=day)
    else:
        what = _("the plan was declined by the mentor (start %(date)s)", date=day)
    return f"{where}: {what}"


def marks_for(history: Sequence[PastInternship], job: JobView) -> tuple[HistoryMark, ...]:
    """The marks of one suggestion: the internships at its job function, else those at its company (naming the
    other job function)."""
    same = [p for p in history if p.job_function_id == job.id]
    at_company = same or [p for p in history if p.company_id == job.company_id]
    return tuple(HistoryMark(p.agreement_id, p.job_function_id, p.company_id, bool(same), p.state, p.outcome,
                             p.not_hired_reason, p.day, p.text_here if same else p.text_at_company)
                 for p in at_company)


def status_notes(agreements: Sequence[Agreement]) -> tuple[StatusNote, ...]:
    """The notes for the top of the page: an active internship, a confirmed one, and a job (the latest hire,
    unless its latest recorded job check says the young person is no longer employed)."""
    notes = [_note(kind, a) for kind, state in (("internship", State.ACTIVE), ("confirmed", State.CONFIRMED))
             for a in agreements if a.state is state]
    hires = sorted((a for a in agreements if a.state is State.ENDED and a.outcome is not None and a.outcome.is_hire
                    and a.decision is not Decision.REJECTED),
                   key=lambda a: (a.outcome_start or a.ended_on or a.start_date, a.id), reverse=True)
    if hires and not _no_longer_employed(hires[0]):
        notes.append(_note("job", hires[0]))
    return tuple(notes)


def _no_longer_employed(agreement: Agreement) -> bool:
    recorded = [check for check in checks_of(agreement) if check.status is not None]
    return bool(recorded) and recorded[-1].status is Employment.NOT_EMPLOYED


def _note(kind: str, agreement: Agreement) -> StatusNote:
    job = agreement.job_function
    company = job.company.name
    if kind == "job":
        since = agreement.outcome_start or agreement.ended_on or agreement.start_date
        text = _("In a job since %(date)s: %(outcome)s at %(company)s (%(title)s).", date=sanity.day_text(since),
                 outcome=agreement.outcome.label, company=company, title=job.title)
    elif kind == "internship":
        since = agreement.start_date
        text = _("In an internship now: %(title)s at %(company)s, since %(date)s.", title=job.title,
                 company=company, date=sanity.day_text(since))
    else:
        since = agreement.start_date
        text = _("Has a confirmed internship: %(title)s at %(company)s, from %(date)s.", title=job.title,
                 company=company, date=sanity.day_text(since))
    return StatusNote(kind, agreement.id, job.id, job.title, job.company_id, company, since, agreement.outcome,
                      text)


def compare(participant: Participant, job_function_ids: Sequence[int]) -> list[Scored]:
    """Score the named job functions for a young person side by side (excluded ones with their reasons).

    Raise LookupError when one of them is not offered in the young person's partnership.
    """
    index = network(participant.partnership_id)
    documents: dict[int, JobDocument] = {}
    ranking = _rank_person(participant, index, weights_for(participant.partnership_id), documents)
    if ranking is None or any(index.offered_row(ident) is None for ident in job_function_ids):
        raise LookupError("job function not offered in this partnership")
    ordered = ranking.order()
    place = {int(row): rank for rank, row in enumerate(ordered[index.present[ordered]], start=1)}
    jobs = _job_functions(job_function_ids)
    documents.update({ident: document_for(job) for ident, job in jobs.items()})
    captions = component_captions(ranking.weights)
    out = []
    for ident in job_function_ids:
        row = index.offered_row(ident)
        out.append(_scored(ranking, row, jobs[ident], index.room(row), captions, place.get(row)))
    return out


def candidates_for_job_function(job_function: JobFunction, user, limit: int | None = None) -> JobFunctionCandidates:
    """Rank the partnership's active young people whom ``user`` may see for a job function.

    ``user`` must be the logged-in user: who may see whom is decided by ``participant_scope``, which reads it.
    Suggestions only: nothing is assigned or changed.
    """
    if not getattr(user, "is_authenticated", False) or user.id != getattr(current_user, "id", None):
        raise ValueError("candidates are ranked for the logged-in user only")
    partnership_id = job_function.company.partnership_id
    weights = weights_for(partnership_id)
    index = network(partnership_id)
    row = index.offered_row(job_function.id)
    if row is None:
        return JobFunctionCandidates(job_function, weights.normalised(), False, [], [], 0)
    stmt = participant_scope(select(Participant).where(Participant.partnership_id == partnership_id,
                                                       Participant.active), Participant)
    people = list(db.session.scalars(stmt.options(selectinload(Participant.occupations)).order_by(Participant.id)))
    if not people:
        return JobFunctionCandidates(job_function, weights.normalised(), True, [], [], 0)
    arrays = PeopleArrays.from_people([person_for(p) for p in people])
    if index.model is not None:
        model, document = index.model, document_for(job_function)
        interests = model.people([interest_text(p) for p in people], [isco_codes(p) for p in people])
        ranking = score_job(index.jobs, row, arrays, model.similarity_to_people(row, interests), weights,
                            evidence=lambda i: model.evidence(interests.queries[i], row, document))
    else:
        ranking = score_job(index.jobs, row, arrays, np.zeros(len(people)), weights)
    by_id = {p.id: p for p in people}
    room = index.room(row)
    captions = component_captions(ranking.weights)
    top = [int(i) for i in ranking.order(limit)]
    return JobFunctionCandidates(
        job_function=job_function,
        weights=ranking.weights,
        offered=True,
        candidates=[_scored(ranking, i, by_id[int(ranking.ids[i])], room, captions, rank)
                    for rank, i in enumerate(top, start=1)],
        excluded=[_scored(ranking, int(i), by_id[int(ranking.ids[i])], room, captions)
                  for i in _excluded_rows(ranking)],
        considered=len(people),
    )
