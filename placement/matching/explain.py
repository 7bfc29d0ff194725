"""Short Danish explanations of one scored pair, one line per component with its value and weight.

Plain Python (no numpy): the engine builds them only for the matches it returns, the reference for its own.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from placement.matching.types import (
    COMPONENTS,
    INDEPENDENCE,
    NEAR_KM,
    PACE,
    PHYSICAL_LOAD,
    PREDICTABILITY,
    SENSORY_LOAD,
    SOCIAL_CONTACT,
    STRUCTURE,
    InterestEvidence,
    Job,
    OccupationEvidence,
    Person,
    Weights,
    WordEvidence,
)

LABELS: dict[str, str] = {
    "interests": "Interesser",
    "structure": "Struktur",
    "demands": "Krav",
    "social": "Socialt",
    "support": "Støtte",
    "hours": "Timer",
    "distance": "Afstand",
    "track_record": "Tidligere forløb",
}


def number(value: float, decimals: int = 1) -> str:
    """Format a number the Danish way: decimal comma, no decimals when whole."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.{decimals}f}".replace(".", ",")


def _fixed(value: float) -> str:
    return f"{value:.2f}".replace(".", ",")


def _percent(weight: float) -> str:
    return f"{weight * 100:.3g}".replace(".", ",") + " %"


def _join(parts: Sequence[str]) -> str:
    """Join Danish style: "a", "a og b", "a, b og c"."""
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " og " + parts[-1]


#: Interest values from which the explanation says "fits well" / "fits partly" (below: "fits a little"). One kind
#: of evidence at full strength (the same occupation, or an interest word in the title) gives 0.8, both 1; the same
#: ISCO unit group alone 0.64, a word found only in the tasks 0.48 (``placement.matching.interests``).
FITS_WELL = 0.75
FITS_PARTLY = 0.45
#: At most this many matched words are named.
MAX_WORDS_NAMED = 3

_LEVEL_WORDS = {
    "unit group": "samme faggruppe",
    "minor group": "beslægtet fag",
    "sub-major group": "samme fagområde",
}
_FIELD_WORDS = {"title": "i titlen", "occupation": "i faget", "tasks": "i opgaverne"}


def _occupation_evidence(ev: OccupationEvidence) -> str:
    job = ev.job_label + (" (ud fra titlen)" if ev.from_title else "")
    if ev.via == "chosen":
        return f"samme faggruppe som et valgt fag: {job} (ISCO {ev.job_isco})"
    if ev.level == "occupation":
        return f"'{ev.phrase}' = {job}"
    if ev.level in _LEVEL_WORDS:
        return f"'{ev.phrase}' ~ {job} ({_LEVEL_WORDS[ev.level]}, ISCO {ev.job_isco})"
    return f"'{ev.phrase}' ~ {job} (ISCO {ev.job_isco})"


def _word_evidence(ev: WordEvidence) -> str:
    where = _FIELD_WORDS.get(ev.field, "")
    found = f" ({ev.found})" if ev.compound or ev.found != ev.word else ""
    return f"'{ev.word}' {where}{found}"


def _interests(value: float, evidence: InterestEvidence | None = None) -> str:
    if value >= FITS_WELL:
        grade = "Passer godt til interesserne"
    elif value >= FITS_PARTLY:
        grade = "Passer delvist til interesserne"
    elif value > 0:
        grade = "Passer kun lidt til interesserne"
    else:
        return "Intet fælles med interesserne"
    if evidence is None:
        return grade
    named = [_occupation_evidence(evidence.occupation)] if evidence.occupation is not None else []
    named += [_word_evidence(w) for w in evidence.words[:MAX_WORDS_NAMED]]
    return f"{grade}: {'; '.join(named)}" if named else grade


def _structure(person: Person, job: Job) -> str:
    short = [
        name
        for name, dim in (("struktur", STRUCTURE), ("forudsigelighed", PREDICTABILITY))
        if person.needs[dim] > job.profile[dim]
    ]
    if not short:
        return "Tilbyder den struktur og de faste rutiner, der er brug for"
    return f"Mindre {_join(short)} end der er brug for"


