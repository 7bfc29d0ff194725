"""Value types of the matching engine: dimensions, weights, exclusions, one person / one job, and column arrays.

Pure: numpy only. Nothing here may import Flask, SQLAlchemy or ``placement.profile`` (which needs both), so the
dimension order is repeated below; ``tests/test_matching_engine.py`` asserts it equals
``placement.profile.DIMENSION_KEYS``.

Scales (all 1–5, see ``placement.profile.DIMENSIONS``):

* job side (``profile``): what the workplace offers (structure, predictability) or demands (pace, social contact,
  physical load, sensory load, independence expected);
* young person's side (``needs``): the *need* for structure and predictability, the *tolerance* of pace, social
  contact, physical load and sensory load, and their own *independence*.
"""

from __future__ import annotations

import copy
import enum
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields

import numpy as np

#: Must equal ``placement.profile.DIMENSION_KEYS`` (same keys, same order); a test asserts it.
DIMENSION_KEYS: tuple[str, ...] = (
    "structure",
    "predictability",
    "pace",
    "social_contact",
    "physical_load",
    "sensory_load",
    "independence",
)
STRUCTURE, PREDICTABILITY, PACE, SOCIAL_CONTACT, PHYSICAL_LOAD, SENSORY_LOAD, INDEPENDENCE = range(7)
SCALE_MIN = 1
SCALE_MAX = 5

#: Columns of ``Ranking.components``, in this order.
COMPONENTS: tuple[str, ...] = (
    "interests",
    "structure",
    "demands",
    "social",
    "support",
    "hours",
    "distance",
    "track_record",
)

#: Mean Earth radius (IUGG) in km, used by the haversine distance.
EARTH_RADIUS_KM = 6371.0088
#: Anything this close scores 1 on distance.
NEAR_KM = 2.0
#: Physical load at least this far above the young person's tolerance excludes the job function.
PHYSICAL_LOAD_MARGIN = 2
#: Score of an unknown distance (a job function or a young person without coordinates): neutral, never excluded.
UNKNOWN_DISTANCE_SCORE = 0.5
#: Beta(a, b) prior of the track record: a company without ended internships scores a / (a + b) = 0.5.
TRACK_PRIOR_A = 1.0
TRACK_PRIOR_B = 1.0


class Exclusion(enum.IntFlag):
    """Hard filters. A job function is excluded for a young person when any bit is set; all reasons are kept."""

    NO_FREE_PLACE = 1
    MENTOR_AT_CAPACITY = 2
    HOURS_DONT_FIT = 4
    TOO_FAR = 8
    PHYSICAL_LOAD = 16

    @property
    def label(self) -> str:
        """Short Danish text for the UI."""
        return _EXCLUSION_LABELS[self]

    @classmethod
    def reasons(cls, mask: int) -> list[Exclusion]:
        """Return the single reasons set in ``mask``, in declaration order."""
        return [reason for reason in cls if int(mask) & reason.value]


_EXCLUSION_LABELS = {
    Exclusion.NO_FREE_PLACE: "Ingen ledige praktikpladser",
    Exclusion.MENTOR_AT_CAPACITY: "Mentoren har ikke plads til flere praktikanter",
    Exclusion.HOURS_DONT_FIT: "Arbejdstiden passer ikke",
    Exclusion.TOO_FAR: "For langt væk",
    Exclusion.PHYSICAL_LOAD: "Fysisk belastning klart over det, der kan klares",
}


@dataclass(frozen=True, slots=True)
class Weights:
    """Weights of the score components. Defaults sum to 1; the engine always scores with ``normalised()``.

    Interests weigh most (the young person chooses a work area from interest, report 8.1); the job's fit with
    the need for structure and the tolerance of demands come next; the rest refine.
    """

    interests: float = 0.25
    structure: float = 0.15
    demands: float = 0.15
    social: float = 0.10
    support: float = 0.10
    hours: float = 0.10
    distance: float = 0.10
    track_record: float = 0.05

    def __post_init__(self) -> None:
        values = self.as_tuple()
        if any(not math.isfinite(v) or v < 0 for v in values):
            raise ValueError("weights must be finite and non-negative")
        if sum(values) <= 0:
            raise ValueError("at least one weight must be positive")

    def as_tuple(self) -> tuple[float, ...]:
        """Return the weights in ``COMPONENTS`` order."""
        return tuple(float(getattr(self, name)) for name in COMPONENTS)

    def normalised(self) -> Weights:
        """Return the same proportions scaled to sum to 1."""
        values = self.as_tuple()
        total = math.fsum(values)
        return Weights(*(v / total for v in values))


