"""Every URL rule × every role and anonymous, against records of the user's partnership and of another.

A new route fails this test until it is given a written expectation below.
"""

from dataclasses import dataclass
from datetime import date

import pytest

from placement.agreements import feeds
from placement.agreements import services as agreement_services
from placement.agreements.models import State
from placement.auth import services as auth_services
from placement.auth.access import ADMINS, CASE_EDITORS, CASE_ROLES, EVERYONE, NETWORK_EDITORS, NETWORK_READERS
from placement.auth.models import Role
from placement.extensions import db
from placement.goals import services as goal_services
from placement.imports.models import ImportJob, JobState
from placement.lexicon.models import LexiconEntry
from placement.mail.services import enqueue
from placement.network.models import Company
from placement.occupations.models import Occupation
from placement.participants.models import Participant
from placement.progress.models import Measurement
from placement.retention.models import JobCheck
from tests import factories

MENTOR = frozenset({Role.MENTOR})
#: Who manages user accounts (placement/accounts): administrators, and coordinators their own partnership's.
USER_MANAGERS = frozenset({Role.ADMIN, Role.COORDINATOR})


@dataclass(frozen=True)
class Expect:
    #: None: public, no login needed.
    roles: frozenset[Role] | None


PUBLIC = Expect(None)

EXPECTATIONS: dict[str, Expect] = {
    "main.index": Expect(EVERYONE),
    "main.set_language": PUBLIC,
    "auth.login": PUBLIC,
    "auth.logout": Expect(EVERYONE),
    "auth.session_ping": Expect(EVERYONE),
    "auth.api_tokens": Expect(EVERYONE),
    "auth.revoke_api_token": Expect(EVERYONE),
    "auth.admin_api_tokens": Expect(ADMINS),
    "auth.admin_revoke_api_token": Expect(ADMINS),
    # The second factor (placement/auth/mfa_views.py): the second step of a login opens only with a pending login
    # in the browser's session (anonymous: back to the login page); one's own settings; the reset of a user's.
    "auth.second_factor": PUBLIC,
    "auth.second_factor_setup": PUBLIC,
    "auth.my_second_factor": Expect(EVERYONE),
    "auth.reset_second_factor": Expect(USER_MANAGERS),
    "health.healthz": PUBLIC,
    "audit.index": Expect(ADMINS),
    "audit.purpose": Expect(CASE_ROLES),
    "audit.participant_log": Expect(frozenset({Role.ADMIN, Role.COORDINATOR})),
    "audit.participant_log_csv": Expect(frozenset({Role.ADMIN, Role.COORDINATOR})),
    "network.postcode_towns": Expect(EVERYONE),
    "network.company_list": Expect(NETWORK_READERS),
    "network.company_create": Expect(NETWORK_EDITORS),
    "network.company_detail": Expect(NETWORK_READERS | MENTOR),
    "network.company_edit": Expect(NETWORK_EDITORS),
    "network.company_set_active": Expect(NETWORK_EDITORS),
    "network.mentor_list": Expect(NETWORK_READERS),
    "network.mentor_create": Expect(NETWORK_EDITORS),
    "network.mentor_detail": Expect(NETWORK_READERS),
    "network.mentor_edit": Expect(NETWORK_EDITORS),
    "network.mentor_set_active": Expect(NETWORK_EDITORS),
    "network.job_function_list": Expect(NETWORK_READERS),
    "network.job_function_create": Expect(NETWORK_EDITORS),
    "network.job_function_detail": Expect(NETWORK_READERS | MENTOR),
    "network.job_function_edit": Expect(NETWORK_EDITORS),
    "network.job_function_set_active": Expect(NETWORK_EDITORS),
    "network.job_function_link_occupation": Expect(NETWORK_EDITORS),
    "network.search": Expect(NETWORK_READERS),
    "network.search_live": Expect(NETWORK_READERS),
    "network.import_csv": Expect(NETWORK_EDITORS),
    "network.import_example": Expect(NETWORK_EDITORS),
    "network.export_csv": Expect(NETWORK_EDITORS),
    "occupations.suggest": Expect(NETWORK_READERS),
    "occupations.detail": Expect(NETWORK_READERS),
    "api.openapi": PUBLIC,
    "api.list_companies": Expect(NETWORK_READERS),
    "api.create_company": Expect(NETWORK_EDITORS),
    "api.get_company": Expect(NETWORK_READERS),
    "api.update_company": Expect(NETWORK_EDITORS),
    "api.list_mentors": Expect(NETWORK_READERS),
    "api.create_mentor": Expect(NETWORK_EDITORS),
    "api.get_mentor": Expect(NETWORK_READERS),
    "api.update_mentor": Expect(NETWORK_EDITORS),
    "api.list_job_functions": Expect(NETWORK_READERS),
    "api.create_job_function": Expect(NETWORK_EDITORS),
    "api.get_job_function": Expect(NETWORK_READERS),
    "api.update_job_function": Expect(NETWORK_EDITORS),
    "participants.participant_list": Expect(CASE_ROLES),
    "participants.participant_create": Expect(CASE_EDITORS),
    "participants.participant_detail": Expect(CASE_ROLES),
    "participants.participant_edit": Expect(CASE_EDITORS),
    "participants.participant_set_active": Expect(CASE_EDITORS),
    "participants.import_csv": Expect(CASE_EDITORS),
    "participants.import_example": Expect(CASE_EDITORS),
    "participants.export_csv": Expect(CASE_EDITORS),
    "api.list_participants": Expect(CASE_ROLES),
    "api.create_participant": Expect(CASE_EDITORS),
    "api.get_participant": Expect(CASE_ROLES),
    "api.update_participant": Expect(CASE_EDITORS),
    "matches.for_participant": Expect(CASE_ROLES),
    "matches.compare": Expect(CASE_ROLES),
    "matches.for_job_function": Expect(NETWORK_READERS & CASE_ROLES),
    "matches.weights": Expect(frozenset({Role.ADMIN, Role.COORDINATOR})),
    "api.participant_matches": Expect(CASE_ROLES),
    "api.job_function_candidates": Expect(NETWORK_READERS & CASE_ROLES),
    "agreements.agreement_list": Expect(CASE_ROLES),
    "agreements.agreement_create": Expect(CASE_EDITORS),
    "agreements.agreement_detail": Expect(CASE_ROLES),
    "agreements.agreement_print": Expect(CASE_ROLES),
    "agreements.agreement_edit": Expect(CASE_EDITORS),
    "agreements.agreement_step": Expect(CASE_EDITORS),
    "agreements.agreement_end": Expect(CASE_EDITORS),
    "agreements.agreement_decision": Expect(CASE_EDITORS),
    "agreements.agreement_place": Expect(CASE_EDITORS),
    "agreements.agreement_override": Expect(CASE_EDITORS),
    "agreements.agreement_extension": Expect(CASE_EDITORS),
    "agreements.follow_up_create": Expect(CASE_EDITORS),
    "agreements.follow_up_move": Expect(CASE_EDITORS),
    "agreements.goal_reached": Expect(CASE_EDITORS),
    "api.list_agreements": Expect(CASE_ROLES),
    "api.get_agreement": Expect(CASE_ROLES),
    "api.create_agreement": Expect(CASE_EDITORS),
    "api.agreement_transition": Expect(CASE_EDITORS),
    "api.agreement_follow_up": Expect(CASE_EDITORS),
    "api.agreement_outcome": Expect(CASE_EDITORS),
    "api.agreement_decision": Expect(CASE_EDITORS),
    "mentor.link": PUBLIC,
    "mentor.copy_pdf": PUBLIC,
    "mentor.copy_ics": PUBLIC,
    "mentor.my_agreements": Expect(MENTOR),
    "mentor.agreement": Expect(MENTOR),
    "mail.outbox": Expect(CASE_EDITORS),
    "mail.message": Expect(CASE_EDITORS),
    "calendar.agreement": Expect(CASE_ROLES),
    "calendar.feed_settings": Expect(CASE_ROLES),
    "calendar.feed": PUBLIC,
    "progress.measurement_create": Expect(frozenset({Role.ADMIN, Role.COORDINATOR})),
    "progress.due": Expect(CASE_ROLES),
    "progress.measurement_withdraw": Expect(frozenset({Role.ADMIN, Role.COORDINATOR})),
    "progress.history_import": Expect(CASE_EDITORS),
    "progress.history_example": Expect(CASE_EDITORS),
    "reports.dashboard": Expect(CASE_ROLES),
    "reports.table_csv": Expect(CASE_ROLES),
    "reports.targets": Expect(frozenset({Role.ADMIN, Role.COORDINATOR})),
    "api.report_success_criteria": Expect(CASE_ROLES),
    "api.report_hire_rates": Expect(CASE_ROLES),
    "api.report_outcomes": Expect(CASE_ROLES),
    "api.report_funnel": Expect(CASE_ROLES),
    "api.report_cohort": Expect(CASE_ROLES),
    "api.report_retention": Expect(CASE_ROLES),
    "partnerships.partnership_list": Expect(ADMINS),
    "partnerships.partnership_create": Expect(ADMINS),
    "partnerships.partnership_detail": Expect(ADMINS | {Role.COORDINATOR}),
    "partnerships.partnership_edit": Expect(ADMINS | {Role.COORDINATOR}),
    "partnerships.partnership_archive": Expect(ADMINS),
    "partnerships.partnership_restore": Expect(ADMINS),
    "partnerships.logo": PUBLIC,
    "api.list_partnerships": Expect(EVERYONE),
    "api.create_partnership": Expect(ADMINS),
    "api.get_partnership": Expect(EVERYONE),
    "api.update_partnership": Expect(ADMINS),
    "accounts.user_list": Expect(USER_MANAGERS),
    "accounts.user_create": Expect(USER_MANAGERS),
    "accounts.user_detail": Expect(USER_MANAGERS),
    "accounts.user_edit": Expect(USER_MANAGERS),
    "accounts.user_deactivate": Expect(USER_MANAGERS),
    "accounts.user_reactivate": Expect(USER_MANAGERS),
    "accounts.user_resend_invitation": Expect(USER_MANAGERS),
    "accounts.forgot_password": PUBLIC,
    "accounts.set_password": PUBLIC,
    "accounts.my_account": Expect(EVERYONE),
    "accounts.change_password": Expect(EVERYONE),
    "accounts.sessions": Expect(EVERYONE),
    "accounts.end_session": Expect(EVERYONE),
    "accounts.end_other_sessions": Expect(EVERYONE),
    # An import job: its uploader, the partnership's coordinators and the admins (others 404).
    "imports.status": Expect(CASE_EDITORS),
    "imports.status_json": Expect(CASE_EDITORS),
    # placement/privacy: subject access and anonymisation (four eyes) for coordinators and admins;
    # consent history for the case editors; erasure of a record created by mistake for admins alone.
    "privacy.subject_access": Expect(frozenset({Role.ADMIN, Role.COORDINATOR})),
    "privacy.consent": Expect(CASE_EDITORS),
    "privacy.anonymise": Expect(frozenset({Role.ADMIN, Role.COORDINATOR})),
    "privacy.requests": Expect(frozenset({Role.ADMIN, Role.COORDINATOR})),
    "privacy.erase": Expect(ADMINS),
    # placement/goals: the young person's goals; staff who work on the case write them, caseworkers read; the young
    # person's own page opens through their link alone.
    "goals.goal_list": Expect(CASE_ROLES),
    "goals.goal_create": Expect(CASE_EDITORS),
    "goals.goal_edit": Expect(CASE_EDITORS),
    "goals.goal_state": Expect(CASE_EDITORS),
    "goals.link_issue": Expect(CASE_EDITORS),
    "goals.link_revoke": Expect(CASE_EDITORS),
    "goals.own_page": PUBLIC,
    # placement/course: meetings and status notes; staff who work on the case write, caseworkers read (a status
    # note once final and shared with them); an action's owner marks it done.
    "course.meeting_list": Expect(CASE_ROLES),
    "course.meeting_create": Expect(CASE_EDITORS),
    "course.meeting_detail": Expect(CASE_ROLES),
    "course.meeting_edit": Expect(CASE_EDITORS),
    "course.meeting_ics": Expect(CASE_ROLES),
    "course.action_create": Expect(CASE_EDITORS),
    "course.action_done": Expect(CASE_ROLES),
    "course.status_notes": Expect(CASE_ROLES),
    "course.status_note_prepare": Expect(CASE_EDITORS),
    "course.status_note_detail": Expect(CASE_ROLES),
    "course.status_note_save": Expect(CASE_EDITORS),
    "course.status_note_final": Expect(CASE_EDITORS),
    "course.status_note_share": Expect(CASE_EDITORS),
    "course.status_note_print": Expect(CASE_ROLES),
    "course.status_note_pdf": Expect(CASE_ROLES),
    # placement/retention: a job check after a hire is recorded by staff who work on the case (caseworkers read the
    # agreement's table); the mentor answers through their link alone.
    "retention.check": Expect(CASE_EDITORS),
    "retention.ask_mentor": Expect(CASE_EDITORS),
    "retention.mentor_check": PUBLIC,
    # placement/lexicon: the partnership's own everyday words; coordinators change them, job consultants read them.
    "lexicon.entry_list": Expect(frozenset({Role.ADMIN, Role.COORDINATOR, Role.CONSULTANT})),
    "lexicon.entry_create": Expect(frozenset({Role.ADMIN, Role.COORDINATOR})),
    "lexicon.entry_edit": Expect(frozenset({Role.ADMIN, Role.COORDINATOR})),
    "lexicon.entry_delete": Expect(frozenset({Role.ADMIN, Role.COORDINATOR})),
    "lexicon.export_csv": Expect(frozenset({Role.ADMIN, Role.COORDINATOR})),
    "lexicon.import_csv": Expect(frozenset({Role.ADMIN, Role.COORDINATOR})),
}

