"""CSV imports as background jobs: the upload answers at once, the job imports all or nothing, its page shows it."""

import csv
import io
import os
import subprocess  # nosec B404 - runs this interpreter on fixed code
import sys
import threading
import time
from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from placement.auth.models import Role
from placement.database import utcnow
from placement.extensions import db
from placement.imports import services
from placement.imports.models import ImportJob, JobState
from placement.network import csvio
from placement.network.models import Company
from tests import factories

COLUMNS = csvio.COLUMNS[csvio.COMPANIES]
REDIS_URL = os.environ.get("PLACEMENT_TEST_REDIS_URL", "")


@pytest.fixture
def app_config() -> dict:
    # Every upload becomes a job (the page imports small files within the request); the job runs in a thread,
    # as without Redis.
    return {"IMPORT_INLINE_MAX_LINES": 0, "IMPORT_JOBS_MODE": "thread"}


@pytest.fixture(autouse=True)
def english(app):
    with force_locale("en"):
        yield


def company_csv(count: int, *, last: dict | None = None) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMNS)
    rows = [{"cvr": factories.cvr(), "name": f"Firma nummer {i} ApS", "postcode": "8900"} for i in range(count)]
    if last is not None:
        rows[-1].update(last)
    for row in rows:
        writer.writerow([row.get(c, "") for c in COLUMNS])
    return out.getvalue().encode()


def upload(client, content: bytes, filename: str = "ida-hansen.csv", kind: str = "companies"):
    return client.post("/network/import", data={"kind": kind, "file": (io.BytesIO(content), filename)},
                       content_type="multipart/form-data")


def wait_for(client, url: str, seconds: float = 30) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status = client.get(url).get_json()
        if status["finished"]:
            for thread in threading.enumerate():  # its runner lets go of its lock and connections just after
                if thread.name.startswith("import-job-"):
                    thread.join(5)
            return status
        time.sleep(0.05)
    pytest.fail("the import job did not finish")


def companies(partnership) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(Company).where(Company.partnership_id == partnership.id))


def test_upload_answers_at_once_with_a_status_page_and_the_job_imports(app, client, login, partnership):
    consultant = login(factories.user(Role.CONSULTANT, partnership))
    response = upload(client, company_csv(300))
    assert response.status_code == 302
    location = response.headers["Location"]
    job = db.session.scalar(select(ImportJob))
    assert location.endswith(f"/imports/{job.id}")
    # The file's own name may name a person: only its extension is kept.
    assert (job.user_id, job.partnership_id, job.kind, job.filename) == (
        consultant.id, partnership.id, "network:companies", "upload.csv")
    assert job.lines_total == 301

    page = client.get(location).get_data(as_text=True)
    assert "<progress" in page and "/static/js/import-job.js" in page and "<script>" not in page
    status = wait_for(client, f"/imports/{job.id}/status.json")
    assert status == {"id": job.id, "state": "done", "finished": True, "lines_total": 301, "lines_checked": 301,
                      "lines_imported": 300, "errors": 0, "warnings": status["warnings"], "auto_linked": None,
                      "without_occupation": None}
    assert status["warnings"] > 0  # the names are alike: "Firma nummer 1 ApS", "Firma nummer 2 ApS"
    assert companies(partnership) == 300
    page = client.get(location).get_data(as_text=True)
    assert "300 lines were imported." in page and "Nothing was imported." not in page
    db.session.expire_all()
    job = db.session.get(ImportJob, job.id)
    assert job.content is None and job.state is JobState.DONE and job.finished_at >= job.started_at


