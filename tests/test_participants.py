"""Young people's records in the browser: who may add, read and change them, and what the pages show."""

import json
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from placement.agreements import services as agreement_services
from placement.audit.models import AuditEvent
from placement.auth.models import Role
from placement.extensions import db
from placement.occupations.models import Occupation
from placement.participants import services
from placement.participants.models import Consent, Participant, Transport
from placement.participants.needs import NEEDS
from placement.profile import DIMENSION_KEYS
from tests import factories

HEALTH_NOTE = "Tager medicin, der gør træt om eftermiddagen"


def _today() -> date:
    """The service's Danish date (the machine's date differs between 23:00 and 24:00 UTC)."""
    return agreement_services.today()


def _born(years_ago: int) -> str:
    today = _today()
    return today.replace(year=today.year - years_ago, day=min(today.day, 28)).isoformat()


def _form(**overrides) -> dict:
    data = {"name": "Emil Testesen", "date_of_birth": _born(22), "home_municipality": "Randers Kommune",
            "postcode": "8900", "cognitive": "y", "psychological": "y", "disruptions": ["anxiety", "social_phobia"],
            "health_notes": HEALTH_NOTE, "interests": "dyr, heste", "add_occupations": "",
            **{key: "3" for key in DIMENSION_KEYS}, "structure": "5", "pace": "2", "support_need": "4",
            "support_notes": "Kort snak hver morgen", "hours_min": "10", "hours_max": "20", "max_km": "15",
            "transport": "bikes", "course_start": "2025-01-06", "course_years": "3", "consent": "given",
            "consent_date": "2025-01-06", "consultant_id": "0", "coordinator_id": "0", "caseworker_id": "0",
            "active": "y"}
    data.update(overrides)
    # A value given as a function is one of today's dates: reckoned when the test runs, on the service's clock.
    return {key: value() if callable(value) else value for key, value in data.items() if value is not None}


@pytest.fixture
def consultant(partnership):
    return factories.user(Role.CONSULTANT, partnership)


def _only(model=Participant):
    [obj] = db.session.scalars(select(model)).all()
    return obj


# Adding ------------------------------------------------------------------------------------------------------

def test_consultant_adds_a_young_person_and_is_named_on_the_case(client, login, partnership, consultant):
    login(consultant)
    response = client.post("/participants/new", data=_form())
    assert response.status_code == 302
    participant = _only()
    assert response.headers["Location"] == f"/participants/{participant.id}"
    assert participant.partnership_id == partnership.id
    assert participant.consultant_id == consultant.id
    assert participant.coordinator_id is None and participant.caseworker_id is None
    assert participant.town == "Randers C" and 56.3 < participant.latitude < 56.6
    assert participant.disruptions == ["anxiety", "social_phobia"]
    assert (participant.cognitive, participant.psychological, participant.physical) == (True, True, False)
    assert participant.transport is Transport.BIKES and participant.consent is Consent.GIVEN
    assert (participant.structure, participant.pace, participant.support_need) == (5, 2, 4)

    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Emil Testesen" in page and "Randers C" in page and HEALTH_NOTE in page
    assert "Social phobia" in page and "cognitive, psychological" in page
    assert f'href="/participants/{participant.id}/internships"' in page and "Find internships" in page
    assert page.count("<meter") == len(NEEDS) + 1
    assert str(NEEDS[0].high) in page  # the young person's meaning, not the workplace's
    assert "In course for" in page and "3 years" in page


def test_the_new_form_shows_the_needs_in_the_young_persons_words(client, login, consultant):
    login(consultant)
    page = client.get("/participants/new").get_data(as_text=True)
    for need in NEEDS:
        assert str(need.label) in page and str(need.low) in page
    assert 'value="Randers Kommune"' in page  # the partnership's municipality as a start
    assert 'name="disruptions"' in page and 'type="checkbox"' in page