def _profile_tuple(values: Iterable[int], what: str) -> tuple[int, ...]:
    out = tuple(int(v) for v in values)
    if len(out) != len(DIMENSION_KEYS):
        raise ValueError(f"{what} needs {len(DIMENSION_KEYS)} values in DIMENSION_KEYS order")
    if any(not SCALE_MIN <= v <= SCALE_MAX for v in out):
        raise ValueError(f"{what} values must be {SCALE_MIN}–{SCALE_MAX}")
    return out


def _check_hours(low: float, high: float) -> None:
    if not (0 <= low <= high):
        raise ValueError("hours need 0 <= hours_min <= hours_max")


def _coordinate(value: float | None) -> float:
    return math.nan if value is None else float(value)


@dataclass(frozen=True, slots=True)
class Person:
    """One young person. ``needs`` in ``DIMENSION_KEYS`` order (need / tolerance / independence, 1–5).

    ``support_need`` is 1–5; hours are per week; ``lat``/``lon`` may be None or NaN (distance unknown);
    ``max_km`` is how far they can travel (> 0).
    """

    id: int
    needs: tuple[int, ...]
    support_need: int
    hours_min: float
    hours_max: float
    lat: float
    lon: float
    max_km: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "needs", _profile_tuple(self.needs, "needs"))
        if not SCALE_MIN <= int(self.support_need) <= SCALE_MAX:
            raise ValueError("support_need must be 1–5")
        _check_hours(self.hours_min, self.hours_max)
        if not (self.max_km > 0):
            raise ValueError("max_km must be positive")
        object.__setattr__(self, "lat", _coordinate(self.lat))
        object.__setattr__(self, "lon", _coordinate(self.lon))


@dataclass(frozen=True, slots=True)
class Job:
    """One job function (a row of ``JobArrays``). ``profile`` in ``DIMENSION_KEYS`` order (1–5).

    ``mentor_free_capacity`` is how many more interns the mentor can take (may be fractional, e.g. when a
    mentor's time is shared; a job function without a mentor has 0 and is excluded). ``hires`` of ``ended``
    earlier internships at the company led to a job.
    """

    id: int
    profile: tuple[int, ...]
    hours_min: float
    hours_max: float
    lat: float
    lon: float
    free_places: int
    mentor_experience: int
    mentor_free_capacity: float
    hires: int = 0
    ended: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "profile", _profile_tuple(self.profile, "profile"))
        _check_hours(self.hours_min, self.hours_max)
        if not SCALE_MIN <= int(self.mentor_experience) <= SCALE_MAX:
            raise ValueError("mentor_experience must be 1–5")
        if not 0 <= self.hires <= self.ended:
            raise ValueError("need 0 <= hires <= ended")
        object.__setattr__(self, "lat", _coordinate(self.lat))
        object.__setattr__(self, "lon", _coordinate(self.lon))


@dataclass(frozen=True, slots=True)
class Match:
    """One ranked pair. ``components`` maps each name of ``COMPONENTS`` to its 0–1 score."""

    job_id: int
    person_id: int
    total: float
    components: dict[str, float]
    explanations: list[str]


# Column arrays -----------------------------------------------------------------------------------------------

