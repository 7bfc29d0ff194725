"""Partnerships without a shell: pages, CLI and API; archiving; logos checked by content; whose service this is."""

import re
import shlex
import struct
import zlib
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from placement.agreements import services as agreement_services
from placement.agreements.services import Actor
from placement.audit.models import AuditEvent
from placement.auth import services as auth_services
from placement.auth.models import Partnership, Role, User
from placement.extensions import db
from placement.mail.models import OutboxMessage
from placement.partnerships.logos import MAX_LOGO_BYTES, PNG, SVG, LogoRefused, check_logo
from tests import factories

API = "/api/v1"
README = Path(__file__).resolve().parent.parent / "README.md"
STRONG_PASSWORD = "Kalvestald-Tarm-Vinter-2026"


def _png(width: int = 2, height: int = 1) -> bytes:
    """Return a small valid PNG."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


PLAN = {"purpose": "Prøve arbejdet i stalden", "tasks": "Fodring", "works_with": "Karen",
        "meeting": "Mandag kl. 8 ved stalden", "support": "Korte beskeder", "follow_up_plan": "Hver 4. uge"}
CLEAN_SVG = (b'<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" '
             b'xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10"><defs><linearGradient id="g">'
             b'<stop offset="0" stop-color="#036"/></linearGradient></defs>'
             b'<rect width="10" height="10" fill="url(#g)"/><use xlink:href="#g"/></svg>')


def _form(**fields) -> dict:
    data = {"name": "Frederikshavn", "municipality": "Frederikshavn Kommune",
            "education_place": "Praktisk Medhjælper Uddannelse", "postcode": "9870",
            "contact_email": "service@frederikshavn.dk", "contact_phone": "98 45 50 00", "retention_years": "5"}
    data.update(fields)
    return data


@pytest.fixture
def admin(partnership):
    return factories.user(Role.ADMIN, partnership)


@pytest.fixture
def token_for():
    def _token_for(user) -> dict:
        _token, plain = auth_services.issue_api_token(user, "test")
        db.session.commit()
        return {"Authorization": f"Bearer {plain}"}

    return _token_for


def _by_name(name: str) -> Partnership | None:
    db.session.expire_all()
    return db.session.scalar(select(Partnership).where(Partnership.name == name))


# The README's production steps, on an empty database --------------------------------------------------------

def _readme_production_commands() -> list[list[str]]:
    """Return the ``flask --app placement …`` commands of the README's "Running on PostgreSQL" section."""
    section = README.read_text(encoding="utf-8").split("## Running on PostgreSQL", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1).replace("\\\n", " ")
    commands = []
    for line in block.splitlines():
        words = shlex.split(line)
        if words[:3] == [".venv/bin/flask", "--app", "placement"]:
            commands.append(words[3:])
    return commands


def test_the_readmes_production_steps_run_on_an_empty_database(app, runner):
    assert db.session.scalar(select(Partnership.id)) is None  # only the migrations have run
    commands = _readme_production_commands()
    assert commands[0] == ["db", "upgrade"]  # done by the fixture
    assert [c[:2] for c in commands[1:]] == [["partnerships", "create"], ["users", "create"]]
    for args in commands[1:]:
        result = runner.invoke(args=args, input=f"{STRONG_PASSWORD}\n{STRONG_PASSWORD}\n")
        assert result.exit_code == 0, (args, result.output)
    randers = _by_name("Randers")
    assert randers.municipality == "Randers Kommune" and randers.postcode == "8900"
    admin = db.session.scalar(select(User).where(User.email == "you@kommune.dk"))
    assert admin.role is Role.ADMIN and admin.partnership_id == randers.id


# CLI --------------------------------------------------------------------------------------------------------