def test_an_age_outside_18_to_30_is_saved_with_a_warning(client, login, consultant):
    login(consultant)
    # The age that counts is the age at the course start (here: today).
    response = client.post("/participants/new", data=_form(date_of_birth=_born(16), course_start=_today().isoformat()),
                           follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert _only().date_of_birth.isoformat() == _born(16)
    assert "Age 16: resource courses are for young people aged 18 to 30" in page
    assert "flash-warning" in page and "outside 18–30" in page


def test_the_form_warns_of_the_age_while_another_field_is_wrong(client, login, consultant):
    login(consultant)
    page = client.post("/participants/new", data=_form(date_of_birth=_born(34), postcode="0001",
                                                       course_start=_today().isoformat())).get_data(as_text=True)
    assert "Age 34" in page and "The record is saved anyway." in page
    assert db.session.scalar(select(Participant)) is None


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"postcode": "0001"}, "postcode", "0001 is not a Danish postcode"),
    ({"consent": "given", "consent_date": ""}, "consent_date", "Give the date the consent was given or declined."),
    ({"consent": "declined", "consent_date": None}, "consent_date", "Give the date"),
    ({"hours_min": "20", "hours_max": "10"}, "hours_max", "Must be at least the lower limit (20)."),
    ({"hours_max": "41"}, "hours_max", "Number must be between 1 and 40."),
    ({"max_km": "201"}, "max_km", "Number must be between 0 and 200."),
    ({"course_years": "6"}, "course_years", "Number must be between 1 and 5."),
    ({"date_of_birth": "17-05-2002x"}, "date_of_birth", "Not a valid date value."),
    ({"date_of_birth": lambda: (_today() + timedelta(days=1)).isoformat()}, "date_of_birth",
     "cannot be in the future"),
    ({"structure": "6"}, "structure", "Choose a whole number from 1 to 5."),
    ({"support_need": "lots"}, "support_need", "Choose a whole number from 1 to 5."),
    ({"max_km": "far"}, "max_km", "Not a valid integer value."),
    ({"disruptions": ["anxiety", "boredom"]}, "disruptions", "not a valid choice"),
    ({"consultant_id": "999"}, "consultant_id", "Not a valid choice."),
    ({"name": ""}, "name", "This field is required."),
])
def test_invalid_input_is_refused_with_a_message_on_the_field(client, login, consultant, overrides, field, message):
    login(consultant)
    response = client.post("/participants/new", data=_form(**overrides))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'id="{field}-error"' in page and message in page
    assert db.session.scalar(select(Participant)) is None


def test_consent_may_be_left_unrecorded(client, login, consultant):
    login(consultant)
    assert client.post("/participants/new", data=_form(consent="", consent_date="2025-01-06")).status_code == 302
    participant = _only()
    assert participant.consent is None and participant.consent_date is None


def test_occupations_are_typed_in_by_title_and_removed_by_unticking(client, login, consultant):
    db.session.add_all([Occupation(uri="http://data.europa.eu/esco/occupation/t1", isco_group="6121",
                                   label="dyrepasser", alt_labels="dyrepasserelev"),
                        Occupation(uri="http://data.europa.eu/esco/occupation/t2", isco_group="9211",
                                   label="landbrugsmedhjælper")])
    db.session.commit()
    login(consultant)
    page = client.post("/participants/new", data=_form(add_occupations="dyrpasser")).get_data(as_text=True)
    assert "No occupation is called “dyrpasser”; did you mean dyrepasser?" in page
    assert db.session.scalar(select(Participant)) is None

    response = client.post("/participants/new", data=_form(add_occupations="Dyrepasser\n\nlandbrugsmedhjælper"))
    assert response.status_code == 302
    participant = _only()
    assert sorted(o.label for o in participant.occupations) == ["dyrepasser", "landbrugsmedhjælper"]
    page = client.get(f"/participants/{participant.id}/edit").get_data(as_text=True)
    assert page.count('name="occupation_ids"') == 2 and page.count("checked") >= 2

    keep = next(o.id for o in participant.occupations if o.label == "dyrepasser")
    form = _form(occupation_ids=[str(keep)], version=str(participant.version))
    assert client.post(f"/participants/{participant.id}/edit", data=form).status_code == 302
    db.session.refresh(participant)
    assert [o.label for o in participant.occupations] == ["dyrepasser"]


# Who may see and change what ---------------------------------------------------------------------------------