def test_one_bad_last_line_imports_nothing_and_names_that_line(app, client, login, partnership):
    login(factories.user(Role.COORDINATOR, partnership))
    response = upload(client, company_csv(250, last={"postcode": "9999"}))
    job_id = int(response.headers["Location"].rsplit("/", 1)[1])
    status = wait_for(client, f"/imports/{job_id}/status.json")
    assert (status["state"], status["lines_imported"], status["errors"]) == ("failed", 0, 1)
    assert companies(partnership) == 0
    page = client.get(f"/imports/{job_id}").get_data(as_text=True)
    assert "Nothing was imported." in page
    assert "<td>251</td><td>postcode</td><td>9999 is not a Danish postcode.</td>" in page
    assert db.session.get(ImportJob, job_id).errors == [
        {"line": 251, "column": "postcode", "reason": "9999 is not a Danish postcode."}]


@pytest.mark.parametrize("header", [["company_cvr", "title", "mentor_email"],
                                    ["Virksomhedens CVR-nummer", "Titel", "Mentorens E-mail"]])
def test_stored_errors_hold_no_personal_cell_values(app, client, login, partnership, header):
    company = factories.company(partnership)
    login(factories.user(Role.COORDINATOR, partnership))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)  # English or Danish column names: the personal column is known either way
    writer.writerow([company.cvr, "Lager", "karen.olsen@example.dk"])
    response = upload(client, out.getvalue().encode(), kind="job_functions")
    job_id = int(response.headers["Location"].rsplit("/", 1)[1])
    wait_for(client, f"/imports/{job_id}/status.json")
    [error] = db.session.get(ImportJob, job_id).errors
    assert (error["line"], error["column"]) == (2, header[2])
    assert "karen" not in error["reason"] and "is not a mentor of this company" in error["reason"]


def test_only_the_uploader_and_the_partnerships_coordinators_and_admins_see_a_job(app, client, login, partnership,
                                                                                 other_partnership):
    uploader = factories.user(Role.CONSULTANT, partnership)
    job = ImportJob(partnership_id=partnership.id, user_id=uploader.id, kind="network:companies",
                    filename="upload.csv", state=JobState.DONE, lines_total=3, lines_checked=3, lines_imported=2,
                    errors=[], warnings=[])
    db.session.add(job)
    db.session.commit()
    seen = {}
    for name, user in (("uploader", uploader), ("colleague", factories.user(Role.CONSULTANT, partnership)),
                       ("coordinator", factories.user(Role.COORDINATOR, partnership)),
                       ("foreign coordinator", factories.user(Role.COORDINATOR, other_partnership)),
                       ("admin", factories.user(Role.ADMIN, other_partnership))):
        client.post("/logout")
        login(user)
        seen[name] = (client.get(f"/imports/{job.id}").status_code,
                      client.get(f"/imports/{job.id}/status.json").status_code)
    assert seen == {"uploader": (200, 200), "colleague": (404, 404), "coordinator": (200, 200),
                    "foreign coordinator": (404, 404), "admin": (200, 200)}
    assert client.get("/imports/99999999999").status_code == 404


@pytest.mark.parametrize("app_config", [{"IMPORT_INLINE_MAX_LINES": 100}])
def test_a_small_file_is_still_imported_within_the_request(app, client, login, partnership):
    login(factories.user(Role.COORDINATOR, partnership))
    response = upload(client, company_csv(3))
    assert response.status_code == 200 and "3 companies were imported." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(ImportJob)) == 0


@pytest.mark.parametrize("app_config", [{"IMPORT_INLINE_MAX_LINES": 0, "IMPORT_JOBS_MODE": "inline",
                                         "MAX_CONTENT_LENGTH": 64 * 1024, "IMPORT_MAX_CONTENT_LENGTH": 1024 * 1024}])