def test_cli_creates_lists_and_archives_with_the_pages_rules(app, runner, partnership):
    ok = runner.invoke(args=["partnerships", "create", "--name", "Aarhus", "--municipality", "Aarhus Kommune",
                             "--education-place", "PGU Hornslet", "--postcode", "8543",
                             "--contact-phone", "87 13 00 00"])
    assert ok.exit_code == 0, ok.output
    assert _by_name("Aarhus").contact_phone == "87 13 00 00"
    duplicate = runner.invoke(args=["partnerships", "create", "--name", "randers", "--municipality", "X",
                                    "--education-place", "Y"])
    assert duplicate.exit_code != 0 and "--name" in duplicate.output and "exists already" in duplicate.output
    bad_postcode = runner.invoke(args=["partnerships", "create", "--name", "Nyby", "--municipality", "X",
                                       "--education-place", "Y", "--postcode", "0001"])
    assert bad_postcode.exit_code != 0 and "--postcode" in bad_postcode.output
    assert "not a Danish postcode" in bad_postcode.output
    bad_email = runner.invoke(args=["partnerships", "create", "--name", "Nyby", "--municipality", "X",
                                    "--education-place", "Y", "--contact-email", "not-an-address"])
    assert bad_email.exit_code != 0 and "--contact-email" in bad_email.output
    assert _by_name("Nyby") is None

    assert runner.invoke(args=["partnerships", "archive", "Aarhus"]).exit_code == 0
    listing = runner.invoke(args=["partnerships", "list"]).output.splitlines()
    assert listing[0].startswith("Randers") and listing[0].endswith("active")
    assert listing[1].startswith("Aarhus") and listing[1].endswith("archived")
    assert runner.invoke(args=["partnerships", "restore", "Aarhus"]).exit_code == 0
    assert _by_name("Aarhus").archived_at is None


# Pages ------------------------------------------------------------------------------------------------------

def test_admin_creates_renames_and_is_told_of_a_duplicate_name(client, login, admin, partnership):
    login(admin)
    response = client.post("/partnerships/new", data=_form())
    assert response.status_code == 302
    created = _by_name("Frederikshavn")
    assert created.contact_email == "service@frederikshavn.dk" and created.postcode == "9870"
    assert response.headers["Location"] == f"/partnerships/{created.id}"
    assert "Frederikshavn" in client.get("/partnerships/").get_data(as_text=True)

    duplicate = client.post("/partnerships/new", data=_form(name="RANDERS"))
    html = duplicate.get_data(as_text=True)
    assert duplicate.status_code == 200
    assert re.search(r'id="name-error">A partnership named RANDERS exists already', html)
    bad = client.post("/partnerships/new", data=_form(name="Nyby", postcode="0001", contact_email="nope"))
    html = bad.get_data(as_text=True)
    assert 'id="postcode-error">0001 is not a Danish postcode.' in html
    assert 'id="contact_email-error">' in html
    assert _by_name("Nyby") is None

    renamed = client.post(f"/partnerships/{created.id}/edit", data=_form(name="Frederikshavn-Sindal"))
    assert renamed.status_code == 302
    assert _by_name("Frederikshavn-Sindal").id == created.id
    clash = client.post(f"/partnerships/{created.id}/edit", data=_form(name="Randers"))
    assert "exists already" in clash.get_data(as_text=True)
    same = client.post(f"/partnerships/{created.id}/edit", data=_form(name="Frederikshavn-Sindal",
                                                                        contact_phone="1234"))
    assert same.status_code == 302  # its own name is no duplicate


