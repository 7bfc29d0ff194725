"""Dashboard figures over 100,000 internship agreements and 20,000 young people, on SQLite and PostgreSQL.

``python -m benchmarks reports [--agreements N --people M] [--database-url URL] [--quick]``. Builds a synthetic
history through the migrations into a fresh database (a temporary SQLite file, or the PostgreSQL database given,
whose public schema is dropped and recreated), then times every figure of the dashboard for one partnership and
for all partnerships. Target: every dashboard (all figures together) under 500 ms.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import text

TARGET_MS = 500.0
PARTNERSHIPS = 4


def _build(app, agreements: int, people: int, seed: int) -> None:
    from flask_migrate import upgrade

    from placement.extensions import db

    rng = random.Random(seed)
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        upgrade()
        meta = {t.name: t for t in db.metadata.sorted_tables}
        started = time.perf_counter()
        with db.engine.begin() as conn:
            def insert(table, rows):
                for i in range(0, len(rows), 5000):
                    conn.execute(meta[table].insert(), rows[i:i + 5000])

            stamp = datetime(2026, 1, 1, tzinfo=UTC)
            created = {"created_at": stamp, "updated_at": stamp}
            insert("partnerships", [{"id": p, "name": f"P{p}", "municipality": f"K{p}", "education_place": "U",
                                     "postcode": "8900", **created} for p in range(1, PARTNERSHIPS + 1)])
            insert("users", [{"id": u, "email": f"k{u}@example.com", "name": f"Konsulent {u}", "password_hash": "x",
                              "role": "consultant", "partnership_id": (u - 1) % PARTNERSHIPS + 1, "active": True,
                              **created} for u in range(1, 41)])
            companies = agreements // 250
            insert("companies", [{"id": c, "partnership_id": (c - 1) % PARTNERSHIPS + 1, "cvr": f"{10000000 + c}",
                                  "name": f"Virksomhed {c}", "kind": "ordinary", "address": "", "postcode": "8900",
                                  "town": "Randers C", "industry": "", "contact_name": "", "contact_email": "",
                                  "contact_phone": "", "notes": "", "active": True, **created}
                                 for c in range(1, companies + 1)])
            insert("mentors", [{"id": m, "company_id": (m - 1) // 2 + 1, "name": f"Mentor {m}", "email": "",
                                "phone": "", "experience_level": 3, "experience_notes": "", "max_interns": 2,
                                "active": True, **created} for m in range(1, companies * 2 + 1)])
            insert("job_functions", [{"id": j, "company_id": (j - 1) // 5 + 1, "title": f"Funktion {j}", "tasks": "",
                                      "hours_min": 10, "hours_max": 30, "places": 2, "mentor_id": (j - 1) // 5 * 2 + 1,
                                      "location_address": "", "location_town": "", "active": True,
                                      "structure": 3, "predictability": 3, "pace": 3, "social_contact": 3,
                                      "physical_load": 3, "sensory_load": 3, "independence": 3, **created}
                                     for j in range(1, companies * 5 + 1)])
            rows = []
            for p in range(1, people + 1):
                start = date(2022, 1, 1) + timedelta(days=rng.randrange(1400))
                rows.append({"id": p, "partnership_id": (p - 1) % PARTNERSHIPS + 1, "name": f"Ung {p}",
                             "date_of_birth": start - timedelta(days=365 * rng.randint(18, 30)),
                             "home_municipality": "K", "postcode": "8900", "town": "Randers C",
                             "cognitive": rng.random() < 0.6, "psychological": rng.random() < 0.7,
                             "physical": rng.random() < 0.2, "disruptions": [], "health_notes": "", "interests": "",
                             "support_need": 3, "support_notes": "", "hours_min": 10, "hours_max": 20, "max_km": 15,
                             "transport": "public", "course_start": start,
                             "course_years": rng.choice((1, 2, 3, 3, 3, 4, 5)),
                             "consent": "declined" if rng.random() < 0.05 else "given", "consent_date": start,
                             "active": True, "structure": 3, "predictability": 3, "pace": 3, "social_contact": 3,
                             "physical_load": 3, "sensory_load": 3, "independence": 3, **created})
            insert("participants", rows)
            insert("progress_measurements", [
                {"participant_id": p, "measured_on": date(2022, 1, 1) + timedelta(days=180 * k + rng.randrange(90)),
                 "motivation": rng.randint(1, 10), "work_identity": rng.randint(1, 10),
                 "clarification": rng.randint(1, 10), "knowledge": rng.randint(1, 10), "comment": "", **created}
                for p in range(1, people + 1) for k in range(3)])
            outcomes = ["ordinary_job", "flex_job", "wage_subsidy", "protected", "not_hired", "not_hired"]
            rows = []
            for a in range(1, agreements + 1):
                person = rng.randrange(1, people + 1)
                partnership = (person - 1) % PARTNERSHIPS + 1
                job = rng.randrange(partnership, companies * 5 + 1, PARTNERSHIPS) if companies * 5 >= partnership else 1
                start = date(2022, 1, 1) + timedelta(days=rng.randrange(1400))
                ended = rng.random() < 0.7
                outcome = rng.choice(outcomes) if ended else None
                rows.append({"id": a, "partnership_id": partnership, "participant_id": person, "job_function_id": job,
                             "mentor_id": (job - 1) // 5 * 2 + 1, "consultant_id": partnership,
                             "state": "ended" if ended else rng.choice(("draft", "sent", "confirmed", "active")),
                             "version": 1, "start_date": start, "planned_weeks": 26, "weekly_hours": 15, "schedule": "",
                             "purpose": "", "tasks": "", "works_with": "", "meeting": "", "support": "",
                             "follow_up_plan": "", "follow_up_weeks": 4, "capacity_override": "",
                             "ended_on": start + timedelta(days=rng.randrange(60, 300)) if ended else None,
                             "outcome": outcome,
                             "outcome_start": start + timedelta(days=rng.randrange(60, 320))
                             if outcome and outcome != "not_hired" else None,
                             "decision": ("pending" if rng.random() < 0.3 else "approved")
                             if outcome in ("flex_job", "wage_subsidy", "protected") else None, **created})
            insert("agreements", rows)
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("ANALYZE"))
        print(f"built {people:,} young people, {people * 3:,} measurements, {agreements:,} agreements "
              f"in {time.perf_counter() - started:.1f} s")


def _dashboard(scope) -> None:
    from placement.reports import services

    services.success_criteria(scope)
    services.hire_rates(scope)
    for grouping in services.GROUPINGS:
        services.hire_rates(scope, grouping)
    services.median_days_to_hire(scope)
    services.outcomes(scope)
    services.funnel(scope)
    services.cohort(scope)


def run(url: str, agreements: int, people: int, repeats: int, seed: int) -> bool:
    from placement import create_app
    from placement.extensions import db
    from placement.reports import services

    app = create_app({"TESTING": True, "SECRET_KEY": "benchmark", "SQLALCHEMY_DATABASE_URI": url})
    _build(app, agreements, people, seed)
    ok = True
    with app.app_context():
        print(f"\n{db.engine.dialect.name}: every dashboard figure (success criteria, hire rates overall and by "
              f"{len(services.GROUPINGS)} groupings, median time to hire, outcomes, funnel, cohort)")
        print(f"{'scope':<22}{'p50 ms':>10}{'max ms':>10}{'target':>10}  result")
        for label, ids in (("one partnership", (1,)), ("all partnerships", None)):
            scope = services.Scope(ids, date(2023, 1, 1), date(2025, 12, 31))
            _dashboard(scope)  # warm the caches once
            times = []
            for _ in range(repeats):
                started = time.perf_counter()
                _dashboard(scope)
                times.append((time.perf_counter() - started) * 1000)
                db.session.rollback()
            passed = max(times) < TARGET_MS
            ok &= passed
            print(f"{label:<22}{statistics.median(times):>10.1f}{max(times):>10.1f}{TARGET_MS:>10.0f}  "
                  f"{'PASS' if passed else 'FAIL'}")
        db.engine.dispose()
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks reports", description=__doc__.split("\n")[0])
    parser.add_argument("--agreements", type=int, default=100_000)
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2019)
    parser.add_argument("--database-url", action="append",
                        help="a database to build and measure (repeatable); default: a temporary SQLite file, and "
                             "PLACEMENT_BENCH_POSTGRES_URL when set")
    parser.add_argument("--quick", action="store_true", help="small run: 10,000 agreements, 2,000 young people")
    args = parser.parse_args(argv)
    if args.quick:
        args.agreements, args.people = 10_000, 2_000
    urls = args.database_url
    with tempfile.TemporaryDirectory() as folder:
        if not urls:
            urls = [f"sqlite:///{folder}/reports.sqlite"]
            if os.environ.get("PLACEMENT_BENCH_POSTGRES_URL"):
                urls.append(os.environ["PLACEMENT_BENCH_POSTGRES_URL"].replace("postgresql://",
                                                                                "postgresql+psycopg://", 1))
        results = [run(url, args.agreements, args.people, args.repeats, args.seed) for url in urls]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