def _demands(person: Person, job: Job) -> str:
    over = [
        name
        for name, dim in (("mere tempo", PACE), ("hårdere fysisk arbejde", PHYSICAL_LOAD))
        if job.profile[dim] > person.needs[dim]
    ]
    if job.profile[INDEPENDENCE] > person.needs[INDEPENDENCE]:
        over.append("mere selvstændighed")
    if not over:
        return "Tempo, fysisk belastning og selvstændighed passer"
    return f"Kræver {_join(over)} end ønsket"


def _social(person: Person, job: Job) -> str:
    over = [
        name
        for name, dim in (
            ("mere social kontakt", SOCIAL_CONTACT),
            ("flere sanseindtryk (larm, lys, lugt)", SENSORY_LOAD),
        )
        if job.profile[dim] > person.needs[dim]
    ]
    if not over:
        return "Social kontakt og sanseindtryk passer"
    return f"Byder på {_join(over)} end ønsket"


def _support(person: Person, job: Job) -> str:
    capacity = job.mentor_free_capacity
    if capacity <= 0:
        room = "ingen ledig plads"
    elif capacity < 1:
        room = "begrænset plads"
    elif capacity < 2:
        room = "plads til en praktikant mere"
    else:
        room = f"plads til {int(capacity)} praktikanter mere"
    if person.support_need <= job.mentor_experience:
        return f"Mentor med erfaring ({job.mentor_experience}/5) og {room}"
    return f"Mentorens erfaring ({job.mentor_experience}/5) er under støttebehovet ({person.support_need}/5); {room}"


def _hours(person: Person, job: Job) -> str:
    low = max(person.hours_min, job.hours_min)
    high = min(person.hours_max, job.hours_max)
    wanted = f"{number(person.hours_min)}–{number(person.hours_max)}"
    if high < low:
        return f"Timer passer ikke: ønsket {wanted}, tilbudt {number(job.hours_min)}–{number(job.hours_max)} t/uge"
    common = number(low) if low == high else f"{number(low)}–{number(high)}"
    if low == person.hours_min and high == person.hours_max:
        return f"Timer passer: {common} t/uge"
    return f"Timer passer delvist: {common} af ønskede {wanted} t/uge"


#: Closer than this, two places share their postcode's centre (coordinates are postcode centres unless a company
#: has its own).
SAME_PLACE_KM = 0.05


def _distance(person: Person, km: float) -> str:
    if math.isnan(km):
        return "Afstand ukendt (mangler adresse)"
    if km < SAME_PLACE_KM:  # both at one postcode's centre (or at one address): "0 km" would read as a mistake
        return "samme postnummer – tæt på"
    shown = number(round(km, 1)) if km < 10 else str(round(km))
    if km <= NEAR_KM:
        return f"{shown} km – tæt på"
    limit = number(person.max_km)
    if km <= person.max_km:
        return f"{shown} km – inden for din grænse på {limit} km"
    return f"{shown} km – over din grænse på {limit} km"


def _track_record(job: Job) -> str:
    if job.ended == 0:
        return "Ny virksomhed: ingen tidligere forløb (neutral)"
    return f"{job.hires} af {job.ended} tidligere forløb endte i ansættelse"


def sentences(
    person: Person, job: Job, components: Sequence[float], km: float, evidence: InterestEvidence | None = None
) -> dict[str, str]:
    """Return the short Danish sentence of each component (the "<why>" of ``explain``), by component name.

    ``evidence``: what the interests share with the job function (``InterestModel.evidence``), named in the
    interest sentence ("Passer godt til interesserne: 'lager' = lagerarbejder; 'lager' i titlen (lagermedarbejder)").
    """
    return {
        "interests": _interests(components[0], evidence),
        "structure": _structure(person, job),
        "demands": _demands(person, job),
        "social": _social(person, job),
        "support": _support(person, job),
        "hours": _hours(person, job),
        "distance": _distance(person, km),
        "track_record": _track_record(job),
    }


def explain(
    person: Person,
    job: Job,
    components: Sequence[float],
    km: float,
    weights: Weights,
    evidence: InterestEvidence | None = None,
) -> list[str]:
    """Return one Danish line per component: "<label> <value> (vægt <w> %): <why>"."""
    texts = sentences(person, job, components, km, evidence)
    w = weights.as_tuple()
    return [
        f"{LABELS[name]} {_fixed(components[k])} (vægt {_percent(w[k])}): {texts[name]}"
        for k, name in enumerate(COMPONENTS)
    ]