def test_archiving_refuses_its_users_at_login_and_keeps_the_data(client, login, admin, partnership, other_partnership,
                                                                  token_for, app):
    member = factories.user(Role.CONSULTANT, other_partnership)
    company = factories.company(other_partnership, name="Aarhus Bageri ApS")
    headers = token_for(member)
    other_client = app.test_client()
    assert other_client.post("/login", data={"email": member.email,
                                             "password": factories.PASSWORD}).status_code == 302
    assert other_client.get("/").status_code == 200
    assert client.get(f"{API}/companies", headers=headers).status_code == 200

    login(admin)
    page = client.get(f"/partnerships/{other_partnership.id}/archive")
    assert "1 active user will be logged out" in page.get_data(as_text=True)
    unconfirmed = client.post(f"/partnerships/{other_partnership.id}/archive", data={})
    assert unconfirmed.status_code == 400 and "Tick the box to confirm." in unconfirmed.get_data(as_text=True)
    assert _by_name("Aarhus").archived_at is None
    assert client.post(f"/partnerships/{other_partnership.id}/archive", data={"confirm": "y"}).status_code == 302
    assert _by_name("Aarhus").archived_at is not None
    detail = client.get(f"/partnerships/{other_partnership.id}").get_data(as_text=True)
    assert "Archived on" in detail and "Restore" in detail

    assert other_client.get("/").status_code == 302  # the open session ended
    refused = other_client.post("/login", data={"email": member.email, "password": factories.PASSWORD})
    assert refused.status_code == 200
    assert "Your partnership Aarhus is archived" in refused.get_data(as_text=True)
    assert client.get(f"{API}/companies", headers=headers).status_code == 401
    assert db.session.get(type(company), company.id) is not None  # the data stays
    listing = client.get("/partnerships/").get_data(as_text=True)
    active, archived = listing.split("<caption>Archived partnerships</caption>")
    assert ">Randers</a>" in active and ">Aarhus</a>" not in active and ">Aarhus</a>" in archived
    # Left out of the pickers.
    assert f'<option value="{other_partnership.id}"' not in client.get("/reports").get_data(as_text=True)
    assert f'<option value="{partnership.id}"' in client.get("/reports").get_data(as_text=True)

    assert client.post(f"/partnerships/{other_partnership.id}/restore", data={"confirm": "y"}).status_code == 302
    assert other_client.post("/login", data={"email": member.email,
                                             "password": factories.PASSWORD}).status_code == 302


def test_an_admin_cannot_archive_their_own_partnership(client, login, admin, partnership):
    login(admin)
    response = client.post(f"/partnerships/{partnership.id}/archive", data={"confirm": "y"})
    assert response.status_code == 400 and "your own partnership" in response.get_data(as_text=True)
    assert _by_name("Randers").archived_at is None


