"""Benchmark of the matching engine on a synthetic network: ``python -m benchmarks matching [--quick]``.

Builds (seeded) a network of job functions and young people with Danish-ish coordinates, texts and ISCO codes,
then measures:

1. ranking every job function for one young person, interest similarity and top-20 explanations included;
2. ranking every young person for one job function (interest included);
3. memory held by the arrays and the interest model;
4. refreshing after one job function changes (its array row and its document);
5. the plain-Python reference on a few people, the speed ratio, and that its top 20 equals the engine's.

Exit code 1 when a target fails.
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from placement.matching import (
    InterestModel,
    JobArrays,
    JobDocument,
    PeopleArrays,
    PeopleInterests,
    Weights,
    reference,
    score_job,
    score_person,
)

LAT_RANGE = (54.6, 57.7)
LON_RANGE = (8.1, 12.6)
TOP_K = 20
TARGET_P95_MS = 50.0
TARGET_RATIO = 20.0

# Towns the synthetic network clusters around (approximate centres).
TOWNS = [
    ("Aarhus", 56.16, 10.20),
    ("Randers", 56.46, 10.04),
    ("Hornslet", 56.32, 10.32),
    ("Skjern", 55.95, 8.50),
    ("Ringkøbing", 56.09, 8.24),
    ("Borris", 55.96, 8.64),
    ("Frederikshavn", 57.44, 10.54),
    ("Sindal", 57.47, 10.20),
    ("Aalborg", 57.05, 9.92),
    ("Viborg", 56.45, 9.40),
    ("Herning", 56.14, 8.97),
    ("Holstebro", 56.36, 8.62),
    ("Vejle", 55.71, 9.54),
    ("Kolding", 55.49, 9.47),
    ("Esbjerg", 55.47, 8.45),
    ("Odense", 55.40, 10.39),
    ("Svendborg", 55.06, 10.61),
    ("Roskilde", 55.64, 12.08),
    ("Næstved", 55.23, 11.76),
    ("Slagelse", 55.40, 11.35),
    ("Hillerød", 55.93, 12.31),
    ("Holbæk", 55.72, 11.72),
    ("Silkeborg", 56.17, 9.55),
    ("Horsens", 55.86, 9.85),
    ("Hjørring", 57.46, 9.98),
    ("Thisted", 56.96, 8.69),
    ("Skive", 56.57, 9.03),
    ("Grenaa", 56.42, 10.88),
]
# (preferred label, ISCO-08 group, synonyms) — a small ESCO-like sample.
OCCUPATIONS = [
    ("landbrugsmedhjælper", "9211", ("gårdmedhjælper", "landbrugsarbejder", "staldmedhjælper")),
    ("køkkenmedhjælper", "9412", ("køkkenassistent", "kantinemedhjælper", "opvasker")),
    ("lagermedarbejder", "9333", ("lagerarbejder", "pakkeriarbejder", "truckfører")),
    ("rengøringsassistent", "9112", ("rengøringsmedarbejder", "servicemedarbejder")),
    ("gartner", "6113", ("gartnermedhjælper", "anlægsgartner", "planteskolearbejder")),
    ("butiksmedhjælper", "5223", ("ekspedient", "butiksassistent", "varepåfylder")),
    ("pedel", "5153", ("pedelmedhjælper", "ejendomsservicetekniker", "vicevært")),
    ("tømrer", "7115", ("tømrermedhjælper", "snedker")),
    ("maler", "7131", ("malermedhjælper", "bygningsmaler")),
    ("automekaniker", "7231", ("mekanikerlærling", "værkstedsmedhjælper", "dækmontør")),
    ("dyrepasser", "5164", ("dyrepasser i zoo", "hundepasser", "staldassistent")),
    ("kontorassistent", "4110", ("kontormedhjælper", "arkivmedarbejder")),
    ("vaskeriassistent", "8157", ("vaskerimedarbejder", "strygeriarbejder")),
    ("bagermedhjælper", "7512", ("bager", "konditormedhjælper")),
    ("tjener", "5131", ("serveringsmedarbejder", "cafémedarbejder", "barista")),
    ("skovarbejder", "6210", ("skovhjælper", "naturplejer")),
    ("cykelmekaniker", "7234", ("cykelsmed",)),
    ("chaufførmedhjælper", "9331", ("budmedhjælper", "vareudbringer")),
    ("slagteriarbejder", "7511", ("slagtermedhjælper", "pakker på slagteri")),
    ("plejemedhjælper", "5322", ("hjemmehjælper", "serviceassistent på plejehjem")),
    ("genbrugsmedarbejder", "9612", ("sorteringsmedarbejder", "genbrugspladsmedarbejder")),
    ("it-supporter", "3512", ("it-medhjælper", "pc-klargører")),
    ("smed", "7212", ("smedemedhjælper", "svejser")),
    ("murer", "7112", ("murerarbejdsmand", "håndlanger")),
    ("fiskeindustriarbejder", "9216", ("fiskepakker",)),
    ("portør", "9629", ("sygehusportør",)),
    ("receptionist", "4226", ("receptionsmedarbejder",)),
    ("flyttemand", "9333", ("flyttehjælper",)),
]
TASKS = [
    "fodring af dyr",
    "rengøring af stald",
    "opvask",
    "klargøring af grøntsager",
    "pakning af varer",
    "opfyldning af hylder",
    "feje og rydde op",
    "plante og luge",
    "slå græs",
    "sortering af tøj",
    "vask af biler",
    "modtagelse af varer",
    "kaffebrygning",
    "scanning af dokumenter",
    "maling af vægge",
    "skifte dæk",
    "bage brød",
    "servering i caféen",
    "kørsel med palleløfter",
    "beskæring af træer",
    "pasning af heste",
    "malkning",
    "reparation af cykler",
    "vareudbringning",
    "sortering af affald",
    "ekspedition ved kassen",
    "klargøring af computere",
    "svejsning af rammer",
    "oprydning på byggeplads",
    "pakning af fisk",
    "vask og strygning",
    "snerydning",
    "opsætning af hegn",
    "vedligehold af maskiner",
    "prismærkning",
    "borddækning",
    "rengøring af toiletter",
    "transport af patienter",
    "posthåndtering",
    "telefonpasning",
]
INTERESTS = [
    "dyr",
    "heste",
    "natur og udeliv",
    "landbrug",
    "madlavning",
    "bagning",
    "biler og motorer",
    "computere",
    "at bygge ting",
    "tøj",
    "cykler",
    "orden og rengøring",
    "at hjælpe ældre",
    "planter og have",
    "kaffe og café",
    "lager og pakning",
    "at male",
    "træ og værktøj",
    "at køre",
    "kontor og papir",
    "genbrug",
    "metal og svejsning",
]
SYLLABLES = ["ka", "lo", "ve", "ri", "sø", "an", "bu", "ter", "mel", "dal", "strup", "holm", "by", "gård", "vig"]


@dataclass
class Network:
    jobs: JobArrays
    documents: list[JobDocument]
    people: PeopleArrays
    person_texts: list[str]
    person_isco: list[list[str]]


def _place(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """70 % around a town (σ ≈ 10 km), 30 % anywhere in the box; about 1 % without coordinates."""
    towns = np.array([(lat, lon) for _, lat, lon in TOWNS])
    pick = towns[rng.integers(0, len(towns), n)]
    lat = pick[:, 0] + rng.normal(0, 0.09, n)
    lon = pick[:, 1] + rng.normal(0, 0.15, n)
    anywhere = rng.random(n) < 0.3
    lat[anywhere] = rng.uniform(*LAT_RANGE, anywhere.sum())
    lon[anywhere] = rng.uniform(*LON_RANGE, anywhere.sum())
    lat, lon = np.clip(lat, *LAT_RANGE), np.clip(lon, *LON_RANGE)
    missing = rng.random(n) < 0.01
    lat[missing] = np.nan
    lon[missing] = np.nan
    return lat, lon


def build_network(n_jobs: int, n_people: int, seed: int = 2019) -> Network:
    """A seeded synthetic network: job functions with documents, young people with interest texts."""
    rng = np.random.default_rng(seed)
    text_rng = random.Random(seed)
    hours_min = rng.integers(5, 26, n_jobs).astype(float)
    ended = rng.integers(0, 21, n_jobs) * (rng.random(n_jobs) < 0.7)
    lat, lon = _place(rng, n_jobs)
    jobs = JobArrays(
        ids=np.arange(1, n_jobs + 1) * 7 + 100,
        profile=rng.integers(1, 6, (n_jobs, 7)),
        hours_min=hours_min,
        hours_max=np.minimum(37.0, hours_min + rng.integers(0, 16, n_jobs)),
        lat=lat,
        lon=lon,
        free_places=rng.choice([0, 1, 1, 1, 2, 2, 3], n_jobs),
        mentor_experience=rng.integers(1, 6, n_jobs),
        mentor_free_capacity=rng.choice([0.0, 0.5, 1.0, 1.0, 2.0, 3.0], n_jobs),
        hires=rng.binomial(ended, 0.4),
        ended=ended,
    )
    documents = []
    for _ in range(n_jobs):
        label, isco, synonyms = text_rng.choice(OCCUPATIONS)
        title = text_rng.choice((label, *synonyms)).capitalize()
        town = text_rng.choice(TOWNS)[0]
        words = " ".join("".join(text_rng.choices(SYLLABLES, k=text_rng.randint(2, 4))) for _ in range(3))
        tasks = ", ".join(text_rng.sample(TASKS, text_rng.randint(2, 5))) + f". Hos {words} i {town}."
        documents.append(JobDocument(title, tasks, (label,), synonyms, isco))

    p_hours_min = rng.integers(5, 26, n_people).astype(float)
    p_lat, p_lon = _place(rng, n_people)
    people = PeopleArrays(
        ids=np.arange(1, n_people + 1),
        needs=rng.integers(1, 6, (n_people, 7)),
        support_need=rng.integers(1, 6, n_people),
        hours_min=p_hours_min,
        hours_max=np.minimum(37.0, p_hours_min + rng.integers(0, 11, n_people)),
        lat=p_lat,
        lon=p_lon,
        max_km=rng.choice([10.0, 15.0, 20.0, 30.0, 40.0, 60.0], n_people),
    )
    texts, iscos = [], []
    for _ in range(n_people):
        texts.append(" og ".join(text_rng.sample(INTERESTS, text_rng.randint(1, 3))))
        codes = [
            text_rng.choice(OCCUPATIONS)[1][: text_rng.choice((2, 3, 4, 4))] for _ in range(text_rng.randint(0, 2))
        ]
        iscos.append(codes)
    return Network(jobs, documents, people, texts, iscos)


def _ms(seconds: float) -> float:
    return seconds * 1000.0


def _percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q))


def _timed(fn: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


class Report:
    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str, str]] = []
        self.failed = False

    def add(self, name: str, value: str, target: str = "", ok: bool | None = None) -> None:
        status = "" if ok is None else ("PASS" if ok else "FAIL")
        self.failed |= ok is False
        self.rows.append((name, value, target, status))

    def section(self, title: str) -> None:
        self.rows.append((f"-- {title}", "", "", ""))

    def print(self) -> None:
        widths = [max(len(r[i]) for r in [*self.rows, ("measure", "value", "target", "status")]) for i in range(4)]
        header = ("measure", "value", "target", "status")
        line = "  ".join("-" * w for w in widths)
        print(line)
        print("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
        print(line)
        for row in self.rows:
            print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
        print(line)
        print("RESULT:", "FAIL" if self.failed else "PASS")


def run(n_jobs: int, n_people: int, samples: int, reference_people: int, seed: int) -> Report:
    report = Report()
    weights = Weights()
    print(f"Building a synthetic network: {n_jobs:,} job functions, {n_people:,} young people (seed {seed}) ...")
    build_s, net = _timed(lambda: build_network(n_jobs, n_people, seed))
    fit_s, model = _timed(lambda: InterestModel(net.documents))
    people_s, people_interests = _timed(lambda: model.people(net.person_texts, net.person_isco))
    assert isinstance(model, InterestModel) and isinstance(people_interests, PeopleInterests)
    report.section("setup")
    report.add("synthetic network built", f"{build_s:.2f} s")
    report.add("interest model built from job documents", f"{fit_s:.2f} s ({model.vocabulary_size:,} terms)")
    report.add("interests of all people analysed", f"{_ms(people_s):.0f} ms")

    # (1) one young person against every job function.
    rng = np.random.default_rng(seed + 1)
    sample = rng.choice(n_people, size=min(samples, n_people), replace=False)
    gc.collect()
    totals, interest_times, score_times, top_times = [], [], [], []
    for p in sample:
        person = net.people.row(int(p))
        t0 = time.perf_counter()
        interest = model.similarity(net.person_texts[p], net.person_isco[p])
        t1 = time.perf_counter()
        ranking = score_person(person, net.jobs, interest, weights)
        t2 = time.perf_counter()
        matches = ranking.top(TOP_K)
        t3 = time.perf_counter()
        assert len(matches) <= TOP_K
        interest_times.append(t1 - t0)
        score_times.append(t2 - t1)
        top_times.append(t3 - t2)
        totals.append(t3 - t0)
    p95 = _ms(_percentile(totals, 95))
    report.section(f"(1) one young person × {n_jobs:,} job functions, {len(sample)} people")
    report.add("interest similarity p50 / p95", _fmt_pair(interest_times))
    report.add("score + filters p50 / p95", _fmt_pair(score_times))
    report.add(f"order + top {TOP_K} explained p50 / p95", _fmt_pair(top_times))
    report.add("total p50", f"{_ms(_percentile(totals, 50)):.2f} ms")
    report.add("total p95", f"{p95:.2f} ms", f"< {TARGET_P95_MS:.0f} ms", p95 < TARGET_P95_MS)
    report.add("throughput (1 core)", f"{len(totals) / sum(totals):.0f} people/s")

    # (2) one job function against every young person.
    job_times = []
    job_sample = rng.choice(n_jobs, size=min(samples, n_jobs), replace=False)
    for j in job_sample:
        t0 = time.perf_counter()
        interest = model.similarity_to_people(int(j), people_interests)
        ranking = score_job(net.jobs, int(j), net.people, interest, weights)
        ranking.top(TOP_K)
        job_times.append(time.perf_counter() - t0)
    report.section(f"(2) one job function × {n_people:,} young people, {len(job_sample)} job functions")
    report.add("interest + score + top 20 p50 / p95", _fmt_pair(job_times))

    # (3) memory.
    report.section("(3) memory")
    report.add("JobArrays (incl. derived columns)", _mb(net.jobs.nbytes), "")
    report.add("PeopleArrays", _mb(net.people.nbytes))
    report.add("interest model: term matrix and occupations", f"{_mb(model.nbytes)} ({model._by_term.nnz:,} non-zeros)")
    pm = people_interests.matrix
    report.add("people phrase matrix", _mb(pm.data.nbytes + pm.indices.nbytes + pm.indptr.nbytes))

    # (4) refresh after one job function changes.
    update_times, doc_times = [], []
    for j in rng.choice(n_jobs, size=min(200, n_jobs), replace=False):
        old = net.jobs.row(int(j))
        changed = replace(old, free_places=old.free_places + 1, profile=tuple(6 - v for v in old.profile))
        doc = net.documents[int(j)]
        new_doc = replace(doc, tasks=doc.tasks + " Nu også opvask og pakning.")
        t0 = time.perf_counter()
        net.jobs.update_row(int(j), changed)
        t1 = time.perf_counter()
        model.update_document(int(j), new_doc)
        t2 = time.perf_counter()
        update_times.append(t1 - t0)
        doc_times.append(t2 - t1)
        net.documents[int(j)] = new_doc
    compact_s, _ = _timed(model.compact)
    report.section("(4) refresh after one job function changes (200 changes)")
    report.add("array row update p50 / p95", _fmt_pair(update_times, digits=3))
    report.add("document re-transform p50 / p95", _fmt_pair(doc_times))
    report.add("fold changes into matrix (compact)", f"{_ms(compact_s):.1f} ms")

    # (5) the reference implementation.
    report.section(f"(5) reference (plain Python) × {n_jobs:,} job functions, {reference_people} people")
    rows_s, job_rows = _timed(net.jobs.rows)
    report.add("JobArrays → Job records (once)", f"{rows_s:.2f} s")
    ref_times, eng_times, equal = [], [], True
    for p in sample[:reference_people]:
        person = net.people.row(int(p))
        interest = model.similarity(net.person_texts[p], net.person_isco[p])
        ref_s, ref_top = _timed(
            lambda person=person, interest=interest: reference.rank_jobs(
                person, job_rows, interest.tolist(), weights, TOP_K
            )
        )
        runs = []
        for _ in range(5):
            s, eng_top = _timed(
                lambda person=person, interest=interest: score_person(person, net.jobs, interest, weights).top(TOP_K)
            )
            runs.append(s)
        ref_times.append(ref_s)
        eng_times.append(statistics.median(runs))
        equal &= _same(ref_top, eng_top)
    # And the reverse direction for one job function.
    person_rows = net.people.rows()
    j = int(job_sample[0])
    interest = model.similarity_to_people(j, people_interests)
    ref_people = reference.rank_people(net.jobs.row(j), person_rows, interest.tolist(), weights, TOP_K)
    equal_people = _same(ref_people, score_job(net.jobs, j, net.people, interest, weights).top(TOP_K))
    ratio = sum(ref_times) / sum(eng_times)
    report.add("reference per person", f"{_ms(statistics.mean(ref_times)):.0f} ms")
    report.add("engine per person (score + top 20, same interest)", f"{_ms(statistics.mean(eng_times)):.2f} ms")
    report.add("speed ratio reference / engine", f"{ratio:.0f}×", f"≥ {TARGET_RATIO:.0f}×", ratio >= TARGET_RATIO)
    report.add("reference top 20 == engine top 20 (people)", "yes" if equal else "NO", "equal", equal)
    report.add("reference top 20 == engine top 20 (one job)", "yes" if equal_people else "NO", "equal", equal_people)
    return report


def _same(ref, eng) -> bool:
    return [(m.job_id, m.person_id) for m in ref] == [(m.job_id, m.person_id) for m in eng] and all(
        abs(a.total - b.total) <= 1e-9 and a.explanations == b.explanations for a, b in zip(ref, eng, strict=True)
    )


def _fmt_pair(values: list[float], digits: int = 2) -> str:
    return f"{_ms(_percentile(values, 50)):.{digits}f} / {_ms(_percentile(values, 95)):.{digits}f} ms"


def _mb(nbytes: int) -> str:
    return f"{nbytes / 1e6:.1f} MB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks matching", description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, default=50_000, help="job functions (default 50,000)")
    parser.add_argument("--people", type=int, default=5_000, help="young people (default 5,000)")
    parser.add_argument("--samples", type=int, default=200, help="people timed in (1), jobs in (2) (default 200)")
    parser.add_argument("--reference-people", type=int, default=3, help="people run through the reference (3)")
    parser.add_argument("--seed", type=int, default=2019)
    parser.add_argument("--quick", action="store_true", help="small run: 5,000 jobs, 500 people, 50 samples")
    args = parser.parse_args(argv)
    if args.quick:
        args.jobs, args.people, args.samples, args.reference_people = 5_000, 500, 50, 2
    report = run(args.jobs, args.people, args.samples, args.reference_people, args.seed)
    report.print()
    return 1 if report.failed else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