_JOB_DTYPES: dict[str, type] = {
    "ids": np.int64,
    "profile": np.int8,
    "hours_min": np.float64,
    "hours_max": np.float64,
    "lat": np.float64,
    "lon": np.float64,
    "free_places": np.int32,
    "mentor_experience": np.int8,
    "mentor_free_capacity": np.float64,
    "hires": np.int32,
    "ended": np.int32,
}
_PEOPLE_DTYPES: dict[str, type] = {
    "ids": np.int64,
    "needs": np.int8,
    "support_need": np.int8,
    "hours_min": np.float64,
    "hours_max": np.float64,
    "lat": np.float64,
    "lon": np.float64,
    "max_km": np.float64,
}


def _coerce(obj, dtypes: dict[str, type], matrix: str) -> int:
    """Convert every array field to its dtype (contiguous, a copy of the caller's data) and check the shapes."""
    n = None
    for name, dtype in dtypes.items():
        arr = np.array(getattr(obj, name), dtype=dtype, order="C", copy=True)
        expected_ndim = 2 if name == matrix else 1
        if arr.ndim != expected_ndim:
            raise ValueError(f"{name} must be {expected_ndim}-dimensional")
        if name == matrix and arr.shape[1] != len(DIMENSION_KEYS):
            raise ValueError(f"{name} must have {len(DIMENSION_KEYS)} columns (DIMENSION_KEYS order)")
        if n is None:
            n = arr.shape[0]
        elif arr.shape[0] != n:
            raise ValueError(f"{name} has {arr.shape[0]} rows, expected {n}")
        object.__setattr__(obj, name, arr)
    if len(np.unique(obj.ids)) != n:
        raise ValueError("ids must be unique")
    m = getattr(obj, matrix)
    if m.size and (m.min() < SCALE_MIN or m.max() > SCALE_MAX):
        raise ValueError(f"{matrix} values must be {SCALE_MIN}–{SCALE_MAX}")
    if np.any(obj.hours_min < 0) or np.any(obj.hours_min > obj.hours_max):
        raise ValueError("hours need 0 <= hours_min <= hours_max")
    return int(n or 0)


