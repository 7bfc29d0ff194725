"""The results page keeps its figures until the records change: never a stale figure, not even for a moment."""

import os
from datetime import date, timedelta

import pytest
from sqlalchemy import event, update

from placement.agreements.models import Agreement, FollowUp, NotHiredReason, Outcome, State
from placement.audit.services import record_suggestions
from placement.auth.models import Role
from placement.extensions import db
from placement.occupations.models import IscoGroup, Occupation
from placement.participants.models import Consent
from placement.privacy.services import record_consent
from placement.progress.models import Measurement
from placement.reports import cache, tables
from placement.reports.models import Targets
from tests import factories

START = date(2018, 1, 15)
URL = "/reports?from=2018-01-01&to=2019-06-30"


@pytest.fixture
def world(partnership):
    """Three young people who consented, one ended internship without a hire; a coordinator reads exact counts."""
    consultant = factories.user(Role.CONSULTANT, partnership)
    people = [factories.participant(partnership, name=f"Ung {n}", course_start=START, consent=Consent.GIVEN,
                                    consent_date=START, consultant_id=consultant.id) for n in range(3)]
    farm = factories.company(partnership, name="Gården")
    mentor = factories.mentor(farm, name="Karen")
    db.session.add(IscoGroup(code="9", label="Andet manuelt arbejde"))
    occupation = Occupation(uri="http://data.europa.eu/esco/occupation/stald", isco_group="9212",
                            label="Staldmedhjælper")
    db.session.add(occupation)
    db.session.flush()
    job = factories.job_function(farm, title="Staldhjælp", mentor=mentor, occupation_id=occupation.id)
    agreement = Agreement(partnership_id=partnership.id, participant=people[0], job_function=job, mentor=mentor,
                          consultant=consultant, start_date=date(2019, 1, 1), state=State.ENDED,
                          ended_on=date(2019, 3, 1), outcome=Outcome.NOT_HIRED,
                          not_hired_reason=NotHiredReason.OTHER)
    db.session.add(agreement)
    for person in people:
        db.session.add(Measurement(participant=person, measured_on=START, motivation=4, work_identity=4,
                                   clarification=4, knowledge=4))
    db.session.commit()
    return {"people": people, "consultant": consultant, "farm": farm, "mentor": mentor, "agreement": agreement,
            "job": job}


@pytest.fixture
def reader(client, login, partnership):
    login(factories.user(Role.COORDINATOR, partnership))

    def page(url: str = URL) -> str:
        """The page's figures (the rest of the page carries a fresh CSRF token each time)."""
        response = client.get(url)
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        return html[html.index('<p class="report-consent"'):html.index("</main>")]

    return page


def _hire(world):
    agreement = world["agreement"]
    agreement.outcome, agreement.not_hired_reason = Outcome.ORDINARY_JOB, None
    agreement.outcome_start, agreement.outcome_hours = date(2019, 3, 1), 20


def _second_measurement(world):
    db.session.add(Measurement(participant=world["people"][1], measured_on=START + timedelta(days=400),
                               motivation=6, work_identity=6, clarification=6, knowledge=6))


def _follow_up(world):
    db.session.add(FollowUp(agreement_id=world["agreement"].id, held_on=date(2019, 2, 1), note="God uge"))


#: Each change a report counts, and what the page shows afterwards (it did not before).
CHANGES = {
    "a new young person": (lambda w, p: factories.participant(p, course_start=START, consent=Consent.GIVEN,
                                                               consent_date=START),
                           "4 enrolled, 0 declined consent: the figures cover 4"),
    "a consent withdrawn": (lambda w, p: record_consent(w["people"][2], Consent.WITHDRAWN, date(2019, 5, 1), "",
                                                        None),
                            "3 enrolled, 1 declined consent: the figures cover 2"),
    "an internship ending in a hire": (lambda w, p: _hire(w), "Ordinary job or flex-job: 1 of 1 (100 %) of the hires"),
    "a measurement": (lambda w, p: _second_measurement(w),
                      '<th scope="row">Closer to the labour market</th><td class="num">1 of 3 (33 %)'),
    "a company renamed": (lambda w, p: setattr(w["farm"], "name", "Gården Vest"), "Gården Vest"),
    "a mentor renamed": (lambda w, p: setattr(w["mentor"], "name", "Karen Holm"), "Karen Holm"),
    "a consultant renamed": (lambda w, p: setattr(w["consultant"], "name", "Konsulent Holm"), "Konsulent Holm"),
    "new targets": (lambda w, p: db.session.add(Targets(partnership_id=p.id, enrolled=17, closer_share=0.5,
                                                        ordinary_or_flex_share=0.8)), ">17 ·"),
    "an occupation group renamed": (lambda w, p: db.session.execute(
        update(IscoGroup).where(IscoGroup.code == "9").values(label="Manuelt arbejde i øvrigt")),
        "Manuelt arbejde i øvrigt"),
}


