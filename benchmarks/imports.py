"""CSV imports of the company network on SQLite and PostgreSQL: companies, then mentors and job functions.

``python -m benchmarks imports [--sizes 10000,100000] [--jobs 50000] [--database-url URL]
[--no-postgres|--no-sqlite] [--quick]``. Builds a fresh database through the migrations (a temporary SQLite file;
on PostgreSQL the database ``placement_bench_imports``, dropped and recreated, or the one given), imports the ESCO
occupations from ``../shared/data/esco/`` when they are there (so the job functions' automatic link has work), and
times ``network.csvio.import_csv`` with the commit, as the import job runs it: wall time, and this process's CPU
time per line (steadier than wall time on a shared machine; PostgreSQL's own work is not in it).

* Companies: synthetic files of ``--sizes`` lines (valid CVR numbers by modulus 11, postcodes from
  ``placement.geo``, some names alike within a postcode so the duplicate check has work). Targets: at least
  5,000 lines/s on PostgreSQL, and a 100,000-line file in under 60 s.
* Mentors and job functions: for each of ``--jobs``, a partnership of its own gets half as many companies (not
  timed), one mentor each, then the job functions, as ``benchmarks scale`` grows its network (``network_files``:
  ESCO titles linked or not, everyday titles, a mentor and a workplace each). Target: at most 1 ms per line on
  PostgreSQL.
"""

import argparse
import os
import random
import subprocess  # nosec B404 - createdb/dropdb with fixed arguments
import sys
import tempfile
import time
from datetime import UTC, datetime

from sqlalchemy import text

TARGET_RATE = 5000.0
TARGET_100K_SECONDS = 60.0
#: Mentors and job functions: seconds per line on PostgreSQL.
TARGET_NETWORK_SECONDS_PER_LINE = 0.001
PG_DATABASE = "placement_bench_imports"
_WORDS = ("Hansen", "Jensen", "Nielsen", "Maskinstation", "Tømrer", "Lager", "Bageri", "Auto", "VVS", "Gartneri",
          "Smed", "Købmand", "Transport", "El", "Maler", "Landbrug", "Rengøring", "Café", "Service", "Byg")
_FORMS = ("ApS", "A/S", "I/S", "& Søn", "")


def company_csv(lines: int, seed: int = 1, first_cvr: int = 1_000_000) -> bytes:
    """Return a valid company file of ``lines`` data lines (plus the header), UTF-8 with a byte-order mark."""
    from placement.geo import load_postcodes
    from placement.network.csvio import COLUMNS, COMPANIES, write_csv
    from placement.network.cvr import make_valid_cvr

    rng = random.Random(seed * 1_000_003 + first_cvr)  # each file its own names
    postcodes = sorted(load_postcodes())
    rows, prefix = [], first_cvr
    for _ in range(lines):
        while True:
            try:
                cvr = make_valid_cvr(prefix)
                break
            except ValueError:
                prefix += 1
        prefix += 1
        # A made-up owner's name and a trade: alike names only now and then (a few duplicate warnings).
        owner = "".join(rng.choice("bdfgklmnprstv") + rng.choice("aeiouyæøå") for _ in range(rng.randint(2, 4)))
        name = f"{owner.capitalize()}s {rng.choice(_WORDS)} {rng.choice(_FORMS)}".strip()
        rows.append([cvr, name, "ordinary", f"Vej {rng.randint(1, 200)}", rng.choice(postcodes), "", "Handel",
                     rng.randint(1, 500), "", "", "", "", "1"])
    text_ = write_csv(COMPANIES, rows)
    assert text_.count("\n") == lines + 1 and COLUMNS[COMPANIES]
    return text_.encode("utf-8")


def _app(url: str):
    from flask_migrate import upgrade

    from placement import create_app
    from placement.extensions import db

    app = create_app({"TESTING": True, "SECRET_KEY": "benchmark", "SQLALCHEMY_DATABASE_URI": url,
                      "BABEL_DEFAULT_LOCALE": "en"})
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return app


def _esco(app) -> int:
    """Import the ESCO occupations into the database when the files are there; return how many there are."""
    from benchmarks.scale import ESCO_DIR
    from placement.extensions import db
    from placement.occupations.services import import_file

    paths = [ESCO_DIR / "ISCOGroups_da.csv", ESCO_DIR / "occupations_da.csv"]
    if not all(path.exists() for path in paths):
        return 0
    with app.app_context():
        counts = [import_file(path)[1] for path in paths]
        db.session.commit()
        db.session.remove()
    return counts[1].created


def _import(app, kind: str, content: bytes, partnership_name: str = "Bench"):
    """Import a file as the job does; return wall seconds, this process's CPU seconds and the report."""
    from placement.auth.models import Partnership
    from placement.extensions import db
    from placement.network import csvio

    with app.app_context(), app.test_request_context():
        partnership = db.session.scalar(db.select(Partnership).where(Partnership.name == partnership_name))
        if partnership is None:
            partnership = Partnership(name=partnership_name, municipality="Randers Kommune", education_place="U",
                                      postcode="8900")
            db.session.add(partnership)
            db.session.commit()
        started, cpu_started = time.perf_counter(), time.process_time()
        report = csvio.import_csv(kind, content, partnership)
        if report.ok:
            db.session.commit()
        else:
            db.session.rollback()
            print(f"  import refused: {report.errors[:3]}", file=sys.stderr)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        db.session.remove()
        return seconds, cpu, report