@dataclass(frozen=True, eq=False)
class JobArrays:
    """All job functions as columns, one row per job function (row order is free; ``ids`` identify rows).

    Build it with ``from_jobs``; the constructor copies and converts every array. The arrays are owned by this
    object: change a row only through ``update_row`` so the derived columns stay in step.
    """

    ids: np.ndarray
    profile: np.ndarray
    hours_min: np.ndarray
    hours_max: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    free_places: np.ndarray
    mentor_experience: np.ndarray
    mentor_free_capacity: np.ndarray
    hires: np.ndarray
    ended: np.ndarray
    # Derived, float64 and contiguous for the engine: profile columns (7, n), latitude / longitude in radians,
    # cos(latitude) and the track record (which does not depend on the young person).
    profile_cols: np.ndarray = field(init=False, repr=False)
    lat_rad: np.ndarray = field(init=False, repr=False)
    lon_rad: np.ndarray = field(init=False, repr=False)
    cos_lat: np.ndarray = field(init=False, repr=False)
    track_record: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        n = _coerce(self, _JOB_DTYPES, "profile")
        if n and (self.mentor_experience.min() < SCALE_MIN or self.mentor_experience.max() > SCALE_MAX):
            raise ValueError("mentor_experience must be 1–5")
        if np.any(self.hires < 0) or np.any(self.hires > self.ended):
            raise ValueError("need 0 <= hires <= ended")
        object.__setattr__(self, "profile_cols", np.ascontiguousarray(self.profile.T, dtype=np.float64))
        object.__setattr__(self, "lat_rad", np.radians(self.lat))
        object.__setattr__(self, "lon_rad", np.radians(self.lon))
        object.__setattr__(self, "cos_lat", np.cos(self.lat_rad))
        object.__setattr__(self, "track_record", track_record_score(self.hires, self.ended))

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def from_jobs(cls, jobs: Iterable[Job]) -> JobArrays:
        """Build the columns from ``Job`` records (row i = i-th job)."""
        rows = list(jobs)
        return cls(
            ids=[j.id for j in rows],
            profile=np.array([j.profile for j in rows], dtype=np.int8).reshape(len(rows), len(DIMENSION_KEYS)),
            hours_min=[j.hours_min for j in rows],
            hours_max=[j.hours_max for j in rows],
            lat=[j.lat for j in rows],
            lon=[j.lon for j in rows],
            free_places=[j.free_places for j in rows],
            mentor_experience=[j.mentor_experience for j in rows],
            mentor_free_capacity=[j.mentor_free_capacity for j in rows],
            hires=[j.hires for j in rows],
            ended=[j.ended for j in rows],
        )

    def with_occupancy(self, free_places: np.ndarray, mentor_free_capacity: np.ndarray, hires: np.ndarray,
                       ended: np.ndarray) -> JobArrays:
        """The same job functions with other free places, mentor room and track records: only these columns (and the
        track record derived from them) are converted and checked; the others are shared with this object."""
        new = copy.copy(self)
        columns = {"free_places": free_places, "mentor_free_capacity": mentor_free_capacity, "hires": hires,
                   "ended": ended}
        for name, values in columns.items():
            arr = np.array(values, dtype=_JOB_DTYPES[name], order="C", copy=True)
            if arr.shape != (len(self),):
                raise ValueError(f"{name} must have {len(self)} rows")
            object.__setattr__(new, name, arr)
        if np.any(new.hires < 0) or np.any(new.hires > new.ended):
            raise ValueError("need 0 <= hires <= ended")
        object.__setattr__(new, "track_record", track_record_score(new.hires, new.ended))
        return new

    def row(self, index: int) -> Job:
        """Return row ``index`` as a ``Job``."""
        return Job(
            id=int(self.ids[index]),
            profile=tuple(int(v) for v in self.profile[index]),
            hours_min=float(self.hours_min[index]),
            hours_max=float(self.hours_max[index]),
            lat=float(self.lat[index]),
            lon=float(self.lon[index]),
            free_places=int(self.free_places[index]),
            mentor_experience=int(self.mentor_experience[index]),
            mentor_free_capacity=float(self.mentor_free_capacity[index]),
            hires=int(self.hires[index]),
            ended=int(self.ended[index]),
        )

    def rows(self) -> list[Job]:
        """Return every row as a ``Job`` (for the reference implementation and tests)."""
        return [self.row(i) for i in range(len(self))]

    def index_of(self, job_id: int) -> int:
        """Return the row of ``job_id`` (linear scan; keep your own mapping for frequent look-ups)."""
        hits = np.flatnonzero(self.ids == job_id)
        if not len(hits):
            raise KeyError(job_id)
        return int(hits[0])

    def update_row(self, index: int, job: Job) -> None:
        """Overwrite row ``index`` in place with ``job`` (O(1)); derived columns are updated too.

        Not thread-safe against a concurrent ``score_person`` on the same arrays: swap in a copy if you need that.
        """
        if job.id != self.ids[index] and np.any(self.ids == job.id):
            raise ValueError(f"job id {job.id} is already in another row")
        self.ids[index] = job.id
        self.profile[index] = job.profile
        self.profile_cols[:, index] = job.profile
        self.hours_min[index] = job.hours_min
        self.hours_max[index] = job.hours_max
        self.lat[index] = job.lat
        self.lon[index] = job.lon
        self.lat_rad[index] = np.radians(job.lat)
        self.lon_rad[index] = np.radians(job.lon)
        self.cos_lat[index] = np.cos(self.lat_rad[index])
        self.free_places[index] = job.free_places
        self.mentor_experience[index] = job.mentor_experience
        self.mentor_free_capacity[index] = job.mentor_free_capacity
        self.hires[index] = job.hires
        self.ended[index] = job.ended
        self.track_record[index] = track_record_score(int(job.hires), int(job.ended))

    @property
    def nbytes(self) -> int:
        """Bytes held by all arrays, the derived ones included."""
        return sum(getattr(self, f.name).nbytes for f in fields(self))