@pytest.mark.parametrize("change", CHANGES)
def test_a_change_shows_on_the_page_at_once(reader, world, partnership, change):
    make, expected = CHANGES[change]
    before = reader()
    assert reader() == before  # kept
    assert expected not in before
    make(world, partnership)
    db.session.commit()
    assert expected in reader()


def test_suggestions_shown_count_in_the_funnel_at_once(reader, world):
    """The funnel's first step counts the young people whose suggestions were opened (today: the default period)."""
    before = _funnel_suggested(reader("/reports"))
    assert _funnel_suggested(reader("/reports")) == before
    record_suggestions(db.session, world["people"][1])
    db.session.commit()
    assert _funnel_suggested(reader("/reports")) == before + 1


def _funnel_suggested(html: str) -> int:
    row = html[html.index('<th scope="row">Suggested</th>'):]
    return int(row[row.index('"num">') + len('"num">'):].split(" ", 1)[0])


def test_a_record_no_figure_counts_keeps_the_page(reader, world):
    """A follow-up note is not a figure: the page stays the same (but the figures are computed anew)."""
    before = reader()
    _follow_up(world)
    db.session.commit()
    assert reader() == before


def test_a_rolled_back_change_shows_nothing(reader, world):
    before = reader()
    _hire(world)
    db.session.flush()
    db.session.rollback()
    assert reader() == before


def test_the_kept_page_costs_no_figure_queries(reader, world):
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        reader()
        first = len(statements)
        statements.clear()
        reader()
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert first >= 15  # every figure, computed
    assert len(statements) <= 2, statements  # the session; nothing about the figures


def test_each_reader_sees_their_own_disclosure_and_language(client, login, world, partnership):
    consultant = world["consultant"]
    login(factories.user(Role.COORDINATOR, partnership))
    exact = client.get(URL).get_data(as_text=True)
    client.post("/logout")
    login(consultant)
    hidden = client.get(URL).get_data(as_text=True)
    assert "3 enrolled, 0 declined consent: the figures cover 3" in exact
    assert "&lt; 5 enrolled" in hidden and "3 enrolled" not in hidden
    client.post("/language", data={"lang": "da"})
    danish = client.get(URL).get_data(as_text=True)
    assert "Succeskriterier" in danish and "Success criteria" not in danish


REDIS_URL = os.environ.get("PLACEMENT_TEST_REDIS_URL", "")


@pytest.mark.skipif(not REDIS_URL, reason="needs PLACEMENT_TEST_REDIS_URL")
@pytest.mark.parametrize("app_config", [{"REDIS_URL": REDIS_URL}])
def test_workers_share_the_rendered_figures_through_redis(reader, world, monkeypatch, app_config):
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    before = reader()
    assert redis.Redis.from_url(REDIS_URL).keys(cache._PREFIX + "*")
    # Another worker: nothing kept in its own memory, and it could not compute the figures; Redis has them.
    for kept in (cache._rendered, tables._figures, tables._shown):
        kept.clear()
    monkeypatch.setattr(tables, "compute_figures", lambda scope: pytest.fail("computed again"))
    assert reader() == before
    monkeypatch.undo()
    _hire(world)
    db.session.commit()
    assert "Ordinary job or flex-job: 1 of 1 (100 %) of the hires" in reader()