def _network(label: str, app, jobs: int, seed: int, first_cvr: int) -> bool:
    """Import half as many companies as ``jobs``, a mentor each and ``jobs`` job functions; time the last two."""
    from benchmarks.scale import _cvrs, network_files

    partnership = f"Bench network {jobs}"
    companies = company_csv((jobs + 1) // 2, seed, first_cvr)
    _seconds, _cpu, report = _import(app, "companies", companies, partnership)
    ok = report.ok
    mentors, job_functions, _mix = network_files(jobs, _cvrs(companies), seed)
    for kind, content in (("mentors", mentors), ("job_functions", job_functions)):
        lines = content.count(b"\n") - 1
        seconds, cpu, report = _import(app, kind, content, partnership)
        per_line = seconds / lines
        passed = report.imported == lines and (label != "postgresql" or per_line <= TARGET_NETWORK_SECONDS_PER_LINE)
        ok &= passed
        linked = (f", {report.auto_linked:,} linked from their title, {report.without_occupation:,} without"
                  if kind == "job_functions" else "")
        print(f"{label:10} {lines:>8,} {kind.replace('_', ' '):13} ({len(content) / 1e6:.1f} MB) {seconds:7.2f} s "
              f"{per_line * 1e3:6.3f} ms/line (CPU {cpu / lines * 1e6:,.0f} µs/line) imported {report.imported:,}"
              f"{linked}  {'PASS' if passed else 'FAIL'}")
    return ok


def run(label: str, url: str, sizes: list[int], jobs: list[int], seed: int) -> bool:
    app = _app(url)
    ok, first_cvr = True, 1_000_000
    for size in sizes:
        content = company_csv(size, seed, first_cvr)
        first_cvr += size * 2
        seconds, cpu, report = _import(app, "companies", content)
        rate = size / seconds if seconds else float("inf")
        passed = report.imported == size and (label != "postgresql" or rate >= TARGET_RATE) and \
            (size < 100_000 or seconds < TARGET_100K_SECONDS)
        ok &= passed
        print(f"{label:10} {size:>8,} lines ({len(content) / 1e6:.1f} MB) {seconds:7.2f} s {rate:9,.0f} lines/s "
              f"(CPU {cpu / size * 1e6:,.0f} µs/line) imported {report.imported:,}, {len(report.warnings):,} "
              f"duplicate warnings  {'PASS' if passed else 'FAIL'}")
    if jobs:
        print(f"{label:10} {_esco(app):,} ESCO occupations")
    for count in jobs:
        ok &= _network(label, app, count, seed, first_cvr)
        first_cvr += count * 2
    return ok


def _recreate_postgres(base: str) -> str:
    host = ["-h", "127.0.0.1", "-U", "postgres"]
    subprocess.run(["dropdb", "--if-exists", *host, PG_DATABASE], check=False)  # noqa: S603, S607  # nosec
    subprocess.run(["createdb", *host, PG_DATABASE], check=True)  # noqa: S603, S607  # nosec
    return base


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks imports", description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000", help="lines per file, comma-separated")
    parser.add_argument("--database-url", help="PostgreSQL URL (its public schema is dropped and recreated); "
                        f"default: postgresql://postgres@127.0.0.1:5432/{PG_DATABASE}, dropped and recreated")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    parser.add_argument("--jobs", default="50000", help="job functions per network import, comma-separated "
                        "(half as many companies and mentors); 0: none")
    parser.add_argument("--quick", action="store_true", help="companies: 2,000 and 10,000 lines; 2,000 job functions")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    sizes = [2000, 10000] if args.quick else [int(s) for s in args.sizes.split(",") if int(s)]
    jobs = [2000] if args.quick else [int(s) for s in args.jobs.split(",") if int(s)]
    print(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, targets on PostgreSQL: companies >= {TARGET_RATE:,.0f} lines/s, "
          f"100,000 lines < {TARGET_100K_SECONDS:.0f} s; mentors and job functions "
          f"<= {TARGET_NETWORK_SECONDS_PER_LINE * 1e3:g} ms/line")
    ok = True
    if not args.no_sqlite:
        with tempfile.TemporaryDirectory() as tmp:
            ok &= run("sqlite", f"sqlite:///{os.path.join(tmp, 'bench.sqlite')}", sizes, jobs, args.seed)
    if not args.no_postgres:
        if args.database_url:
            url = args.database_url.replace("postgresql://", "postgresql+psycopg://", 1)
            from sqlalchemy import create_engine
            engine = create_engine(url)
            with engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
            engine.dispose()
        else:
            url = _recreate_postgres(f"postgresql+psycopg://postgres@127.0.0.1:5432/{PG_DATABASE}")
        ok &= run("postgresql", url, sizes, jobs, args.seed)
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
