"""Run CSV imports as jobs: store the upload, run it (RQ worker, a background thread or inline), keep progress.

How a job runs is ``IMPORT_JOBS_MODE``:

* ``rq``: on the RQ queue ``placement-imports`` in the Redis at ``REDIS_URL``; ``flask --app placement worker``
  runs the worker (with the same configuration).
* ``thread``: in a background thread of the web process (no Redis: ``make run``, the embedded default).
* ``inline``: within the request that uploads (tests and scripts).
* empty (the default): ``rq`` when ``REDIS_URL`` is set, else ``thread``.

Small files (at most ``IMPORT_INLINE_MAX_LINES`` lines) are imported within the request, as before, since their
result is there at once; larger ones become a job. An import is still all-or-nothing: the job commits the
records and its own state ``done`` in one transaction, or nothing but ``failed`` and the errors.

The job keeps the file only until it has run; its errors and warnings name the line and the column and never
hold the value of a personal cell (``_redact``).

A job whose runner is gone (the web process restarted under a thread, an RQ work horse was killed) would stay
*running* for ever. The runner holds a lock while it runs (``running``): on PostgreSQL a session-level advisory
lock on a connection of its own, on SQLite an ``flock`` on a file beside the database; the operating system or
the database server lets go of either when the process dies. Reading the job's page tries that lock
(``fail_if_interrupted``): got it, the runner is gone, and the job is marked failed (nothing of it was
committed: the records and the job's outcome are committed together). A thread-mode job still *queued* after
``QUEUED_LIMIT`` never got its thread.
"""

from __future__ import annotations

import fcntl
import logging
import os
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import timedelta

from flask import Flask, current_app, has_app_context
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from placement.audit.services import set_actor
from placement.auth.models import Partnership, Role, User
from placement.csvtools import FileProblem, ImportReport, RowError, decode, delimiter, records
from placement.database import utcnow
from placement.extensions import db
from placement.imports.models import NO_AUTO_LINK, ImportJob, JobState

log = logging.getLogger(__name__)

QUEUE_NAME = "placement-imports"
#: Seconds between two progress updates of a running job.
PROGRESS_INTERVAL = 0.5
#: How long an RQ job may run.
JOB_TIMEOUT = 3600
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
#: A date as DD-MM-YYYY (or with dots or slashes); messages give it as YYYY-MM-DD.
_DANISH_DATE = re.compile(r"([0-9]{2})[-./]([0-9]{2})[-./]([0-9]{4})")
#: The process that imported this module: an RQ work horse forked from it must open connections of its own.
_PID = os.getpid()
#: First key of the PostgreSQL advisory lock a job's runner holds ("impt"; the second key is the job's id).
LOCK_CLASS = 0x696D7074
#: A job still queued this long after its upload in ``thread`` mode never got its thread (the process stopped).
QUEUED_LIMIT = timedelta(minutes=5)
INTERRUPTED = _l("The import was interrupted: the server restarted or its worker stopped before it had finished. "
                 "Nothing was imported; upload the file again.")


@dataclass(frozen=True, slots=True)
class Kind:
    label: object
    #: The import page this kind comes from, for the way back.
    endpoint: str
    endpoint_values: dict
    #: Columns (keys) whose cells are personal data: their values never go into a stored error or warning.
    personal: frozenset[str]
    run: Callable[[bytes, Partnership, User | None, Callable[[int], object]], ImportReport]


def _network(kind: str, **options):
    def run(content, partnership, user, progress):
        from placement.network import csvio

        return csvio.import_csv(kind, content, partnership, progress=progress, **options)
    return run


def _participants(content, partnership, user, progress):
    from placement.participants import csvio

    return csvio.import_csv(content, partnership, creator=user, progress=progress)


def _history(kind: str):
    def run(content, partnership, user, progress):
        from placement.progress import csvio

        return csvio.import_csv(kind, content, partnership, user=user, progress=progress)
    return run