def test_a_consultant_sees_only_the_cases_they_are_named_on(client, login, partnership, consultant):
    other = factories.user(Role.CONSULTANT, partnership)
    mine = factories.participant(partnership, name="Min Ung", consultant_id=consultant.id)
    theirs = factories.participant(partnership, name="Anden Ung", consultant_id=other.id)
    as_caseworker = factories.participant(partnership, name="Tredje Ung", caseworker_id=consultant.id)
    login(consultant)
    page = client.get("/participants").get_data(as_text=True)
    assert "Min Ung" in page and "Tredje Ung" in page and "Anden Ung" not in page
    assert client.get(f"/participants/{mine.id}").status_code == 200
    assert client.get(f"/participants/{as_caseworker.id}").status_code == 200
    for url in (f"/participants/{theirs.id}", f"/participants/{theirs.id}/edit"):
        assert client.get(url).status_code == 404
    assert client.post(f"/participants/{theirs.id}/active", data={"active": "0"}).status_code == 404


def test_a_coordinator_sees_and_changes_the_whole_partnership(client, login, partnership, consultant):
    participant = factories.participant(partnership, name="Ung Uden Koordinator", consultant_id=consultant.id)
    login(factories.user(Role.COORDINATOR, partnership))
    assert "Ung Uden Koordinator" in client.get("/participants").get_data(as_text=True)
    # Not named on the case: the purpose is asked first (once a day), then the record opens.
    asked = client.get(f"/participants/{participant.id}")
    assert asked.status_code == 302 and "/audit/purpose" in asked.headers["Location"]
    client.post(asked.headers["Location"], data={"purpose": "coordination"})
    assert client.get(f"/participants/{participant.id}").status_code == 200
    response = client.post(f"/participants/{participant.id}/edit",
                           data=_form(name="Nyt Navn", consultant_id=str(consultant.id), version="1"))
    assert response.status_code == 302
    db.session.refresh(participant)
    assert participant.name == "Nyt Navn" and participant.consultant_id == consultant.id


def test_a_caseworker_reads_their_cases_but_changes_nothing(client, login, partnership):
    caseworker = factories.user(Role.CASEWORKER, partnership)
    participant = factories.participant(partnership, caseworker_id=caseworker.id)
    not_mine = factories.participant(partnership)
    login(caseworker)
    page = client.get(f"/participants/{participant.id}").get_data(as_text=True)
    assert "Find internships" in page and f"/participants/{participant.id}/edit" not in page
    assert client.get(f"/participants/{not_mine.id}").status_code == 404
    assert client.get("/participants/new").status_code == 403
    assert client.get(f"/participants/{participant.id}/edit").status_code == 403
    assert client.post(f"/participants/{participant.id}/active", data={"active": "0"}).status_code == 403


def test_a_mentor_never_sees_young_people(client, login, partnership):
    company = factories.company(partnership)
    mentor = factories.mentor(company)
    participant = factories.participant(partnership)
    login(factories.user(Role.MENTOR, partnership, mentor=mentor))
    for url in ("/participants", f"/participants/{participant.id}", "/participants/new",
                f"/participants/{participant.id}/edit"):
        assert client.get(url).status_code == 403, url
    assert "Young people" not in client.get(f"/companies/{company.id}").get_data(as_text=True)


def test_another_partnerships_young_person_answers_404(client, login, partnership, other_partnership):
    participant = factories.participant(other_partnership, postcode="8543")
    for role in (Role.COORDINATOR, Role.CONSULTANT):
        client.post("/logout")
        login(factories.user(role, partnership))
        assert client.get(f"/participants/{participant.id}").status_code == 404
        assert client.get(f"/participants/{participant.id}/edit").status_code == 404
        assert participant.name not in client.get("/participants").get_data(as_text=True)


def test_an_admin_sees_every_partnership_and_files_under_any(client, login, partnership, other_partnership):
    factories.participant(other_partnership, name="Aarhus Ung", postcode="8543")
    login(factories.user(Role.ADMIN, partnership))
    page = client.get("/participants").get_data(as_text=True)
    assert "Aarhus Ung" in page and "Aarhus" in page
    response = client.post(f"/participants/new?partnership={other_partnership.id}", data=_form())
    assert response.status_code == 302
    created = db.session.scalar(select(Participant).where(Participant.name == "Emil Testesen"))
    assert created.partnership_id == other_partnership.id
    assert created.consultant_id is None  # an admin has no slot of their own


