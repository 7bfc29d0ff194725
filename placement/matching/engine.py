"""Vectorised scoring of one young person against every job function, or one job function against many people.

Every formula below is computed the same way, operation for operation, by ``placement.matching.reference``
(plain Python, one pair at a time); the tests check both agree to 1e-9.

Fit of one profile dimension: ``fit(deficit) = 1 - max(0, deficit) / 4``, linear from 1 (need met) to 0 (four
scale steps short). The deficit per dimension (job value o/d/e, young person's value n/t/i):

* structure, predictability: ``n - o`` — more structure than needed is fine, less hurts;
* pace, social contact, physical load, sensory load: ``d - t`` — demands above the tolerance hurt;
* independence: ``e - i`` — expecting more independence than the young person has hurts.

Components, each in [0, 1] (order ``COMPONENTS``):

* ``interests``: supplied (``placement.matching.interests``: occupations named and words shared, uncapped),
  clipped to [0, 1], NaN counts as 0;
* ``structure``: mean of the structure and predictability fits;
* ``demands``: mean of the pace, physical load and independence fits (physical load beyond the hard filter
  below still lowers the score here);
* ``social``: mean of the social contact and sensory load fits;
* ``support``: ``fit(support_need - mentor_experience) * (0.5 + 0.5 * min(1, max(0, mentor_free_capacity)))``;
* ``hours``: weekly hours as whole-hour ranges, both ends included: ``(common + 1) / (wanted + 1)`` with
  ``common = min(max) - max(min)`` and ``wanted = person.hours_max - person.hours_min``, i.e. the share of the
  young person's range the job function can use; a single wanted hour inside the job's range gives 1;
* ``distance``: haversine km; 1 within ``NEAR_KM`` (2 km), else ``clip(1 - km / max_km, 0, 1)``; unknown
  coordinates (NaN) give ``UNKNOWN_DISTANCE_SCORE`` (0.5) and are never excluded as too far;
* ``track_record``: ``(hires + 1) / (ended + 2)`` (Beta(1, 1) prior; a company without ended internships: 0.5).

Hard filters (``Exclusion``, all reasons kept as a bitmask): no free place (``free_places <= 0``), mentor at
capacity (``mentor_free_capacity <= 0``), hours don't fit (the ranges share no hour), too far
(``km > max_km``), physical load (``demanded >= tolerance + 2``).

Total: ``sum(weight_k * component_k)`` in ``COMPONENTS`` order with ``weights.normalised()``, clipped to [0, 1].

Order (``Ranking.top``): total descending, then the interest component descending (equal totals are told apart
by the evidence of interest), then distance ascending (unknown last), and only then id ascending. So that
floating-point noise in the last bits never decides the order, totals and interests are compared rounded to 1e-9
and distances rounded to whole metres.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from placement.matching.explain import explain
from placement.matching.types import (
    COMPONENTS,
    EARTH_RADIUS_KM,
    INDEPENDENCE,
    NEAR_KM,
    PACE,
    PHYSICAL_LOAD,
    PHYSICAL_LOAD_MARGIN,
    PREDICTABILITY,
    SENSORY_LOAD,
    SOCIAL_CONTACT,
    STRUCTURE,
    UNKNOWN_DISTANCE_SCORE,
    Exclusion,
    InterestEvidence,
    Job,
    JobArrays,
    Match,
    PeopleArrays,
    Person,
    Weights,
    track_record_score,
)

#: Interest evidence of row i of a ranking, for its explanation.
EvidenceOf = Callable[[int], InterestEvidence | None]
#: Totals are compared on this grid when ordering (see module docstring).
TOTAL_RESOLUTION = 1e9
#: Distances are compared in whole metres when ordering.
DISTANCE_RESOLUTION = 1000.0


@dataclass(frozen=True, eq=False)
class Ranking:
    """Scores of one side against all rows of the other.

    For ``score_person`` the rows are job functions and ``ids`` are job ids; for ``score_people`` /
    ``score_job`` the rows are young people and ``ids`` are person ids.
    """

    ids: np.ndarray
    #: (n, 8) in ``COMPONENTS`` order, each in [0, 1]; excluded rows are scored too.
    components: np.ndarray
    #: (n,) weighted totals in [0, 1].
    totals: np.ndarray
    #: (n,) uint8 bitmask of ``Exclusion``; 0 = included.
    exclusions: np.ndarray
    #: (n,) km, NaN when unknown.
    distance_km: np.ndarray
    #: The normalised weights the totals were computed with.
    weights: Weights
    #: Returns (person, job) of row i, for explanations.
    pair: Callable[[int], tuple[Person, Job]]
    #: Returns the interest evidence of row i (``InterestModel.evidence``) for the explanations; None: not named.
    evidence: EvidenceOf | None = None

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def included(self) -> np.ndarray:
        """Boolean mask of the rows that pass every hard filter."""
        return self.exclusions == 0

    def order(self, k: int | None = None) -> np.ndarray:
        """Row indices of the best ``k`` included rows (all when None) in the deterministic order."""
        rows = np.flatnonzero(self.exclusions == 0)
        if k is not None and k <= 0:
            return rows[:0]
        total_key = -np.rint(self.totals[rows] * TOTAL_RESOLUTION)
        if k is not None and k < len(rows):
            # Keep every row tied with the k-th best total, then sort only those.
            kth = np.partition(total_key, k - 1)[k - 1]
            keep = total_key <= kth
            rows, total_key = rows[keep], total_key[keep]
        interest_key = -np.rint(self.components[rows, 0] * TOTAL_RESOLUTION)
        km = self.distance_km[rows]
        distance_key = np.where(np.isnan(km), np.inf, np.rint(km * DISTANCE_RESOLUTION))
        ranked = rows[np.lexsort((self.ids[rows], distance_key, interest_key, total_key))]
        return ranked if k is None else ranked[:k]

    def top(self, k: int = 20, *, explain_matches: bool = True) -> list[Match]:
        """The best ``k`` included pairs as ``Match`` objects, with Danish explanations unless turned off."""
        matches = []
        for i in self.order(k):
            person, job = self.pair(int(i))
            values = [float(v) for v in self.components[i]]
            km = float(self.distance_km[i])
            explanations = []
            if explain_matches:
                evidence = self.evidence(int(i)) if self.evidence is not None else None
                explanations = explain(person, job, values, km, self.weights, evidence)
            matches.append(
                Match(
                    job_id=job.id,
                    person_id=person.id,
                    total=float(self.totals[i]),
                    components=dict(zip(COMPONENTS, values, strict=True)),
                    explanations=explanations,
                )
            )
        return matches

    def excluded(self) -> list[tuple[int, list[Exclusion]]]:
        """(id, every reason) for each excluded row, by id ascending."""
        rows = np.flatnonzero(self.exclusions)
        rows = rows[np.argsort(self.ids[rows], kind="stable")]
        return [(int(self.ids[i]), Exclusion.reasons(int(self.exclusions[i]))) for i in rows]


def _fit(deficit):
    return 1.0 - np.maximum(deficit, 0.0) / 4.0


def _flag(condition, bit: Exclusion, n: int) -> np.ndarray:
    return np.broadcast_to(condition, (n,)).astype(np.uint8) * np.uint8(bit.value)


def _score(job, person, j_cols, p_cols, interest: np.ndarray, weights: Weights, n: int):
    """Score broadcast pairs; ``job``/``person`` hold either scalars or (n,) arrays per field.

    ``j_cols``/``p_cols`` are the 7 profile / needs values (scalars or (n,) float arrays) in DIMENSION_KEYS order.
    Returns components (n, 8), totals (n,), exclusion bitmask (n,) and km (n,).
    """
    out = np.empty((len(COMPONENTS), n), dtype=np.float64)

    # interests
    np.clip(np.nan_to_num(interest, nan=0.0), 0.0, 1.0, out=out[0])
    # structure: need - offered
    out[1] = (_fit(p_cols[STRUCTURE] - j_cols[STRUCTURE]) + _fit(p_cols[PREDICTABILITY] - j_cols[PREDICTABILITY])) / 2.0
    # demands: demanded - tolerated, expected - own independence
    physical_over = j_cols[PHYSICAL_LOAD] - p_cols[PHYSICAL_LOAD]
    out[2] = (
        _fit(j_cols[PACE] - p_cols[PACE]) + _fit(physical_over) + _fit(j_cols[INDEPENDENCE] - p_cols[INDEPENDENCE])
    ) / 3.0
    social = _fit(j_cols[SOCIAL_CONTACT] - p_cols[SOCIAL_CONTACT])
    out[3] = (social + _fit(j_cols[SENSORY_LOAD] - p_cols[SENSORY_LOAD])) / 2.0
    # support
    capacity = job["mentor_free_capacity"]
    out[4] = _fit(person["support_need"] - job["mentor_experience"]) * (
        0.5 + 0.5 * np.minimum(1.0, np.maximum(0.0, capacity))
    )
    # hours
    common = np.minimum(person["hours_max"], job["hours_max"]) - np.maximum(person["hours_min"], job["hours_min"])
    hours_fit = common >= 0.0
    out[5] = np.where(
        hours_fit, np.minimum(1.0, (common + 1.0) / (person["hours_max"] - person["hours_min"] + 1.0)), 0.0
    )
    # distance (haversine)
    half_dlat = np.sin((job["lat_rad"] - person["lat_rad"]) / 2.0)
    half_dlon = np.sin((job["lon_rad"] - person["lon_rad"]) / 2.0)
    a = half_dlat * half_dlat + person["cos_lat"] * job["cos_lat"] * (half_dlon * half_dlon)
    km = np.broadcast_to((2.0 * EARTH_RADIUS_KM) * np.arcsin(np.sqrt(np.minimum(a, 1.0))), (n,))
    max_km = person["max_km"]
    with np.errstate(invalid="ignore"):
        out[6] = np.where(km <= NEAR_KM, 1.0, np.clip(1.0 - km / max_km, 0.0, 1.0))
        too_far = km > max_km
    unknown = np.isnan(km)
    if unknown.any():
        out[6][unknown] = UNKNOWN_DISTANCE_SCORE
    # track record
    out[7] = job["track_record"]

    w = weights.as_tuple()
    totals = out[0] * w[0]
    for k in range(1, len(COMPONENTS)):
        totals += out[k] * w[k]
    np.clip(totals, 0.0, 1.0, out=totals)

    exclusions = (
        _flag(job["free_places"] <= 0, Exclusion.NO_FREE_PLACE, n)
        | _flag(np.logical_not(np.greater(capacity, 0.0)), Exclusion.MENTOR_AT_CAPACITY, n)
        | _flag(np.logical_not(hours_fit), Exclusion.HOURS_DONT_FIT, n)
        | _flag(too_far, Exclusion.TOO_FAR, n)
        | _flag(physical_over >= PHYSICAL_LOAD_MARGIN, Exclusion.PHYSICAL_LOAD, n)
    )
    return out.T, totals, exclusions, np.array(km)


def _interest_array(interest, n: int) -> np.ndarray:
    arr = np.asarray(interest, dtype=np.float64)
    if arr.shape != (n,):
        raise ValueError(f"interest must have shape ({n},), got {arr.shape}")
    return arr


def _person_scalars(person: Person) -> tuple[dict, list[float]]:
    lat_rad, lon_rad = np.radians(person.lat), np.radians(person.lon)
    fields = {
        "support_need": float(person.support_need),
        "hours_min": float(person.hours_min),
        "hours_max": float(person.hours_max),
        "lat_rad": lat_rad,
        "lon_rad": lon_rad,
        "cos_lat": np.cos(lat_rad),
        "max_km": float(person.max_km),
    }
    return fields, [float(v) for v in person.needs]


def _job_scalars(job: Job) -> tuple[dict, list[float]]:
    lat_rad, lon_rad = np.radians(job.lat), np.radians(job.lon)
    fields = {
        "hours_min": float(job.hours_min),
        "hours_max": float(job.hours_max),
        "lat_rad": lat_rad,
        "lon_rad": lon_rad,
        "cos_lat": np.cos(lat_rad),
        "free_places": job.free_places,
        "mentor_experience": float(job.mentor_experience),
        "mentor_free_capacity": float(job.mentor_free_capacity),
        "track_record": track_record_score(job.hires, job.ended),
    }
    return fields, [float(v) for v in job.profile]


def score_person(
    person: Person, jobs: JobArrays, interest, weights: Weights | None = None, *, evidence: EvidenceOf | None = None
) -> Ranking:
    """Score one young person against every job function (``interest[i]`` belongs to row i of ``jobs``).

    ``evidence``: optional ``row -> InterestEvidence`` (e.g. ``lambda i: model.evidence(query, i, documents[i])``),
    named in the explanations of the matches ``top`` returns.
    """
    n = len(jobs)
    weights = (weights or Weights()).normalised()
    job_fields = {
        "hours_min": jobs.hours_min,
        "hours_max": jobs.hours_max,
        "lat_rad": jobs.lat_rad,
        "lon_rad": jobs.lon_rad,
        "cos_lat": jobs.cos_lat,
        "free_places": jobs.free_places,
        "mentor_experience": jobs.mentor_experience,
        "mentor_free_capacity": jobs.mentor_free_capacity,
        "track_record": jobs.track_record,
    }
    person_fields, needs = _person_scalars(person)
    components, totals, exclusions, km = _score(
        job_fields, person_fields, jobs.profile_cols, needs, _interest_array(interest, n), weights, n
    )
    return Ranking(jobs.ids, components, totals, exclusions, km, weights, lambda i: (person, jobs.row(i)), evidence)


def score_people(
    job: Job, people: PeopleArrays, interest, weights: Weights | None = None, *, evidence: EvidenceOf | None = None
) -> Ranking:
    """Score one job function against many young people (``interest[i]`` belongs to row i of ``people``).

    ``evidence``: optional ``row -> InterestEvidence`` for the explanations (row = young person).
    """
    n = len(people)
    weights = (weights or Weights()).normalised()
    person_fields = {
        "support_need": people.support_need,
        "hours_min": people.hours_min,
        "hours_max": people.hours_max,
        "lat_rad": people.lat_rad,
        "lon_rad": people.lon_rad,
        "cos_lat": people.cos_lat,
        "max_km": people.max_km,
    }
    job_fields, profile = _job_scalars(job)
    components, totals, exclusions, km = _score(
        job_fields, person_fields, profile, people.needs_cols, _interest_array(interest, n), weights, n
    )
    return Ranking(people.ids, components, totals, exclusions, km, weights, lambda i: (people.row(i), job), evidence)


def score_job(
    jobs: JobArrays,
    job_index: int,
    people: PeopleArrays,
    interest,
    weights: Weights | None = None,
    *,
    evidence: EvidenceOf | None = None,
) -> Ranking:
    """Score row ``job_index`` of ``jobs`` against many young people (candidates for one job function)."""
    return score_people(jobs.row(job_index), people, interest, weights, evidence=evidence)
