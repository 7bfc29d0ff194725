"""The matching formulas one pair at a time in plain Python (``math`` only, no numpy).

This is the executable specification of ``placement.matching.engine``: same formulas, same order of floating-point
operations, same tie-break (total, then interest, then distance, then id). ``interest_score`` is the same for
the interest component of ``placement.matching.interests``, from an analysed query and one analysed job
function. The tests and ``python -m benchmarks matching`` check that both agree; it is far too slow for a whole
network.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from placement.matching.explain import explain
from placement.matching.interests import BEST_SHARE, AnalysedDocument, InterestQuery, closeness
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
    TRACK_PRIOR_A,
    TRACK_PRIOR_B,
    UNKNOWN_DISTANCE_SCORE,
    Exclusion,
    InterestEvidence,
    Job,
    Match,
    Person,
    Weights,
)


@dataclass(frozen=True, slots=True)
class PairScore:
    components: tuple[float, ...]
    total: float
    exclusions: int
    km: float


def fit(deficit: float) -> float:
    """1 when the need is met, minus a quarter per scale step short, never below 0."""
    return 1.0 - max(deficit, 0.0) / 4.0


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km (NaN when a coordinate is missing)."""
    lat1_rad, lat2_rad = math.radians(lat1), math.radians(lat2)
    half_dlat = math.sin((lat2_rad - lat1_rad) / 2.0)
    half_dlon = math.sin((math.radians(lon2) - math.radians(lon1)) / 2.0)
    a = half_dlat * half_dlat + math.cos(lat1_rad) * math.cos(lat2_rad) * (half_dlon * half_dlon)
    if math.isnan(a):
        return math.nan
    return (2.0 * EARTH_RADIUS_KM) * math.asin(math.sqrt(min(a, 1.0)))


def score_pair(person: Person, job: Job, interest: float, weights: Weights | None = None) -> PairScore:
    """Score one young person against one job function (``weights`` are normalised here)."""
    return _score_pair(person, job, interest, (weights or Weights()).normalised().as_tuple())


def _score_pair(person: Person, job: Job, interest: float, w: tuple[float, ...]) -> PairScore:
    n, o = person.needs, job.profile

    interest = 0.0 if math.isnan(interest) else min(1.0, max(0.0, interest))
    structure = (fit(n[STRUCTURE] - o[STRUCTURE]) + fit(n[PREDICTABILITY] - o[PREDICTABILITY])) / 2.0
    physical_over = o[PHYSICAL_LOAD] - n[PHYSICAL_LOAD]
    demands = (fit(o[PACE] - n[PACE]) + fit(physical_over) + fit(o[INDEPENDENCE] - n[INDEPENDENCE])) / 3.0
    social = (fit(o[SOCIAL_CONTACT] - n[SOCIAL_CONTACT]) + fit(o[SENSORY_LOAD] - n[SENSORY_LOAD])) / 2.0
    capacity = job.mentor_free_capacity
    support = fit(person.support_need - job.mentor_experience) * (0.5 + 0.5 * min(1.0, max(0.0, capacity)))

    common = min(person.hours_max, job.hours_max) - max(person.hours_min, job.hours_min)
    hours_fit = common >= 0.0
    hours = min(1.0, (common + 1.0) / (person.hours_max - person.hours_min + 1.0)) if hours_fit else 0.0

    km = haversine_km(person.lat, person.lon, job.lat, job.lon)
    if math.isnan(km):
        distance = UNKNOWN_DISTANCE_SCORE
    elif km <= NEAR_KM:
        distance = 1.0
    else:
        distance = min(1.0, max(0.0, 1.0 - km / person.max_km))

    track_record = (job.hires + TRACK_PRIOR_A) / (job.ended + (TRACK_PRIOR_A + TRACK_PRIOR_B))

    components = (interest, structure, demands, social, support, hours, distance, track_record)
    total = components[0] * w[0]
    for k in range(1, len(COMPONENTS)):
        total += components[k] * w[k]
    total = min(1.0, max(0.0, total))

    exclusions = 0
    if job.free_places <= 0:
        exclusions |= Exclusion.NO_FREE_PLACE.value
    if not capacity > 0:
        exclusions |= Exclusion.MENTOR_AT_CAPACITY.value
    if not hours_fit:
        exclusions |= Exclusion.HOURS_DONT_FIT.value
    if km > person.max_km:  # False for NaN
        exclusions |= Exclusion.TOO_FAR.value
    if physical_over >= PHYSICAL_LOAD_MARGIN:
        exclusions |= Exclusion.PHYSICAL_LOAD.value
    return PairScore(components, total, exclusions, km)