#: Routes whose answer shows a young person's personal data: each writes exactly one audit entry naming the records
#: shown, the field group and a purpose (tests/test_audit_reads.py walks them). The calendar files name no young
#: person but tell when and where they are, so they count; the start page, a company's and a mentor's page and the
#: outbox name the young people of their internships. Left out: the mentor's pages (the plan, to the mentor on it)
#: and the subject access archive (purpose ``subject_access``, tests/test_privacy.py).
PERSONAL_DATA_ROUTES = frozenset({
    "goals.goal_list", "goals.goal_create", "goals.goal_edit",
    "participants.participant_list", "participants.participant_detail", "participants.participant_edit",
    "participants.export_csv", "matches.for_participant", "matches.compare", "matches.for_job_function",
    "agreements.agreement_list", "agreements.agreement_detail", "agreements.agreement_edit",
    "agreements.agreement_print", "agreements.agreement_create", "progress.measurement_create", "progress.due",
    "api.list_participants", "api.get_participant", "api.update_participant", "api.participant_matches",
    "api.job_function_candidates", "api.get_agreement", "api.list_agreements", "privacy.consent", "mail.message",
    "mail.outbox", "calendar.agreement", "calendar.feed", "main.index", "network.company_detail",
    "network.mentor_detail",
    "course.meeting_list", "course.meeting_create", "course.meeting_detail", "course.meeting_edit",
    "course.meeting_ics", "course.status_notes", "course.status_note_detail", "course.status_note_print",
    "course.status_note_pdf", "retention.check",
})