#: A young person's file is personal through and through: no cell's value is kept in a stored message.
_EVERY_COLUMN = frozenset({"*"})
KINDS: dict[str, Kind] = {
    "network:companies": Kind(_l("Companies"), "network.import_csv", {}, frozenset(
        {"contact_name", "contact_email", "contact_phone"}), _network("companies")),
    "network:mentors": Kind(_l("Mentors"), "network.import_csv", {}, frozenset(
        {"name", "email", "phone", "experience_notes"}), _network("mentors")),
    "network:job_functions": Kind(_l("Job functions"), "network.import_csv", {}, frozenset({"mentor_email"}),
                                  _network("job_functions")),
    # The same with the automatic link to an ESCO occupation from the title switched off.
    f"network:job_functions{NO_AUTO_LINK}": Kind(_l("Job functions"), "network.import_csv", {},
                                                 frozenset({"mentor_email"}),
                                                 _network("job_functions", auto_link=False)),
    "participants": Kind(_l("Young people"), "participants.import_csv", {}, _EVERY_COLUMN, _participants),
    "history:measurements": Kind(_l("Progress measurements"), "progress.history_import", {}, _EVERY_COLUMN,
                                 _history("measurements")),
    "history:internships": Kind(_l("Internships"), "progress.history_import", {}, _EVERY_COLUMN,
                                _history("internships")),
}


def line_count(content: bytes) -> int:
    """Return the number of physical lines of a file (a last line without line break counts)."""
    return content.count(b"\n") + (1 if content and not content.endswith(b"\n") else 0)


def in_background(content: bytes) -> bool:
    """Whether an upload is large enough to become a job (small files are imported within the request)."""
    return line_count(content) > current_app.config["IMPORT_INLINE_MAX_LINES"]


def safe_filename(name: str | None) -> str:
    """Keep only a file name's extension: a name chosen by a user may name a person ("ida-hansen.csv")."""
    ext = (name or "").rsplit(".", 1)[-1].lower() if "." in (name or "") else ""
    ext = _SAFE_NAME.sub("", ext)[:10]
    return f"upload.{ext}" if ext else "upload"


def mode() -> str:
    configured = current_app.config.get("IMPORT_JOBS_MODE") or ""
    if configured:
        return configured
    return "rq" if current_app.config.get("REDIS_URL") else "thread"


def start(kind: str, content: bytes, filename: str | None, partnership: Partnership, user: User | None) -> ImportJob:
    """Store an upload as a queued job, commit, and set it running; return the job."""
    if kind not in KINDS:
        raise ValueError(f"unknown import kind {kind!r}")
    job = ImportJob(partnership_id=partnership.id, user_id=user.id if user is not None else None, kind=kind,
                    filename=safe_filename(filename), state=JobState.QUEUED, lines_total=line_count(content),
                    lines_checked=0, lines_imported=0, errors=[], warnings=[], content=content)
    db.session.add(job)
    db.session.commit()
    dispatch(job.id)
    return job


def dispatch(job_id: int) -> None:
    how = mode()
    if how == "inline":
        run(job_id)
    elif how == "thread":
        app = current_app._get_current_object()
        threading.Thread(target=_run_in_app, args=(app, job_id), name=f"import-job-{job_id}", daemon=True).start()
    elif how == "rq":
        from redis.exceptions import RedisError

        try:
            queue(current_app.config["REDIS_URL"]).enqueue(
                "placement.imports.services.run_job", job_id, job_timeout=JOB_TIMEOUT)
        except RedisError as exc:  # the upload must not be lost: run it here instead
            log.warning("import job %s: Redis unavailable (%s), running it in a thread", job_id, type(exc).__name__)
            app = current_app._get_current_object()
            threading.Thread(target=_run_in_app, args=(app, job_id), name=f"import-job-{job_id}", daemon=True).start()
    else:
        raise ValueError(f"unknown IMPORT_JOBS_MODE {how!r}")


def queue(redis_url: str):
    from redis import Redis
    from rq import Queue

    return Queue(QUEUE_NAME, connection=Redis.from_url(redis_url))