def test_the_import_pages_take_larger_uploads_than_other_pages_and_say_when_one_is_too_large(app, client, login,
                                                                                            partnership):
    login(factories.user(Role.COORDINATOR, partnership))
    large = company_csv(2000)
    assert 64 * 1024 < len(large) < 1024 * 1024
    response = upload(client, large)  # above the other pages' limit, within the import pages'
    assert response.status_code == 302
    status = client.get(response.headers["Location"] + "/status.json").get_json()
    assert (status["state"], status["lines_imported"]) == ("done", 2000)
    response = client.post("/participants/import", data={"file": (io.BytesIO(large), "unge.xlsx")},
                           content_type="multipart/form-data")
    assert response.status_code == 200 and "Choose a .csv file." in response.get_data(as_text=True)

    # Refused before any of it is read: as it would be sent, announced larger than the limit.
    too_large = client.post("/network/import", data=b"x" * (1024 * 1024 + 1),
                            content_type="multipart/form-data; boundary=upload")
    assert too_large.status_code == 413
    assert ("The file is too large: an import takes files of at most 1 MB. Split it into smaller files and import "
            "them one after the other.") in too_large.get_data(as_text=True)
    assert client.post("/language", data={"lang": "da", "pad": "x" * (64 * 1024)}).status_code == 413
    assert db.session.scalar(select(func.count()).select_from(ImportJob)) == 1


@pytest.mark.parametrize("app_config", [{"IMPORT_JOBS_MODE": "inline"}])
def test_a_job_that_breaks_ends_failed_and_keeps_nothing(app, partnership, monkeypatch):
    user = factories.user(Role.COORDINATOR, partnership)

    def broken(content, partnership, user, progress):
        db.session.add(Company(partnership=partnership, cvr=factories.cvr(), name="Halvt ApS", postcode="8900",
                               town="Randers C"))
        db.session.flush()
        raise RuntimeError("boom")

    monkeypatch.setitem(services.KINDS, "network:companies",
                        services.KINDS["network:companies"].__class__(
                            *[getattr(services.KINDS["network:companies"], f) for f in ("label", "endpoint",
                                                                                       "endpoint_values",
                                                                                       "personal")], broken))
    with app.test_request_context():
        job = services.start("network:companies", company_csv(2), "x.csv", partnership, user)
    db.session.expire_all()
    job = db.session.get(ImportJob, job.id)
    assert job.state is JobState.FAILED and job.content is None and job.errors[0]["line"] == 0
    assert companies(partnership) == 0


@pytest.mark.skipif(not REDIS_URL, reason="PLACEMENT_TEST_REDIS_URL is not set")
@pytest.mark.parametrize("app_config", [{"IMPORT_INLINE_MAX_LINES": 0, "IMPORT_JOBS_MODE": "rq",
                                         "REDIS_URL": REDIS_URL}])
def test_the_rq_worker_runs_a_queued_job(app, client, login, partnership):
    from redis import Redis
    from rq import SimpleWorker

    Redis.from_url(REDIS_URL).flushdb()
    login(factories.user(Role.CONSULTANT, partnership))
    job_id = int(upload(client, company_csv(150)).headers["Location"].rsplit("/", 1)[1])
    assert client.get(f"/imports/{job_id}/status.json").get_json()["state"] == "queued"
    queue = services.queue(REDIS_URL)
    assert queue.count == 1
    SimpleWorker([queue], connection=queue.connection).work(burst=True)
    status = client.get(f"/imports/{job_id}/status.json").get_json()
    assert (status["state"], status["lines_imported"]) == ("done", 150)
    assert companies(partnership) == 150


def test_young_people_import_as_a_job_and_their_names_stay_out_of_the_job(app, client, login, partnership):
    from placement.participants.models import Participant
    from tests.test_participants_csv import make_csv, row

    login(factories.user(Role.CONSULTANT, partnership))
    content = make_csv([row(name="Karen Olsen", date_of_birth="17-05-2002"),
                        row(name="Karen Olsen", date_of_birth="17-05-2002")]).encode()
    response = client.post("/participants/import", data={"file": (io.BytesIO(content), "karen.csv")},
                           content_type="multipart/form-data")
    job_id = int(response.headers["Location"].rsplit("/", 1)[1])
    status = wait_for(client, f"/imports/{job_id}/status.json")
    assert (status["state"], status["lines_imported"], status["warnings"]) == ("done", 2, 1)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Participant)) == 2
    job = db.session.get(ImportJob, job_id)
    [warning] = job.warnings
    assert warning["line"] == 3 and "line 2" in warning["reason"]
    assert "Karen" not in warning["reason"] and "2002" not in warning["reason"] and job.filename == "upload.csv"
    assert "2 lines were imported." in client.get(f"/imports/{job_id}").get_data(as_text=True)