#: URL arguments naming records that belong to a partnership (or, for tokens, to a user).
SCOPED_ARGUMENTS = {"company_id", "mentor_id", "job_function_id", "token_id", "participant_id", "agreement_id",
                    "goal_id", "message_id", "measurement_id", "partnership_id", "user_id", "job_id",
                    "learning_goal_id", "meeting_id", "action_id", "note_id", "check_id", "lexicon_entry_id"}


def _rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"]


def test_every_route_has_a_written_expectation(app):
    missing = sorted({rule.endpoint for rule in _rules(app)} - EXPECTATIONS.keys())
    assert not missing, f"routes without an access expectation: {missing}"
    stale = sorted(EXPECTATIONS.keys() - {rule.endpoint for rule in _rules(app)})
    assert not stale, f"expectations for routes that no longer exist: {stale}"


@pytest.fixture
def world(app):
    """Two partnerships with a company, mentor and job function each; a user and API tokens per role."""
    own, other = factories.partnership("Ringkøbing-Skjern"), factories.partnership("Aarhus")
    records = {}
    for key, partnership in (("own", own), ("other", other)):
        company = factories.company(partnership)
        mentor = factories.mentor(company)
        job = factories.job_function(company, mentor=mentor)
        records[key] = {"company_id": company.id, "mentor_id": mentor.id, "job_function_id": job.id,
                        "mentor": mentor, "partnership_id": partnership.id}
    users, tokens = {}, {}
    for role in Role:
        user = factories.user(role, own, mentor=records["own"]["mentor"] if role is Role.MENTOR else None)
        _, plain = auth_services.issue_api_token(user, "api")
        revocable, _ = auth_services.issue_api_token(user, "to revoke")
        users[role], tokens[role] = user, (plain, revocable.id)
    for key, partnership in (("own", own), ("other", other)):
        # The young person's case names the consultant and the caseworker (the coordinator sees the partnership).
        case = {"consultant_id": users[Role.CONSULTANT].id, "caseworker_id": users[Role.CASEWORKER].id} \
            if key == "own" else {}
        young = factories.participant(partnership, **case)
        records[key]["participant_id"] = young.id
        company = db.session.get(Company, records[key]["company_id"])
        agreement = agreement_services.new_agreement(
            participant=young, job_function=company.job_functions[0], mentor=records[key]["mentor"],
            consultant=users[Role.CONSULTANT] if key == "own" else None, start_date=date(2026, 9, 1),
            actor=agreement_services.Actor(None, "test", False), goals=["Møde til tiden"])
        agreement.state = State.SENT  # waiting for the mentor: visible on the mentor's own pages too
        message = enqueue("mentor@example.com", "Plan", "Body", partnership_id=partnership.id,
                          agreement_id=agreement.id)
        db.session.commit()
        measurement = Measurement(participant=young, measured_on=date(2026, 1, 10), motivation=5, work_identity=5,
                                  clarification=5, knowledge=5)
        db.session.add(measurement)
        db.session.commit()
        # A job check of the agreement (not followed while the plan waits: the matrix records nothing).
        check = JobCheck(partnership_id=partnership.id, agreement_id=agreement.id, month=1, due_on=date(2026, 10, 1))
        db.session.add(check)
        db.session.commit()
        records[key].update(agreement_id=agreement.id, goal_id=agreement.goals[0].id, message_id=message.id,
                            measurement_id=measurement.id, check_id=check.id)
        learning_goal = goal_services.create_goal(young, {"wording": "Jeg vil møde til tiden"}, None)
        db.session.commit()
        records[key]["learning_goal_id"] = learning_goal.id
        # A meeting with an action (the own one owned by the caseworker, who may mark it done) and a status note,
        # final and shared with the caseworker.
        author = users[Role.CONSULTANT] if key == "own" else factories.user(Role.COORDINATOR, partnership)
        meeting = factories.meeting(young, author, owner=users[Role.CASEWORKER] if key == "own" else None)
        note = factories.status_note(young, author)
        records[key].update(meeting_id=meeting.id, action_id=meeting.actions[0].id, note_id=note.id)
        # A word of the partnership's own lexicon (the delete route sent without a version deletes nothing).
        entry = LexiconEntry(partnership_id=partnership.id, words="ridning", isco_groups="9212")
        db.session.add(entry)
        db.session.commit()
        records[key]["lexicon_entry_id"] = entry.id
    # A confirmed internship of the own young person, in the consultant's calendar feed (opened by its real key).
    confirmed = agreement_services.new_agreement(
        participant=db.session.get(Participant, records["own"]["participant_id"]),
        job_function=db.session.get(Company, records["own"]["company_id"]).job_functions[0],
        mentor=records["own"]["mentor"], consultant=users[Role.CONSULTANT], start_date=date(2026, 10, 1),
        actor=agreement_services.Actor(None, "test", False), goals=["Møde til tiden"])
    confirmed.state = State.CONFIRMED
    feed_key = feeds.issue_feed(users[Role.CONSULTANT])
    db.session.commit()
    stranger = factories.user(Role.CONSULTANT, other)
    # An import job each; the own one uploaded by the consultant who walks the matrix.
    for key, partnership, uploader in (("own", own, users[Role.CONSULTANT]), ("other", other, stranger)):
        job = ImportJob(partnership_id=partnership.id, user_id=uploader.id, kind="network:companies",
                        filename="upload.csv", state=JobState.DONE, lines_total=2, lines_checked=2, lines_imported=1,
                        errors=[], warnings=[])
        db.session.add(job)
        db.session.commit()
        records[key]["job_id"] = job.id
    # The accounts pages act on these users (deactivate, reactivate, resend invitation), never on the walkers.
    records["own"]["user_id"] = factories.user(Role.CASEWORKER, own).id
    records["other"]["user_id"] = factories.user(Role.CASEWORKER, other).id
    foreign_token, _ = auth_services.issue_api_token(stranger, "not yours")
    occupation = Occupation(uri="http://data.europa.eu/esco/occupation/x", isco_group="9211",
                            label="landbrugsmedhjælper")
    db.session.add(occupation)
    db.session.commit()
    # A step not allowed on a draft: the matrix must not change the world it walks.
    common = {"occupation_id": occupation.id, "kind": "companies", "step": "start", "token": "not-a-link",
              "key": "not-a-feed", "table": "success"}
    return {"users": users, "tokens": tokens, "own": {**records["own"], **common, "key": feed_key},
            "other": {**records["other"], **common, "token_id": foreign_token.id}}