@dataclass(frozen=True, eq=False)
class PeopleArrays:
    """Many young people as columns, one row per person (for ranking candidates for one job function)."""

    ids: np.ndarray
    needs: np.ndarray
    support_need: np.ndarray
    hours_min: np.ndarray
    hours_max: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    max_km: np.ndarray
    needs_cols: np.ndarray = field(init=False, repr=False)
    lat_rad: np.ndarray = field(init=False, repr=False)
    lon_rad: np.ndarray = field(init=False, repr=False)
    cos_lat: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        n = _coerce(self, _PEOPLE_DTYPES, "needs")
        if n and (self.support_need.min() < SCALE_MIN or self.support_need.max() > SCALE_MAX):
            raise ValueError("support_need must be 1–5")
        if np.any(~(self.max_km > 0)):
            raise ValueError("max_km must be positive")
        object.__setattr__(self, "needs_cols", np.ascontiguousarray(self.needs.T, dtype=np.float64))
        object.__setattr__(self, "lat_rad", np.radians(self.lat))
        object.__setattr__(self, "lon_rad", np.radians(self.lon))
        object.__setattr__(self, "cos_lat", np.cos(self.lat_rad))

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def from_people(cls, people: Sequence[Person]) -> PeopleArrays:
        """Build the columns from ``Person`` records (row i = i-th person)."""
        rows = list(people)
        return cls(
            ids=[p.id for p in rows],
            needs=np.array([p.needs for p in rows], dtype=np.int8).reshape(len(rows), len(DIMENSION_KEYS)),
            support_need=[p.support_need for p in rows],
            hours_min=[p.hours_min for p in rows],
            hours_max=[p.hours_max for p in rows],
            lat=[p.lat for p in rows],
            lon=[p.lon for p in rows],
            max_km=[p.max_km for p in rows],
        )

    def row(self, index: int) -> Person:
        """Return row ``index`` as a ``Person``."""
        return Person(
            id=int(self.ids[index]),
            needs=tuple(int(v) for v in self.needs[index]),
            support_need=int(self.support_need[index]),
            hours_min=float(self.hours_min[index]),
            hours_max=float(self.hours_max[index]),
            lat=float(self.lat[index]),
            lon=float(self.lon[index]),
            max_km=float(self.max_km[index]),
        )

    def rows(self) -> list[Person]:
        """Return every row as a ``Person``."""
        return [self.row(i) for i in range(len(self))]

    @property
    def nbytes(self) -> int:
        """Bytes held by all arrays, the derived ones included."""
        return sum(getattr(self, f.name).nbytes for f in fields(self))


def track_record_score(hires, ended):
    """Posterior mean of the hire rate under a Beta(a, b) prior: (hires + a) / (ended + a + b)."""
    return (hires + TRACK_PRIOR_A) / (ended + (TRACK_PRIOR_A + TRACK_PRIOR_B))


# Evidence of the interest component -------------------------------------------------------------------------

#: How close a job function's occupation is to one the young person's interests name, by what they share.
OCCUPATION_LEVELS: tuple[str, ...] = ("occupation", "unit group", "minor group", "sub-major group", "group")


@dataclass(frozen=True, slots=True)
class OccupationEvidence:
    """The best occupation-level link between an interest and a job function.

    ``phrase`` is the interest as written ("" for an occupation the young person chose); ``via`` how it was
    resolved ("label", "synonym", "lexicon", "chosen"); ``named`` the occupation (or ISCO group) it resolved to;
    ``job_label`` / ``job_isco`` the job function's occupation, ``from_title`` when that was read from its title;
    ``level`` one of ``OCCUPATION_LEVELS``; ``value`` the closeness (0–1).
    """

    phrase: str
    via: str
    named: str
    job_label: str
    job_isco: str
    from_title: bool
    level: str
    value: float


@dataclass(frozen=True, slots=True)
class WordEvidence:
    """A word of an interest found in a job function: in which field ("title", "occupation", "tasks"), in which
    word of it (``found``, e.g. the compound "staldmedhjælper" for "stald")."""

    word: str
    found: str
    field: str
    compound: bool


@dataclass(frozen=True, slots=True)
class InterestEvidence:
    """Why the interest component has its value: the occupation link and the words found (best phrase)."""

    occupation: OccupationEvidence | None = None
    words: tuple[WordEvidence, ...] = ()
