"""Load: gunicorn + PostgreSQL + Redis with the demo data, driven by logged-in users on the busiest pages.

``python -m benchmarks load [--users 10,50,100] [--seconds 15] [--quick]``. Builds its own database
``placement_load`` (dropped and recreated on ``--admin-url``, default postgresql://postgres@127.0.0.1:5432/postgres),
migrates it, seeds the demo data, starts gunicorn (``gunicorn.conf.py``, 2 workers unless ``--workers``) in
production mode on a free port of 127.0.0.1 with Redis db 14 (flushed first), logs in the demo consultant once
per simulated user (each its own session), issues an API token, then drives each page with N users in a closed
loop without think time: every user sends its next request as soon as the answer arrives. Per page and N it prints
requests per second, p50/p95/p99 latency and errors (any answer but 200, or a failed connection), then stops
gunicorn. Only 127.0.0.1 is contacted. The load generator runs on the same cores as the service.

``--think SECONDS``: each user waits that long after every answer before the next click (the first click comes
at a random moment within the first wait, so the users do not click in step), e.g. ``--users 50 --think 5``:
"50 users clicking every 5 s". The run then also says whether every page answered within ``THINK_TARGET_MS`` at
the 95th percentile.

``--quick``: 10 users, 5 seconds per page, to see that it works.
"""

import argparse
import contextlib
import http.client
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
DATABASE = "placement_load"
REDIS_URL = "redis://127.0.0.1:6379/14"
CONSULTANT = "konsulent@demo.example"
#: Extra settings for the service under load. The demo consultant logs in with a password only: a second factor,
#: where the service requires one, is switched off here through the configuration.
BENCH_ENV = {"PLACEMENT_TOTP_REQUIRED": "false"}
#: The whole run stops after this many seconds, whatever happens.
HARD_LIMIT_SECONDS = 30 * 60
#: With think time, every page should answer within this at the 95th percentile (issue #8).
THINK_TARGET_MS = 200


@dataclass
class Page:
    name: str
    method: str
    path: str
    body: dict | None = None
    api: bool = False


@dataclass
class Result:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    first_error: str = ""


class Session:
    """One simulated user: a cookie jar, a CSRF token and a keep-alive connection (re-opened when gunicorn's
    sync workers close it)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.csrf = ""
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def request(self, method: str, path: str, body: dict | None = None, headers: dict | None = None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=data, headers=headers)
                response = self.conn.getresponse()
                payload = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.conn.close()
                if attempt == 2:
                    raise
        for value in response.headers.get_all("Set-Cookie") or ():
            for name, morsel in SimpleCookie(value).items():
                self.cookies[name] = morsel.value
        if response.getheader("Connection", "").lower() == "close":
            self.conn.close()
        return response.status, payload

    def login(self, email: str, password: str) -> None:
        status, page = self.request("GET", "/login")
        token = _csrf(page)
        status, page = self.request("POST", "/login", {"email": email, "password": password, "csrf_token": token})
        if status != 302:
            raise SystemExit(f"login as {email} failed ({status}); does the service ask for a second factor? "
                             f"Adjust BENCH_ENV in benchmarks/load.py.")
        status, page = self.request("GET", "/search")
        if status != 200:
            raise SystemExit(f"after login /search answered {status}: a second factor or another step is asked for; "
                             f"adjust BENCH_ENV in benchmarks/load.py.")
        self.csrf = _csrf(page)


def _csrf(page: bytes) -> str:
    match = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page) or \
        re.search(rb'value="([^"]+)"[^>]*name="csrf_token"', page)
    if not match:
        raise SystemExit("no CSRF token on the page")
    return match.group(1).decode()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database(admin_url: str) -> str:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DATABASE}"')
    base, _, _ = admin_url.rpartition("/")
    return f"{base}/{DATABASE}"


def _flush_redis() -> None:
    import redis

    redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).flushdb()


def _env(database_url: str, port: int, workers: int) -> dict:
    return {**os.environ, "PLACEMENT_ENV": "production", "PLACEMENT_SECRET_KEY": "load-benchmark-" + "x" * 32,
            "PLACEMENT_DATABASE_URL": database_url, "PLACEMENT_REDIS_URL": REDIS_URL,
            "PLACEMENT_BASE_URL": f"http://127.0.0.1:{port}", "PLACEMENT_BIND": f"127.0.0.1:{port}",
            "PLACEMENT_WORKERS": str(workers), "PLACEMENT_THREADS": "1", "PLACEMENT_TIMEOUT": "60",
            "PLACEMENT_ACCESS_LOG": os.devnull, "PLACEMENT_LOGIN_RATE_LIMIT": "100000 per minute",
            **BENCH_ENV}


def _flask(env: dict, *args: str) -> None:
    subprocess.run([str(Path(sys.executable).parent / "flask"), "--app", "placement", *args],  # noqa: S603 - fixed
                   cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def _fixtures(env: dict) -> tuple[list[int], str]:
    """Return the ids of the demo consultant's young people and a read-only API token of the consultant."""
    saved = os.environ.copy()
    os.environ.update(env)
    try:
        from sqlalchemy import select

        from placement import create_app
        from placement.auth.models import TokenScope
        from placement.auth.services import find_user_by_email, issue_api_token
        from placement.extensions import db
        from placement.participants.models import Participant

        app = create_app()
        with app.app_context():
            consultant = find_user_by_email(CONSULTANT)
            ids = db.session.scalars(select(Participant.id).where(Participant.consultant_id == consultant.id)
                                     .order_by(Participant.id)).all()
            _token, plain = issue_api_token(consultant, "load benchmark", days=30, scope=TokenScope.READ)
            db.session.commit()
            db.engine.dispose()
    finally:
        os.environ.clear()
        os.environ.update(saved)
    if not ids:
        raise SystemExit(f"the demo consultant {CONSULTANT} has no young people")
    return ids, plain