def _run_in_app(app: Flask, job_id: int) -> None:
    with app.app_context():
        try:
            run(job_id)
        finally:
            db.session.remove()


def run_job(job_id: int) -> None:
    """The RQ task: run a job in the worker's app context (or a new app's, configured from the environment)."""
    if has_app_context():
        if os.getpid() != _PID:
            db.engine.dispose(close=False)  # a forked work horse must not share the parent's connections
        run(job_id)
        return
    from placement import create_app

    _run_in_app(create_app(), job_id)


class _Progress:
    """Count the lines read and write them to the job now and then, on a connection of its own."""

    def __init__(self, job_id: int):
        self.job_id = job_id
        self.lines = 0
        self._last = time.monotonic()

    def __call__(self, used: int) -> None:
        self.lines += used
        now = time.monotonic()
        if now - self._last >= PROGRESS_INTERVAL:
            self._last = now
            self.flush()

    def flush(self) -> None:
        with db.engine.begin() as connection:
            connection.execute(update(ImportJob).where(ImportJob.id == self.job_id).values(lines_checked=self.lines))


def run(job_id: int) -> None:
    """Run a queued job: import its file all-or-nothing, then record the outcome and forget the file."""
    job = db.session.get(ImportJob, job_id)
    if job is None or job.state != JobState.QUEUED:
        return
    with running(job_id):
        _run(job)


def _run(job: ImportJob) -> None:
    job_id = job.id
    job.state, job.started_at = JobState.RUNNING, utcnow()
    db.session.commit()
    content = job.content or b""
    user = db.session.get(User, job.user_id) if job.user_id is not None else None
    partnership = db.session.get(Partnership, job.partnership_id)
    set_actor(user.id if user else None, user.email if user else "import")
    kind = KINDS[job.kind]
    progress = _Progress(job_id)
    try:
        report = kind.run(content, partnership, user, progress)
    except Exception as exc:  # the job must end, and say so; the log gets no cell values
        db.session.rollback()
        log.error("import job %s failed: %s", job_id, type(exc).__name__, exc_info=current_app.debug)
        job = db.session.get(ImportJob, job_id)
        job.state, job.finished_at, job.content = JobState.FAILED, utcnow(), None
        job.lines_checked, job.lines_imported = progress.lines, 0
        job.errors = [{"line": 0, "column": "", "reason": _(
            "The import stopped because of an unexpected error. Nothing was imported.")}]
        db.session.commit()
        return
    if not report.ok:
        db.session.rollback()
    job = db.session.get(ImportJob, job_id)
    job.lines_checked = max(progress.lines, job.lines_total)
    job.lines_imported = report.imported if report.ok else 0
    # The personal columns as this file names them (Danish or English), as _personal_cells reads the header.
    personal = frozenset(report.columns.get(key, key).lower() for key in kind.personal)
    job.errors = _redact(content, report.errors, personal)
    job.warnings = _redact(content, report.warnings, personal)
    if report.ok and hasattr(report, "without_occupation"):  # job functions (``network.csvio.JobFunctionReport``)
        job.auto_linked, job.without_occupation = report.auto_linked, report.without_occupation
    job.state = JobState.DONE if report.ok else JobState.FAILED
    job.finished_at, job.content = utcnow(), None
    db.session.commit()  # the records and the job's outcome together


def _lock_path(job_id: int) -> str | None:
    """The lock file of a job's runner on SQLite: beside the database file (None for an in-memory database)."""
    database = db.engine.url.database
    if db.engine.dialect.name != "sqlite" or not database or database == ":memory:":
        return None
    return f"{database}.import-job-{job_id}.lock"


@contextmanager
def running(job_id: int) -> Iterator[None]:
    """Hold the lock that tells readers this job's runner is alive, for as long as the block runs."""
    if db.engine.dialect.name == "postgresql":
        connection = db.engine.connect()  # its own session: the import's transactions come and go
        try:
            connection.execute(select(func.pg_advisory_lock(LOCK_CLASS, job_id)))
            connection.commit()
            yield
        finally:
            try:
                connection.execute(select(func.pg_advisory_unlock(LOCK_CLASS, job_id)))
                connection.commit()
            finally:
                connection.close()
        return
    path = _lock_path(job_id)
    if path is None:  # nothing outlives the process anyway
        yield
        return
    with open(path, "a") as handle:  # a lock file, held open while the job runs
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            with suppress(FileNotFoundError):
                os.unlink(path)  # before closing lets go of the lock