def test_naming_another_consultant_leaves_the_creator_without_access(client, login, partnership, consultant):
    other = factories.user(Role.CONSULTANT, partnership)
    login(consultant)
    response = client.post("/participants/new", data=_form(consultant_id=str(other.id)))
    assert response.status_code == 302 and response.headers["Location"] == "/participants"
    assert _only().consultant_id == other.id


def test_only_active_users_of_the_role_are_offered_as_case_people(client, login, partnership, consultant):
    coordinator = factories.user(Role.COORDINATOR, partnership)
    retired = factories.user(Role.CASEWORKER, partnership)
    retired.active = False
    participant = factories.participant(partnership, consultant_id=consultant.id, caseworker_id=retired.id)
    gone = factories.user(Role.CASEWORKER, partnership)
    gone.active = False
    db.session.commit()
    login(consultant)
    page = client.get(f"/participants/{participant.id}/edit").get_data(as_text=True)
    coordinators = re.search(r'<select id="coordinator_id".*?</select>', page, re.S).group(0)
    caseworkers = re.search(r'<select id="caseworker_id".*?</select>', page, re.S).group(0)
    assert coordinator.name in coordinators and consultant.name not in coordinators
    assert retired.name in caseworkers and gone.name not in caseworkers  # the one named already stays


# The audit log -----------------------------------------------------------------------------------------------

def test_opening_a_record_is_logged_without_health_values(client, login, partnership, consultant):
    login(consultant)
    client.post("/participants/new", data=_form())
    participant = _only()
    client.post(f"/participants/{participant.id}/edit", data=_form(
        health_notes="Ny note om helbred", physical="y", disruptions=["depression"], consultant_id=str(consultant.id),
        version=str(participant.version)))
    client.get(f"/participants/{participant.id}")
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.entity == "participants")
                                .order_by(AuditEvent.id)).all()
    assert [e.action for e in events] == ["create", "update", "view"]
    view = events[-1]
    assert (view.actor_id, view.entity_id, view.partnership_id, view.changes) == (
        consultant.id, str(participant.id), partnership.id, {})
    # Personal fields are logged as changed, by name, never with their values.
    assert events[1].changes["health_notes"] == ["changed", "changed"]
    logged = json.dumps([e.changes for e in events], ensure_ascii=False)
    assert HEALTH_NOTE not in logged and "Ny note om helbred" not in logged
    assert "social_phobia" not in logged and "depression" not in logged
    assert events[0].changes["disruptions"] == [None, "changed"] and events[0].changes["name"] == [None, "changed"]
    assert participant.name not in logged and participant.date_of_birth.isoformat() not in logged


# Changing, deactivating, listing -----------------------------------------------------------------------------

def test_edit_keeps_values_and_deactivate_hides_from_the_default_list(client, login, partnership, consultant):
    participant = factories.participant(partnership, name="Sofie Testesen", consultant_id=consultant.id,
                                        consent=Consent.DECLINED, consent_date=date(2025, 2, 1),
                                        disruptions=["isolation"], transport=Transport.DRIVES)
    login(consultant)
    page = client.get(f"/participants/{participant.id}/edit").get_data(as_text=True)
    assert re.search(r'<input checked id="consent-\d" name="consent" type="radio" value="declined">', page)
    assert f'<option selected value="{consultant.id}">' in page
    assert re.search(r'<input checked id="disruptions-\d" name="disruptions" type="checkbox" value="isolation">', page)
    assert '<option selected value="drives">' in page

    response = client.post(f"/participants/{participant.id}/active", data={"active": "0"}, follow_redirects=True)
    assert "Sofie Testesen is deactivated." in response.get_data(as_text=True)
    db.session.refresh(participant)
    assert participant.active is False
    assert "Sofie Testesen" not in client.get("/participants").get_data(as_text=True)
    assert "Sofie Testesen" in client.get("/participants?status=inactive").get_data(as_text=True)
    client.post(f"/participants/{participant.id}/active", data={"active": "1"})
    db.session.refresh(participant)
    assert participant.active is True


