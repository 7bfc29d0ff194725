"""The matching engine: rank job functions for a young person, or young people for a job function.

Pure (numpy, scipy, the Snowball Danish stemmer; no Flask, no SQLAlchemy): callers load rows from the database
into ``JobArrays`` / ``PeopleArrays`` and documents into an ``InterestModel``, then call ``score_person`` /
``score_job``. The
formulas are in ``placement.matching.engine``; ``placement.matching.reference`` is the same in plain Python.
"""

from placement.matching.engine import Ranking, score_job, score_people, score_person
from placement.matching.interests import InterestModel, InterestQuery, JobDocument, PeopleInterests
from placement.matching.types import (
    COMPONENTS,
    DIMENSION_KEYS,
    Exclusion,
    InterestEvidence,
    Job,
    JobArrays,
    Match,
    PeopleArrays,
    Person,
    Weights,
)

__all__ = [
    "COMPONENTS",
    "DIMENSION_KEYS",
    "Exclusion",
    "InterestEvidence",
    "InterestModel",
    "InterestQuery",
    "Job",
    "JobArrays",
    "JobDocument",
    "Match",
    "PeopleArrays",
    "PeopleInterests",
    "Person",
    "Ranking",
    "Weights",
    "score_job",
    "score_people",
    "score_person",
]