def test_a_coordinator_keeps_their_own_service_desk_and_logo_but_not_the_name(client, login, partnership,
                                                                              other_partnership):
    login(factories.user(Role.COORDINATOR, partnership))
    form = client.get(f"/partnerships/{partnership.id}/edit").get_data(as_text=True)
    assert 'name="contact_email"' in form and 'name="name"' not in form
    response = client.post(f"/partnerships/{partnership.id}/edit",
                           data={"name": "Hijacked", "municipality": "X", "contact_email": "hjaelp@randers.dk",
                                 "contact_phone": "89 15 15 15", "retention_years": "4",
                                 "logo": (_png_file(), "logo.png")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    mine = _by_name("Randers")
    assert mine is not None and mine.municipality == "Randers Kommune"
    detail = client.get(f"/partnerships/{partnership.id}").get_data(as_text=True)
    assert "hjaelp@randers.dk" in detail and "Archive" not in detail
    assert mine.contact_email == "hjaelp@randers.dk" and mine.logo_mimetype == PNG and mine.retention_years == 4
    assert client.get(f"/partnerships/{other_partnership.id}/edit").status_code == 404
    assert client.post(f"/partnerships/{partnership.id}/archive", data={"confirm": "y"}).status_code == 403
    assert client.get("/partnerships/").status_code == 403


# The retention period: one of the partnership's settings ------------------------------------------------------

@pytest.mark.parametrize("years", ["2.5", "0", "31", "fem", ""])
def test_the_retention_period_is_whole_years_in_range_on_the_page(client, login, admin, partnership, years):
    login(admin)
    response = client.post(f"/partnerships/{partnership.id}/edit", data=_form(name="Randers", retention_years=years))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert re.search(r'id="retention_years-error">Give the retention period as whole years from 1 to 30, e\.g\. 5\.',
                     html), html
    assert html.count('id="retention_years-error"') == 1
    db.session.expire_all()
    assert db.session.get(Partnership, partnership.id).retention_years == 5


def test_an_admin_sets_the_retention_period_with_the_partnership_audited(client, login, admin, partnership):
    login(admin)
    form = client.get(f"/partnerships/{partnership.id}/edit").get_data(as_text=True)
    assert re.search(r'name="retention_years"[^>]*value="5"', form)
    response = client.post(f"/partnerships/{partnership.id}/edit", data=_form(name="Randers", retention_years="7"))
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Partnership, partnership.id).retention_years == 7
    assert "7 years after the course ends" in client.get(f"/partnerships/{partnership.id}").get_data(as_text=True)
    [change] = db.session.scalars(select(AuditEvent).where(AuditEvent.entity == "partnerships",
                                                           AuditEvent.action == "update")).all()
    assert change.changes["retention_years"] == [5, 7] and change.actor_id == admin.id
    # One way to set it: the privacy page that used to set it is gone.
    assert client.get(f"/privacy/partnerships/{partnership.id}/retention").status_code == 404
    new = client.post("/partnerships/new", data=_form(retention_years="3"))
    assert new.status_code == 302 and _by_name("Frederikshavn").retention_years == 3


def test_the_api_reads_and_sets_the_retention_period(client, admin, partnership, token_for):
    headers = token_for(admin)
    assert client.get(f"{API}/partnerships/{partnership.id}", headers=headers).get_json()["retention_years"] == 5
    created = client.post(f"{API}/partnerships", json={"name": "Aarhus", "municipality": "Aarhus Kommune",
                                                       "education_place": "PGU Hornslet"}, headers=headers)
    assert created.status_code == 201 and created.get_json()["retention_years"] == 5  # the default
    for bad in (2.5, 0, 31, "fem", None):
        refused = client.patch(f"{API}/partnerships/{partnership.id}", json={"retention_years": bad},
                               headers=headers)
        assert refused.status_code == 422, bad
        assert list(refused.get_json()["fields"]) == ["retention_years"], bad
    out_of_range = client.patch(f"{API}/partnerships/{partnership.id}", json={"retention_years": 31},
                                headers=headers)
    assert out_of_range.get_json()["fields"]["retention_years"] == [
        "Give the retention period as whole years from 1 to 30, e.g. 5."]
    changed = client.patch(f"{API}/partnerships/{partnership.id}", json={"retention_years": 10}, headers=headers)
    assert changed.status_code == 200 and changed.get_json()["retention_years"] == 10
    assert changed.get_json()["name"] == "Randers"
    schema = client.get(f"{API}/openapi.json").get_json()["components"]["schemas"]["PartnershipUpdate"]
    years = schema["properties"]["retention_years"]
    assert (years["type"], years["minimum"], years["maximum"], years["default"]) == ("integer", 1, 30, 5)


def test_the_cli_sets_the_retention_period_when_creating(app, runner):
    args = ["partnerships", "create", "--name", "Viborg", "--municipality", "Viborg Kommune",
            "--education-place", "Viborg Produktionsskole"]
    refused = runner.invoke(args=[*args, "--retention-years", "0"])
    assert refused.exit_code != 0 and "--retention-years" in refused.output and "whole years" in refused.output
    assert runner.invoke(args=[*args, "--retention-years", "8"]).exit_code == 0
    assert _by_name("Viborg").retention_years == 8


# Logos ------------------------------------------------------------------------------------------------------

def _png_file():
    import io

    return io.BytesIO(_png())


def _upload(client, partnership, data: bytes, filename: str):
    import io

    return client.post(f"/partnerships/{partnership.id}/edit",
                       data={**_form(name=partnership.name), "logo": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


def test_a_png_logo_is_accepted_served_and_kept_out_of_the_audit_log(client, login, admin, partnership):
    login(admin)
    assert _upload(client, partnership, _png(), "logo.png").status_code == 302
    found = _by_name("Randers")
    assert found.logo == _png() and found.logo_mimetype == PNG
    page = client.get("/").get_data(as_text=True)
    url = re.search(r'<img src="(/partnerships/\d+/logo\?v=\d+)" alt="" class="brand-logo">Randers', page).group(1)

    anonymous = client.application.test_client()
    response = anonymous.get(url)
    assert response.status_code == 200 and response.mimetype == "image/png" and response.data == _png()
    assert response.headers["Cache-Control"] == "public, max-age=86400"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    again = anonymous.get(url, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304

    changes = [e.changes for e in db.session.scalars(select(AuditEvent).where(AuditEvent.entity == "partnerships"))]
    assert any(c.get("logo_mimetype") == [None, PNG] for c in changes)
    assert all(c.get("logo") in (None, ["***", "***"]) for c in changes)
    assert any(c.get("logo") == ["***", "***"] for c in changes)

    removed = client.post(f"/partnerships/{partnership.id}/edit", data={**_form(name="Randers"), "remove_logo": "y"})
    assert removed.status_code == 302 and _by_name("Randers").logo is None
    gone = anonymous.get(url)
    assert gone.status_code == 404 and gone.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(("data", "filename", "message"), [
    (b"GIF89a not a logo", "logo.png", "neither a PNG nor an SVG"),
    (_png(), "logo.gif", "Upload the logo as PNG or SVG."),
    (_png()[:-6], "logo.png", "damaged or incomplete"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * MAX_LOGO_BYTES, "logo.png", "at most 200 KB"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "logo.svg", "<script>"),
    (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "logo.svg", "event handler attribute (onload)"),
    (b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
     b'<image xlink:href="https://tracker.example.com/p.png"/></svg>', "logo.svg", "outside itself"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><a href="javascript:alert(1)"><rect/></a></svg>', "logo.svg",
     "outside itself"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><style>rect { fill: url(https://x.example/a.svg#p) }</style></svg>',
     "logo.svg", "outside itself"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><p>hi</p></foreignObject></svg>', "logo.svg",
     "<foreignobject>"),
    (b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x "y">]><svg xmlns="http://www.w3.org/2000/svg">&x;</svg>',
     "logo.svg", "document type or entities"),
    (b'<?xml-stylesheet href="https://x.example/a.css"?><svg xmlns="http://www.w3.org/2000/svg"/>', "logo.svg",
     "processing instruction"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><rect></svg>', "logo.svg", "not well-formed XML"),
    (b'<html><body>hi</body></html>', "logo.svg", "not an SVG image"),
])
def test_a_logo_that_is_not_a_safe_png_or_svg_is_refused_saying_why(client, login, admin, partnership, data,
                                                                     filename, message):
    login(admin)
    response = _upload(client, partnership, data, filename)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    error = re.search(r'<p class="error" id="logo-error">(.*?)</p>', html, re.S).group(1)
    assert message in error.replace("&lt;", "<").replace("&gt;", ">")
    assert _by_name("Randers").logo is None


def test_a_clean_svg_is_served_with_a_csp_that_runs_nothing(client, login, admin, partnership):
    login(admin)
    assert _upload(client, partnership, CLEAN_SVG, "logo.svg").status_code == 302
    response = client.application.test_client().get(f"/partnerships/{partnership.id}/logo")
    assert response.status_code == 200 and response.mimetype == SVG
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; style-src 'unsafe-inline'"


def test_check_logo_reads_the_content_not_the_name():
    assert check_logo(_png()).mimetype == PNG
    assert check_logo(b"\xef\xbb\xbf" + CLEAN_SVG).mimetype == SVG
    broken = bytearray(_png())
    broken[30] ^= 0xFF  # inside IHDR: the checksum no longer matches
    with pytest.raises(LogoRefused, match="damaged"):
        check_logo(bytes(broken))
    with pytest.raises(LogoRefused, match="empty"):
        check_logo(b"")


# Whose service this is --------------------------------------------------------------------------------------

def test_mentor_link_e_mail_and_printed_plan_name_the_partnership_and_its_service_desk(app, client, login,
                                                                                      partnership):
    partnership.contact_email, partnership.contact_phone = "hjaelp@randers.dk", "89 15 15 15"
    consultant = factories.user(Role.CONSULTANT, partnership)
    company = factories.company(partnership, name="Engholm Kvægbrug")
    mentor = factories.mentor(company, name="Karen Mentor", email="karen@example.com")
    job = factories.job_function(company, title="Staldmedhjælper", mentor=mentor)
    young = factories.participant(partnership, consultant_id=consultant.id)
    staff = Actor(consultant, consultant.name, False)
    agreement = agreement_services.new_agreement(participant=young, job_function=job, mentor=mentor,
                                                 consultant=consultant, start_date=date(2026, 9, 1), actor=staff,
                                                 goals=["Møde til tiden"], **PLAN)
    db.session.commit()
    with app.test_request_context():
        url = agreement_services.send_to_mentor(agreement, staff)
        db.session.commit()
    body = db.session.scalar(select(OutboxMessage.body).where(OutboxMessage.recipient == "karen@example.com"))
    assert "Randers: Randers Kommune and Uddannelsessted Randers" in body
    assert "hjaelp@randers.dk · 89 15 15 15" in body

    page = client.get(re.sub(r"^https?://[^/]+", "", url)).get_data(as_text=True)
    assert '<span class="brand-partnership">Randers</span>' in page
    assert 'href="mailto:hjaelp@randers.dk"' in page and "89 15 15 15" in page

    login(consultant)
    home = client.get("/").get_data(as_text=True)
    assert '<span class="brand-partnership">Randers</span>' in home
    printed = client.get(f"/agreements/{agreement.id}/print").get_data(as_text=True)
    assert "Randers Kommune and Uddannelsessted Randers" in printed and "hjaelp@randers.dk" in printed


# API --------------------------------------------------------------------------------------------------------

def test_api_admin_creates_lists_changes_and_archives(client, admin, partnership, token_for):
    headers = token_for(admin)
    created = client.post(f"{API}/partnerships", json={"name": "Aarhus", "municipality": "Aarhus Kommune",
                                                       "education_place": "PGU Hornslet", "postcode": "8543"},
                          headers=headers)
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert created.headers["Location"] == f"{API}/partnerships/{body['id']}"
    assert body["contact_email"] == "" and body["logo_url"] is None and body["archived_at"] is None
    names = [p["name"] for p in client.get(f"{API}/partnerships", headers=headers).get_json()["items"]]
    assert names == ["Aarhus", "Randers"]

    duplicate = client.post(f"{API}/partnerships", json={"name": "randers", "municipality": "X",
                                                         "education_place": "Y", "logo": "x"}, headers=headers)
    assert duplicate.status_code == 422
    fields = duplicate.get_json()["fields"]
    assert "exists already" in fields["name"][0] and fields["logo"] == ["Unknown field."]
    bad = client.patch(f"{API}/partnerships/{body['id']}", json={"postcode": "0001", "id": 5, "archived": "yes"},
                       headers=headers)
    assert bad.status_code == 422
    assert set(bad.get_json()["fields"]) == {"postcode", "id", "archived"}

    changed = client.patch(f"{API}/partnerships/{body['id']}", json={"contact_phone": "87 13 00 00",
                                                                     "archived": True}, headers=headers)
    assert changed.status_code == 200
    assert changed.get_json()["contact_phone"] == "87 13 00 00" and changed.get_json()["archived_at"]
    assert changed.get_json()["name"] == "Aarhus"  # left out of the body: kept
    active = client.get(f"{API}/partnerships", query_string={"archived": "false"}, headers=headers).get_json()
    assert [p["name"] for p in active["items"]] == ["Randers"]
    own = client.patch(f"{API}/partnerships/{partnership.id}", json={"archived": True}, headers=headers)
    assert own.status_code == 422 and "own partnership" in own.get_json()["fields"]["archived"][0]


def test_api_others_read_only_their_own_partnership(client, partnership, other_partnership, token_for):
    headers = token_for(factories.user(Role.COORDINATOR, partnership))
    listing = client.get(f"{API}/partnerships", headers=headers).get_json()
    assert [p["name"] for p in listing["items"]] == ["Randers"]
    assert client.get(f"{API}/partnerships/{partnership.id}", headers=headers).status_code == 200
    assert client.get(f"{API}/partnerships/{other_partnership.id}", headers=headers).status_code == 404
    assert client.post(f"{API}/partnerships", json={"name": "X"}, headers=headers).status_code == 403
    assert client.patch(f"{API}/partnerships/{partnership.id}", json={"name": "X"},
                        headers=headers).status_code == 403
    assert _by_name("Randers") is not None


def test_the_openapi_document_describes_partnerships(client, admin, partnership, token_for):
    document = client.get(f"{API}/openapi.json").get_json()
    schemas = document["components"]["schemas"]
    answer = client.get(f"{API}/partnerships/{partnership.id}", headers=token_for(admin)).get_json()
    assert set(schemas["Partnership"]["properties"]) == set(answer)
    assert set(schemas["PartnershipCreate"]["required"]) == {"name", "municipality", "education_place"}
    assert "archived" in schemas["PartnershipUpdate"]["properties"]
    assert "archived" not in schemas["PartnershipCreate"]["properties"]
    assert set(document["paths"]["/partnerships/{partnership_id}"]) == {"get", "patch"}