def sort_key(total: float, km: float, row_id: int, interest: float = 0.0) -> tuple[float, float, float, int]:
    """Total descending (on a 1e-9 grid), interest descending (same grid), distance ascending (whole metres,
    unknown last), id ascending."""
    return (
        -float(round(total * 1e9)),
        -float(round(interest * 1e9)),
        math.inf if math.isnan(km) else float(round(km * 1000.0)),
        row_id,
    )


def _key(p: PairScore, row_id: int) -> tuple[float, float, float, int]:
    return sort_key(p.total, p.km, row_id, p.components[0])


def rank_jobs(
    person: Person,
    jobs: Sequence[Job],
    interest: Sequence[float],
    weights: Weights | None = None,
    k: int = 20,
    evidence: Callable[[int], InterestEvidence | None] | None = None,
) -> list[Match]:
    """The best ``k`` included job functions for one young person, explained (same contract as the engine).

    ``evidence``: optional ``index into jobs -> InterestEvidence``, named in the explanations.
    """
    weights = (weights or Weights()).normalised()
    w = weights.as_tuple()
    scored = [(_score_pair(person, job, float(s), w), job, i) for i, (job, s) in enumerate(zip(jobs, interest,
                                                                                               strict=True))]
    included = [(p, job, i) for p, job, i in scored if not p.exclusions]
    included.sort(key=lambda pji: _key(pji[0], pji[1].id))
    return [
        Match(
            job.id,
            person.id,
            p.total,
            dict(zip(COMPONENTS, p.components, strict=True)),
            explain(person, job, p.components, p.km, weights, evidence(i) if evidence is not None else None),
        )
        for p, job, i in included[:k]
    ]


def rank_people(
    job: Job,
    people: Sequence[Person],
    interest: Sequence[float],
    weights: Weights | None = None,
    k: int = 20,
    evidence: Callable[[int], InterestEvidence | None] | None = None,
) -> list[Match]:
    """The best ``k`` included young people for one job function, explained."""
    weights = (weights or Weights()).normalised()
    w = weights.as_tuple()
    scored = [(_score_pair(person, job, float(s), w), person, i)
              for i, (person, s) in enumerate(zip(people, interest, strict=True))]
    included = [(p, person, i) for p, person, i in scored if not p.exclusions]
    included.sort(key=lambda ppi: _key(ppi[0], ppi[1].id))
    return [
        Match(
            job.id,
            person.id,
            p.total,
            dict(zip(COMPONENTS, p.components, strict=True)),
            explain(person, job, p.components, p.km, weights, evidence(i) if evidence is not None else None),
        )
        for p, person, i in included[:k]
    ]


def interest_score(query: InterestQuery, document: AnalysedDocument) -> float:
    """The interest component of one young person (``InterestModel.query``) and one job function
    (``InterestModel.analysed``): the best occupation closeness and the best phrase's word coverage, combined."""
    occupation = 0.0
    for item in query.resolved:
        for key, isco, _label, _from_title in document.occupations:
            occupation = max(occupation, item.strength * closeness(item, key, isco))
    words = 0.0
    for phrase in query.phrases:
        covered = 0.0
        for term in phrase:
            covered += term.weight * document.terms.get(term.term, 0.0)
        words = max(words, covered)
    if query.empty:
        return 0.0
    high, low = max(occupation, words), min(occupation, words)
    return min(1.0, max(0.0, BEST_SHARE * high + (1.0 - BEST_SHARE) * low))