def _runner_alive(job_id: int) -> bool:
    """Whether the process running a job still holds its lock (on PostgreSQL: taken until this transaction ends)."""
    if db.engine.dialect.name == "postgresql":
        return not db.session.scalar(select(func.pg_try_advisory_xact_lock(LOCK_CLASS, job_id)))
    path = _lock_path(job_id)
    if path is None:
        return True  # no way to tell
    try:
        handle = open(path)  # noqa: SIM115 - closed below
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        handle.close()
    with suppress(FileNotFoundError):  # the runner died holding it (or has just finished and removed it)
        os.unlink(path)
    return False


def fail_if_interrupted(job: ImportJob) -> None:
    """Mark a job failed if its runner is gone, so that it does not stay running (or queued) for ever."""
    if job.state == JobState.RUNNING:
        gone = not _runner_alive(job.id)
    elif job.state == JobState.QUEUED and mode() == "thread":
        gone = utcnow() - job.created_at > QUEUED_LIMIT
    else:
        return
    if gone:
        # Only if it has not finished meanwhile: a runner that ends commits its outcome before it lets go.
        db.session.execute(update(ImportJob).where(ImportJob.id == job.id, ImportJob.state == job.state).values(
            state=JobState.FAILED, finished_at=utcnow(), content=None, lines_imported=0,
            errors=[{"line": 0, "column": "", "reason": str(INTERRUPTED)}]))
        log.warning("import job %s: its runner is gone; marked failed", job.id)
        db.session.commit()  # also ends the transaction that holds the advisory lock just taken
        db.session.refresh(job)


def _redact(content: bytes, problems: list[RowError], personal: frozenset[str]) -> list[dict]:
    """Return problems as stored, each message without the values of the line's personal cells."""
    lines = {p.line for p in problems}
    cells = _personal_cells(content, lines, personal) if personal and lines else {}
    result = []
    for problem in problems:
        reason = str(problem.message)
        for value in sorted(cells.get(problem.line, ()), key=len, reverse=True):
            reason = reason.replace(value, "…")
        result.append({"line": problem.line, "column": problem.column, "reason": reason})
    return result


def _personal_cells(content: bytes, lines: set[int], personal: frozenset[str]) -> dict[int, list[str]]:
    try:
        text = decode(content)
        names: list[str | None] | None = None
        found: dict[int, list[str]] = {}
        for line, _used, row in records(text, delimiter(text)):
            if names is None:
                names = [c.strip().lower() or None for c in row]
                continue
            if line in lines:
                values = [c.strip() for name, c in zip(names, row, strict=False)
                          if (name in personal or "*" in personal) and c.strip()]
                values += [f"{m[3]}-{m[2]}-{m[1]}" for v in values if (m := _DANISH_DATE.fullmatch(v))]
                found[line] = [v for v in values if len(v) > 1]
        return found
    except FileProblem:
        return {}


def visible_to(job: ImportJob, user: User) -> bool:
    """The uploader, the partnership's coordinators and the administrators see a job."""
    if user.role == Role.ADMIN or job.user_id == user.id:
        return True
    return user.role == Role.COORDINATOR and job.partnership_id == user.partnership_id


def status(job: ImportJob) -> dict:
    """The job's state as the status page's script reads it (no personal data)."""
    return {"id": job.id, "state": job.state.value, "finished": job.finished, "lines_total": job.lines_total,
            "lines_checked": min(job.lines_checked, job.lines_total), "lines_imported": job.lines_imported,
            "errors": len(job.errors or ()), "warnings": len(job.warnings or ()), "auto_linked": job.auto_linked,
            "without_occupation": job.without_occupation}