def _request(client, rule, values, token=None):
    url = rule.build(values, append_unknown=False)[1]
    method = next(m for m in ("GET", "PATCH", "POST") if m in rule.methods)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if rule.endpoint.startswith("api."):
        return client.open(url, method=method, json={} if method != "GET" else None, headers=headers)
    return client.open(url, method=method, data={}, headers=headers)


def _values(rule, world, side, role=None):
    values = {}
    for argument in rule.arguments:
        if argument == "token_id" and side == "own":
            values[argument] = world["tokens"][role][1]
        elif argument in world[side]:
            values[argument] = world[side][argument]
        else:
            pytest.fail(f"{rule.endpoint}: no test value for URL argument {argument!r}")
    return values


def _ordered(rules):
    # Logging out ends the session, so it runs last; the API first, before any token is revoked.
    return sorted(rules, key=lambda r: (r.endpoint == "auth.logout", not r.endpoint.startswith("api."),
                                        r.endpoint == "auth.revoke_api_token", r.endpoint))


def test_anonymous_is_sent_to_login_or_refused(app, world):
    client = app.test_client()
    for rule in _ordered(_rules(app)):
        expect = EXPECTATIONS[rule.endpoint]
        response = _request(client, rule, _values(rule, world, "own", Role.CONSULTANT))
        if expect.roles is None:
            assert response.status_code < 500 and response.status_code not in (401, 403), rule.endpoint
        elif rule.endpoint.startswith("api."):
            assert response.status_code == 401, rule.endpoint
        else:
            assert response.status_code == 302, rule.endpoint
            assert "/login" in response.headers["Location"], rule.endpoint


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_each_role_gets_exactly_what_it_may(app, world, role, login):
    user = world["users"][role]
    client = app.test_client()
    client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    token = world["tokens"][role][0]
    failures = []
    for rule in _ordered(_rules(app)):
        expect = EXPECTATIONS[rule.endpoint]
        api_token = token if rule.endpoint.startswith("api.") else None
        if expect.roles is None:
            continue
        own = _request(client, rule, _values(rule, world, "own", role), api_token)
        if role not in expect.roles:
            if own.status_code != 403:
                failures.append(f"{rule.endpoint}: {role} expected 403, got {own.status_code}")
            continue
        if own.status_code in (401, 403, 404) or own.status_code >= 500:
            failures.append(f"{rule.endpoint}: {role} on its own partnership got {own.status_code}")
        if SCOPED_ARGUMENTS & set(rule.arguments):
            other = _request(client, rule, _values(rule, world, "other", role), api_token)
            # An admin reaches every partnership, and revokes any user's token on the admins' token page.
            allowed_everywhere = role is Role.ADMIN and ("token_id" not in rule.arguments
                                                         or rule.endpoint == "auth.admin_revoke_api_token")
            if allowed_everywhere:
                if other.status_code in (401, 403, 404) or other.status_code >= 500:
                    failures.append(f"{rule.endpoint}: admin on another partnership got {other.status_code}")
            elif other.status_code != 404:
                failures.append(f"{rule.endpoint}: {role} on another partnership expected 404, "
                                f"got {other.status_code}")
    assert not failures, "\n".join(failures)


def test_a_mentor_sees_only_their_own_company(app, world, client, login):
    login(world["users"][Role.MENTOR])
    assert client.get(f"/companies/{world['own']['company_id']}").status_code == 200
    company = factories.company(world["users"][Role.MENTOR].partnership, name="Naboen ApS")
    assert client.get(f"/companies/{company.id}").status_code == 404