def test_list_filters_by_consultant_and_sorts_by_age(client, login, partnership, consultant):
    other = factories.user(Role.CONSULTANT, partnership)
    factories.participant(partnership, name="Aksel", date_of_birth=date(1998, 1, 1), consultant_id=consultant.id)
    factories.participant(partnership, name="Bodil", date_of_birth=date(2005, 1, 1), consultant_id=other.id)
    factories.participant(partnership, name="Carl", date_of_birth=date(2001, 1, 1))
    login(factories.user(Role.COORDINATOR, partnership))

    def names(query: str) -> list[str]:
        page = client.get(f"/participants{query}").get_data(as_text=True)
        return re.findall(r'<a href="/participants/\d+">([^<]+)</a>', page)

    assert names("") == ["Aksel", "Bodil", "Carl"]
    assert names("?sort=age") == ["Bodil", "Carl", "Aksel"]
    assert names(f"?consultant={other.id}") == ["Bodil"]
    assert names("?consultant=none") == ["Carl"]


def test_the_list_is_searched_by_name_without_the_name_in_a_url(client, login, partnership, consultant,
                                                                 other_partnership):
    factories.participant(partnership, name="Søren Ørsted", consultant_id=consultant.id)
    factories.participant(partnership, name="Sara Holm", consultant_id=consultant.id)
    factories.participant(partnership, name="Ørsted Udenfor")  # not the consultant's case
    factories.participant(other_partnership, name="Søren Ørsted Andet")
    login(consultant)

    def found(query: str) -> list[str]:
        response = client.post("/participants", data={"q": query})
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        return re.findall(r'<a href="/participants/\d+">([^<]+)</a>', page)

    assert found("ørsted") == ["Søren Ørsted"]  # case-folded, Danish letters included, only the user's cases
    assert found("sø ørs") == ["Søren Ørsted"]  # every word, in any order of the name
    assert found("holm") == ["Sara Holm"]
    assert found("nobody") == []
    assert found("") == ["Sara Holm", "Søren Ørsted"]  # an empty search is the listing


def test_pages_put_no_names_in_urls(client, login, partnership, consultant):
    participant = factories.participant(partnership, name="Navn Iurl", consultant_id=consultant.id)
    login(consultant)
    for url in ("/participants", f"/participants/{participant.id}", f"/participants/{participant.id}/edit"):
        page = client.get(url).get_data(as_text=True)
        assert not any("Navn" in href or "Iurl" in href for href in re.findall(r'(?:href|action)="([^"]*)"', page))


def test_young_people_come_first_in_the_menu(client, login, consultant):
    login(consultant)
    page = client.get("/").get_data(as_text=True)
    nav = re.search(r'<ul class="nav">(.*?)</ul>', page, re.S).group(1)
    assert re.findall(r'<a href="([^"]+)"', nav)[0] == "/participants"


# The services ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("born", "warned"), [
    (date(2007, 3, 2), False),  # 18 today
    (date(2007, 3, 3), True),  # 17, turns 18 tomorrow
    (date(1994, 3, 3), False),  # 30
    (date(1994, 3, 2), True),  # 31 today
])
def test_age_warning_at_the_edges(app, born, warned):
    assert (services.age_warning(born, date(2025, 3, 2)) is not None) is warned


def test_course_end_months_and_state():
    participant = Participant(course_start=date(2024, 2, 29), course_years=3)
    course = services.course(participant, date(2025, 3, 28))
    assert (course.end, course.state, course.months) == (date(2027, 2, 28), "running", 12)
    assert services.course(participant, date(2024, 1, 1)).state == "not_started"
    ended = services.course(participant, date(2030, 1, 1))
    assert (ended.state, ended.months) == ("ended", 36)


def test_an_occupation_id_beyond_the_integer_range_is_unknown_not_a_server_error(client, login, consultant):
    login(consultant)
    response = client.post("/participants/new", data=_form(occupation_ids=["99999999999"]))
    assert response.status_code == 200 and "Unknown occupation: 99999999999." in response.get_data(as_text=True)
    assert db.session.scalar(select(Participant)) is None