@contextlib.contextmanager
def _gunicorn(env: dict, port: int):
    with tempfile.TemporaryFile() as errors:
        server = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py",  # noqa: S603
                                   "placement:create_app()"], cwd=ROOT, env=env, stdout=errors, stderr=errors,
                                  start_new_session=True)
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                    break
                except OSError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        errors.seek(0)
                        log = errors.read().decode(errors="replace")[-3000:]
                        raise SystemExit("gunicorn did not start:\n" + log) from None
                    time.sleep(0.2)
            yield server
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()


def _drive(sessions: list[Session], page: Page, participants: list[int], token: str, seconds: float,
           think: float = 0.0) -> Result:
    """Let each session request the page until ``seconds`` have passed: at once after each answer (closed loop), or
    after waiting ``think`` seconds."""
    result = Result()
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def wait(delay: float) -> None:
        time.sleep(max(0.0, min(delay, stop - time.monotonic())))

    def user(index: int, session: Session) -> None:
        latencies, errors, first = [], 0, ""
        n = index
        if think:
            wait(random.Random(index).uniform(0, think))  # nosec B311 - spreads the first clicks
        while time.monotonic() < stop:
            path = page.path.format(participant=participants[n % len(participants)])
            n += 1
            body = dict(page.body, csrf_token=session.csrf) if page.body is not None else None
            headers = {"Authorization": f"Bearer {token}"} if page.api else None
            started = time.perf_counter()
            try:
                status, _payload = session.request(page.method, path, body, headers)
            except OSError as error:
                status, first = 0, first or repr(error)
                session.conn.close()
            latencies.append(time.perf_counter() - started)
            if status != 200:
                errors += 1
                first = first or f"{page.method} {path}: {status}"
            if think:
                wait(think)
        with lock:
            result.latencies.extend(latencies)
            result.errors += errors
            result.first_error = result.first_error or first

    threads = [threading.Thread(target=user, args=(i, s), daemon=True) for i, s in enumerate(sessions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 120)
    return result


def _drive_ab(session: Session, page: Page, participants: list[int], token: str, seconds: float,
              users: int) -> tuple[float, float, float, float, int, str]:
    """Drive one page with ApacheBench (``ab``, a C client that costs the shared cores far less than the threaded
    Python client): ``users`` concurrent connections for ``seconds``, every request with the first simulated user's
    session cookie (or the API token). Return req/s, p50/p95/p99 in ms, errors and ab's first error line."""
    path = page.path.format(participant=participants[0])
    command = ["ab", "-q", "-s", "60", "-t", f"{seconds:g}", "-n", "10000000", "-c", str(users)]
    if page.api:
        command += ["-H", f"Authorization: Bearer {token}"]
    else:
        command += ["-H", "Cookie: " + "; ".join(f"{k}={v}" for k, v in session.cookies.items())]
    with tempfile.NamedTemporaryFile("w", suffix=".txt") as body:
        if page.body is not None:
            body.write(urlencode(dict(page.body, csrf_token=session.csrf)))
            body.flush()
            command += ["-p", body.name, "-T", "application/x-www-form-urlencoded"]
        done = subprocess.run([*command, f"http://127.0.0.1:{session.port}{path}"],  # noqa: S603 - fixed ab call
                              capture_output=True, text=True, timeout=seconds + 120, check=False)
    out = done.stdout

    def number(pattern: str) -> float:
        found = re.search(pattern, out)
        return float(found.group(1)) if found else float("nan")

    errors = int(number(r"Failed requests:\s+(\d+)") or 0) + int(number(r"Non-2xx responses:\s+(\d+)") or 0) \
        if "Non-2xx" in out else int(number(r"Failed requests:\s+(\d+)") or 0)
    first = "" if done.returncode == 0 else (done.stderr.strip().splitlines() or ["ab failed"])[-1]
    return (number(r"Requests per second:\s+([\d.]+)"), number(r"\s50%\s+(\d+)"), number(r"\s95%\s+(\d+)"),
            number(r"\s99%\s+(\d+)"), errors, first)


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def _pages() -> list[Page]:
    return [
        Page("matching page", "GET", "/participants/{participant}/internships"),
        Page("company search", "POST", "/search/live", {"q": "hansen maskinstation"}),
        Page("results page", "GET", "/reports"),
        Page("API matches", "GET", "/api/v1/participants/{participant}/matches", api=True),
    ]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", default="10,50,100", help="simulated users per step, comma-separated")
    parser.add_argument("--seconds", type=float, default=15.0, help="seconds per page and number of users")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--admin-url", default="postgresql://postgres@127.0.0.1:5432/postgres",
                        help="PostgreSQL database to connect to for creating placement_load")
    parser.add_argument("--think", type=float, default=0.0,
                        help="seconds each user waits after an answer before the next click (default 0: closed loop)")
    parser.add_argument("--quick", action="store_true", help="10 users, 5 seconds per page")
    parser.add_argument("--client", choices=("python", "ab"), default="python",
                        help="the load generator: the threaded Python client (default), or ApacheBench (`ab`, "
                             "Debian package apache2-utils), which leaves more of the shared cores to the service")
    args = parser.parse_args(argv)
    levels = [10] if args.quick else [int(n) for n in args.users.split(",") if n.strip()]
    seconds = 5.0 if args.quick else args.seconds
    if not levels or min(levels) < 1 or seconds <= 0 or args.think < 0:
        parser.error("--users needs positive numbers, --seconds a positive duration and --think 0 or more")
    if args.client == "ab" and (args.think or not shutil.which("ab")):
        parser.error("--client ab needs ApacheBench installed (apache2-utils) and no --think")
    timer = threading.Timer(HARD_LIMIT_SECONDS, lambda: os.kill(os.getpid(), signal.SIGTERM))
    timer.daemon = True
    timer.start()

    from placement.demo.data import DEMO_PASSWORD

    started = time.perf_counter()
    port = _free_port()
    database_url = _database(args.admin_url)
    _flush_redis()
    env = _env(database_url, port, args.workers)
    print(f"database {DATABASE}: migrating and seeding the demo data …", flush=True)
    _flask(env, "db", "upgrade")
    _flask(env, "demo", "seed")
    participants, token = _fixtures(env)
    pages = _pages()
    rows = []
    with _gunicorn(env, port):
        print(f"gunicorn on 127.0.0.1:{port}, {args.workers} workers; logging in {max(levels)} users …", flush=True)
        sessions = [Session(port) for _ in range(max(levels))]
        with contextlib.ExitStack():
            login_threads = [threading.Thread(target=s.login, args=(CONSULTANT, DEMO_PASSWORD)) for s in sessions]
            for i in range(0, len(login_threads), 8):
                batch = login_threads[i:i + 8]
                for thread in batch:
                    thread.start()
                for thread in batch:
                    thread.join()
        if any(not s.csrf for s in sessions):
            raise SystemExit("not every simulated user could log in")
        for users in levels:
            for page in pages:
                if args.client == "ab":
                    rate, p50, p95, p99, errors, first = _drive_ab(sessions[0], page, participants, token, seconds,
                                                                   users)
                    rows.append((page.name, users, rate, p50, p95, p99, errors, first))
                    print(f"  {page.name:15} {users:4} users: {rate:7.1f} req/s (ab)", flush=True)
                    continue
                result = _drive(sessions[:users], page, participants, token, seconds, args.think)
                count = len(result.latencies)
                rows.append((page.name, users, count / seconds, _percentile(result.latencies, 50) * 1000,
                             _percentile(result.latencies, 95) * 1000, _percentile(result.latencies, 99) * 1000,
                             result.errors, result.first_error))
                print(f"  {page.name:15} {users:4} users: {count / seconds:7.1f} req/s", flush=True)
        for session in sessions:
            session.conn.close()
    print()
    print(f"{'page':16} {'users':>5} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for name, users, rate, p50, p95, p99, errors, first in rows:
        print(f"{name:16} {users:5} {rate:8.1f} {p50:8.0f} {p95:8.0f} {p99:8.0f} {errors:7}"
              + (f"   first: {first}" if first else ""))
    mean_rate = statistics.mean(r[2] for r in rows)
    total = time.perf_counter() - started
    mode = f"each user waits {args.think:g} s between clicks" if args.think else "closed loop, no think time"
    print(f"\n{len(rows)} runs of {seconds:g} s ({mode}), mean {mean_rate:.0f} req/s; total {total:.0f} s "
          f"(gunicorn {args.workers} sync workers, load generator {'ab' if args.client == 'ab' else 'Python threads'} "
          f"on the same machine).")
    if args.think:
        slow = [f"{name} ({users} users: {p95:.0f} ms)" for name, users, _rate, _p50, p95, *_rest in rows
                if not p95 < THINK_TARGET_MS]
        print(f"p95 < {THINK_TARGET_MS} ms on every page: " + ("PASS" if not slow else "FAIL: " + ", ".join(slow)))
    return 1 if any(r[6] for r in rows) else 0
