"""Retrieval benchmark of the interest matching on the ESCO data: ``python -m benchmarks retrieval``.

One job function per ESCO occupation (``../shared/data/esco/occupations_da.csv``), titled by its Danish preferred
label, all else equal (same place, profile, hours, mentor), so the order is the engine's order by interest.

1. **Synonyms**: a young person per occupation whose interests are one of its alternative labels (seeded choice
   among the labels that name this occupation only; a label shared by several occupations cannot tell them
   apart, so those are counted separately). Recall@1/5/10 = share of young people whose occupation's job
   function is among the first 1/5/10, with the job functions **not linked** to their occupation (the title must
   be resolved) and **linked** (label, synonyms and ISCO group in the document).
2. **Everyday Danish**: ``PHRASES``, interests as young people put them, each with the ISCO groups whose
   occupations answer it; hit@5 = a job function of one of those groups among the first five.

The job functions' ids are a seeded permutation, so a tie is not won by being first in the file. Exit code 1 when
a target fails; 0 with a message when the ESCO files are absent.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from placement.matching import InterestModel, Job, JobArrays, JobDocument, Person, score_person
from placement.matching.catalogue import OccupationCatalogue
from placement.matching.danish import fold

ESCO_DIR = Path(__file__).resolve().parents[2] / "shared" / "data" / "esco"
TARGET_RECALL_1 = 0.8
TARGET_RECALL_5 = 0.95
KS = (1, 5, 10)

#: (what a young person says, ISCO groups (2–4 digits) whose occupations answer it).
PHRASES: list[tuple[str, tuple[str, ...]]] = [
    ("jeg kan godt lide dyr", ("5164", "9212", "6121")),
    ("dyr og natur", ("5164", "9212", "6121", "9215")),
    ("heste", ("9212", "6121", "5164")),
    ("jeg vil gerne passe heste", ("9212", "6121", "5164")),
    ("hunde og katte", ("5164",)),
    ("køer og kalve i en stald", ("6121", "9212")),
    ("grise", ("6121", "9212")),
    ("landbrug og traktorer", ("6130", "9211", "9212", "7233", "6121")),
    ("lager og pakning", ("9333", "4321", "9321")),
    ("at køre truck på et lager", ("9333", "4321", "8344")),
    ("madlavning", ("5120", "9412")),
    ("køkken", ("9412", "5120")),
    ("opvask i et køkken", ("9412",)),
    ("bage kager og brød", ("7512",)),
    ("butik og kunder", ("5223", "5230")),
    ("ekspedere i en butik", ("5223", "5230")),
    ("tøj og mode", ("5223", "7531")),
    ("rengøring", ("9112", "9111")),
    ("gøre rent og holde orden", ("9112", "9111")),
    ("biler og motorer", ("7231",)),
    ("skrue på biler", ("7231",)),
    ("cykler og knallerter", ("7234",)),
    ("maskiner og mekanik", ("7233", "7231")),
    ("computere og IT", ("3512", "3511", "2512")),
    ("IT", ("3512", "3511", "2512", "2513")),
    ("programmering", ("2512", "2513")),
    ("computerspil", ("2513", "2166")),
    ("børn", ("5311", "5312", "2342")),
    ("at passe børn", ("5311", "5312", "2342")),
    ("ældre mennesker", ("5322", "5321", "3412")),
    ("at hjælpe ældre", ("5322", "5321", "3412")),
    ("have og planter", ("9214", "6113")),
    ("blomster", ("5223", "9214", "6113")),
    ("natur og skov", ("9215", "6210")),
    ("byggeri", ("7115", "7112", "9313", "7119")),
    ("bygge ting i træ", ("7115", "7522")),
    ("male huse", ("7131",)),
    ("svejsning og metal", ("7212", "7221")),
    ("el og strøm", ("7411",)),
    ("kontor", ("4110", "4226")),
    ("kontor og papirer", ("4110", "4132")),
    ("frisør", ("5141",)),
    ("hår og makeup", ("5141",)),
    ("café og servering", ("5131", "9411")),
    ("genbrug og affald", ("9612", "8332")),
    ("sport og fitness", ("3422", "3423")),
    ("musik", ("2652",)),
    ("jeg vil gerne være tømrer", ("7115",)),
    ("vicevært", ("5153", "9622")),
    ("post og pakker", ("4412", "9333")),
]


@dataclass
class Occupation:
    uri: str
    isco: str
    label: str
    synonyms: tuple[str, ...]


def load_occupations(path: Path) -> list[Occupation]:
    """Read the ESCO occupations file (columns by name)."""
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return [Occupation(r["conceptUri"], r["iscoGroup"], r["preferredLabel"],
                           tuple(s.strip() for s in (r.get("altLabels") or "").splitlines() if s.strip()))
                for r in csv.DictReader(stream)]


def _arrays(n: int, seed: int) -> JobArrays:
    ids = np.random.default_rng(seed).permutation(n) + 1
    job = Job(id=0, profile=(3,) * 7, hours_min=10, hours_max=30, lat=56.0, lon=9.0, free_places=1,
              mentor_experience=3, mentor_free_capacity=1)
    return JobArrays(ids=ids, profile=np.full((n, 7), 3), hours_min=np.full(n, job.hours_min),
                     hours_max=np.full(n, job.hours_max), lat=np.full(n, job.lat), lon=np.full(n, job.lon),
                     free_places=np.ones(n), mentor_experience=np.full(n, 3), mentor_free_capacity=np.ones(n),
                     hires=np.zeros(n), ended=np.zeros(n))


PERSON = Person(id=1, needs=(3,) * 7, support_need=3, hours_min=15, hours_max=25, lat=56.0, lon=9.0, max_km=20)


def _top(model: InterestModel, jobs: JobArrays, text: str, k: int) -> list[int]:
    """Row indices of the first ``k`` job functions the engine ranks for ``text``."""
    ranking = score_person(PERSON, jobs, model.similarity(text))
    return [int(i) for i in ranking.order(k)]


def synonym_queries(occupations: list[Occupation], seed: int) -> tuple[list[tuple[int, str]], int]:
    """(row, alternative label) per occupation with a label naming it alone; and how many have only shared ones."""
    names = Counter(fold(n) for o in occupations for n in {o.label, *o.synonyms})
    rnd = random.Random(seed)
    queries, shared_only = [], 0
    for row, occupation in enumerate(occupations):
        own = [s for s in occupation.synonyms if names[fold(s)] == 1]
        if own:
            queries.append((row, rnd.choice(own)))
        elif occupation.synonyms:
            shared_only += 1
    return queries, shared_only


def recall(model: InterestModel, jobs: JobArrays, queries: list[tuple[int, str]]) -> tuple[dict[int, float], float]:
    """Recall@k for each k of ``KS``, and the mean time per query (ms)."""
    hits = dict.fromkeys(KS, 0)
    started = time.perf_counter()
    for row, text in queries:
        top = _top(model, jobs, text, max(KS))
        for k in KS:
            hits[k] += row in top[:k]
    elapsed = (time.perf_counter() - started) / max(len(queries), 1) * 1000
    return {k: hits[k] / max(len(queries), 1) for k in KS}, elapsed


def run(esco_dir: Path, seed: int, verbose: bool) -> bool:
    path = esco_dir / "occupations_da.csv"
    occupations = load_occupations(path)
    catalogue = OccupationCatalogue.from_esco_csv(path)
    jobs = _arrays(len(occupations), seed)
    unlinked = [JobDocument(title=o.label) for o in occupations]
    linked = [JobDocument(title=o.label, occupation_labels=(o.label,), synonyms=o.synonyms, isco=o.isco,
                          occupation=o.uri) for o in occupations]
    queries, shared_only = synonym_queries(occupations, seed)
    print(f"ESCO: {len(occupations):,} occupations; {len(queries):,} young people with a synonym of their own "
          f"occupation ({shared_only} occupations have only synonyms shared with others and are left out)")
    ok = True
    print(f"\n{'job functions':<28}{'recall@1':>10}{'recall@5':>10}{'recall@10':>11}{'ms/query':>10}  target")
    for name, documents in (("not linked (title only)", unlinked), ("linked to the occupation", linked)):
        model = InterestModel(documents, catalogue=catalogue)
        figures, ms = recall(model, jobs, queries)
        passed = figures[1] >= TARGET_RECALL_1 and figures[5] >= TARGET_RECALL_5
        ok &= passed
        print(f"{name:<28}{figures[1]:>10.3f}{figures[5]:>10.3f}{figures[10]:>11.3f}{ms:>10.2f}  "
              f"@1 ≥ {TARGET_RECALL_1}, @5 ≥ {TARGET_RECALL_5}: {'PASS' if passed else 'FAIL'}")

    print(f"\nEveryday Danish ({len(PHRASES)} phrases), job functions not linked / linked: hit@5 and the first")
    groups = [o.isco for o in occupations]
    totals = {}
    for name, documents in (("not linked", unlinked), ("linked", linked)):
        model = InterestModel(documents, catalogue=catalogue)
        hits = 0
        for text, wanted in PHRASES:
            top = _top(model, jobs, text, 5)
            good = [i for i in top if groups[i].startswith(wanted)]
            hits += bool(good)
            if verbose or not good:
                shown = ", ".join(f"{occupations[i].label} ({groups[i]})" for i in top[:3]) or "nothing"
                print(f"  [{name}] {'hit ' if good else 'MISS'} {text!r}: {len(good)}/5 right; first: {shown}")
        totals[name] = hits
    for name, hits in totals.items():
        print(f"everyday phrases, {name}: {hits}/{len(PHRASES)} with a right job function in the top 5")
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks retrieval", description=__doc__.split("\n")[0])
    parser.add_argument("--esco-dir", type=Path, default=ESCO_DIR, help=f"ESCO CSV files (default {ESCO_DIR})")
    parser.add_argument("--seed", type=int, default=2019)
    parser.add_argument("--verbose", action="store_true", help="print every everyday phrase's first results")
    args = parser.parse_args(argv)
    if not (args.esco_dir / "occupations_da.csv").is_file():
        print(f"skipped: no ESCO occupations file in {args.esco_dir}")
        return 0
    ok = run(args.esco_dir, args.seed, args.verbose)
    print("RESULT:", "PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