# A job whose runner is gone --------------------------------------------------------------------------------------

def left_behind(partnership, user, state: JobState = JobState.RUNNING, **fields) -> ImportJob:
    """A job as a runner that stopped halfway leaves it: running (or queued), its file still stored."""
    content = company_csv(150)
    job = ImportJob(partnership_id=partnership.id, user_id=user.id, kind="network:companies", filename="upload.csv",
                    state=state, lines_total=services.line_count(content), lines_checked=40, lines_imported=0,
                    errors=[], warnings=[], content=content, started_at=utcnow(), **fields)
    db.session.add(job)
    db.session.commit()
    return job


def state_of(client, job: ImportJob) -> str:
    return client.get(f"/imports/{job.id}/status.json").get_json()["state"]


def test_a_job_left_running_by_a_stopped_process_ends_failed_when_it_is_read(app, client, login, partnership):
    job = left_behind(partnership, login(factories.user(Role.COORDINATOR, partnership)))
    status = client.get(f"/imports/{job.id}/status.json").get_json()
    assert (status["state"], status["finished"], status["lines_imported"], status["errors"]) == ("failed", True, 0, 1)
    page = client.get(f"/imports/{job.id}").get_data(as_text=True)
    assert "The import was interrupted" in page and "Nothing was imported; upload the file again." in page
    db.session.expire_all()
    job = db.session.get(ImportJob, job.id)
    assert job.content is None and job.finished_at is not None and job.errors[0]["line"] == 0
    assert companies(partnership) == 0


def test_a_running_job_stays_running_while_its_runner_holds_on(app, client, login, partnership):
    job = left_behind(partnership, login(factories.user(Role.COORDINATOR, partnership)))
    with services.running(job.id):
        assert [state_of(client, job), state_of(client, job)] == ["running", "running"]
    assert state_of(client, job) == "failed"


def test_a_job_whose_runner_process_is_killed_ends_failed(app, client, login, partnership):
    """The lock a runner holds goes with its process: killed (a restart, a dead RQ work horse), the job fails."""
    job = left_behind(partnership, login(factories.user(Role.COORDINATOR, partnership)))
    with subprocess.Popen([sys.executable, "-c", (  # noqa: S603 - our own interpreter and code
        "import sys, time\n"
        "from placement import create_app\n"
        "from placement.imports import services\n"
        "app = create_app({'TESTING': True, 'SECRET_KEY': 't', 'SQLALCHEMY_DATABASE_URI': sys.argv[1]})\n"
        "with app.app_context(), services.running(int(sys.argv[2])):\n"
        "    print('holding', flush=True)\n"
        "    time.sleep(120)\n"), app.config["SQLALCHEMY_DATABASE_URI"], str(job.id)],
            stdout=subprocess.PIPE, text=True) as holder:
        try:
            assert holder.stdout.readline().strip() == "holding"
            assert state_of(client, job) == "running"
        finally:
            holder.kill()
    deadline = time.monotonic() + 10  # the database server notices the closed connection at once, or nearly
    while state_of(client, job) == "running" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert state_of(client, job) == "failed"


def test_a_job_queued_for_a_thread_that_never_started_ends_failed(app, client, login, partnership):
    user = login(factories.user(Role.COORDINATOR, partnership))
    waiting = left_behind(partnership, user, JobState.QUEUED)
    stuck = left_behind(partnership, user, JobState.QUEUED,
                        created_at=utcnow() - services.QUEUED_LIMIT - timedelta(minutes=1))
    assert (state_of(client, waiting), state_of(client, stuck)) == ("queued", "failed")
