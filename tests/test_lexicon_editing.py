"""A partnership's own everyday words: who may read and change them, the checks against ESCO, the CSV files, and
what the partnership's matching gets from them (``lexicon.services.lexicon_for``).

That every entry of the project's ``lexicon.csv`` resolves to the ESCO data is tested in tests/test_interests.py.
"""

import io

import pytest
from sqlalchemy import select

from placement.audit.models import AuditEvent
from placement.auth.models import Role
from placement.extensions import db
from placement.lexicon.models import LexiconEntry
from placement.lexicon.services import lexicon_for
from placement.matching import danish
from placement.matching.lexicon import default_lexicon
from placement.occupations.models import IscoGroup, Occupation
from tests import factories

ESCO = "http://data.europa.eu/esco/occupation/"


@pytest.fixture
def esco(app):
    """A few ESCO occupations and ISCO groups, as the import leaves them."""
    db.session.add_all([
        Occupation(uri=ESCO + "1", isco_group="9212", label="hestepasser"),
        Occupation(uri=ESCO + "2", isco_group="5164", label="berider"),
        Occupation(uri=ESCO + "3", isco_group="6130", label="landmand"),
        Occupation(uri=ESCO + "4", isco_group="2422", label="HR-chef"),
        IscoGroup(code="9212", label="Medhjælpere inden for husdyrbrug"),
        IscoGroup(code="92", label="Medhjælpere inden for landbrug, skovbrug og fiskeri"),
    ])
    db.session.commit()


@pytest.fixture
def coordinator(partnership):
    return factories.user(Role.COORDINATOR, partnership)


def _entries(partnership) -> list[LexiconEntry]:
    return db.session.scalars(select(LexiconEntry).where(LexiconEntry.partnership_id == partnership.id)
                              .order_by(LexiconEntry.id)).all()


def _add(partnership, words, occupations="", isco_groups="") -> LexiconEntry:
    entry = LexiconEntry(partnership_id=partnership.id, words=words, occupations=occupations, isco_groups=isco_groups)
    db.session.add(entry)
    db.session.commit()
    return entry


def _occupations(lexicon, words: str) -> set[str]:
    return {label for entry in lexicon.match(danish.stems(words)) for label in entry.occupations}


# --- who may do what -----------------------------------------------------------------------------------------------

def test_coordinators_and_admins_edit_consultants_read_others_are_refused(client, login, esco, partnership,
                                                                          other_partnership):
    own = _add(partnership, "ridning", "berider")
    theirs = _add(other_partnership, "fårehold", "landmand")
    login(factories.user(Role.CONSULTANT, partnership))
    page = client.get("/lexicon")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "ridning" in text and "fårehold" not in text
    assert "from the project" in text and "hestepasser" in text  # the project's entries, read-only
    assert f"/lexicon/{own.id}/edit" not in text
    assert 'href="/lexicon"' not in client.get("/").get_data(as_text=True)  # no menu link
    assert client.get("/lexicon/new").status_code == 403
    assert client.get(f"/lexicon/{own.id}/edit").status_code == 403
    assert client.get("/lexicon/export.csv").status_code == 403
    assert client.get(f"/lexicon?partnership={other_partnership.id}").status_code == 404
    for role in (Role.CASEWORKER, Role.MENTOR):
        client.post("/logout")
        login(factories.user(role, partnership))
        assert client.get("/lexicon").status_code == 403, role

    client.post("/logout")
    login(factories.user(Role.COORDINATOR, partnership))
    assert f"/lexicon/{own.id}/edit" in client.get("/lexicon").get_data(as_text=True)
    assert 'href="/lexicon"' in client.get("/").get_data(as_text=True)  # the menu link
    assert client.get(f"/lexicon/{theirs.id}/edit").status_code == 404
    assert client.post(f"/lexicon/{theirs.id}/delete", data={"version": theirs.version}).status_code == 404
    assert client.get(f"/lexicon?partnership={other_partnership.id}").status_code == 404
    assert client.get(f"/lexicon/new?partnership={other_partnership.id}").status_code == 404
    assert db.session.get(LexiconEntry, theirs.id) is not None

    client.post("/logout")
    login(factories.user(Role.ADMIN, partnership))
    page = client.get(f"/lexicon?partnership={other_partnership.id}").get_data(as_text=True)
    assert "fårehold" in page and "ridning" not in page
    response = client.post(f"/lexicon/new?partnership={other_partnership.id}",
                           data={"words": "køer", "occupations": "landmand"})
    assert response.status_code == 302 and f"partnership={other_partnership.id}" in response.headers["Location"]
    assert [e.words for e in _entries(other_partnership)] == ["fårehold", "køer"]
    assert [e.words for e in _entries(partnership)] == ["ridning"]


# --- what the matching gets ----------------------------------------------------------------------------------------

def test_a_coordinators_entry_changes_the_partnerships_lexicon_only(client, login, esco, coordinator, partnership,
                                                                    other_partnership):
    assert _occupations(lexicon_for(partnership.id), "ridning") == set()
    login(coordinator)
    response = client.post("/lexicon/new", data={"words": " ridning ", "occupations": "Hestepasser\nberider",
                                                 "isco_groups": "9212, 92"})
    assert response.status_code == 302
    (entry,) = _entries(partnership)
    # Stored as ESCO spells the labels, in the format of lexicon.csv.
    assert (entry.words, entry.occupations, entry.isco_groups) == ("ridning", "hestepasser|berider", "9212 92")
    lexicon = lexicon_for(partnership.id)
    assert _occupations(lexicon, "ridning") == {"hestepasser", "berider"}
    assert _occupations(lexicon, "rideskole ridning") == {"hestepasser", "berider"}
    assert {g for e in lexicon.match(danish.stems("ridning")) for g in e.isco_groups} == {"9212", "92"}
    assert _occupations(lexicon_for(other_partnership.id), "ridning") == set()
    assert len(lexicon_for(other_partnership.id)) == len(default_lexicon())

    # Words the project has already: the partnership's occupations are added to the project's.
    client.post("/lexicon/new", data={"words": "hestene", "occupations": "berider"})
    assert _occupations(lexicon_for(partnership.id), "heste") == _occupations(default_lexicon(), "heste") | {"berider"}
    assert "berider" not in _occupations(lexicon_for(other_partnership.id), "heste")
    assert "hestene <span class=\"tag\">adds to the project's words</span>" in client.get("/lexicon").get_data(
        as_text=True)

    # A change and a deletion reach the lexicon too.
    client.post(f"/lexicon/{entry.id}/edit", data={"words": "ridning", "occupations": "landmand", "isco_groups": "",
                                                   "version": entry.version})
    assert _occupations(lexicon_for(partnership.id), "ridning") == {"landmand"}
    db.session.refresh(entry)
    assert entry.version == 2
    client.post(f"/lexicon/{entry.id}/delete", data={"version": entry.version})
    assert _occupations(lexicon_for(partnership.id), "ridning") == set()


# --- the checks ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("data", "field", "message"), [
    ({"words": "", "occupations": "berider"}, "words", "Write the word or phrase."),
    ({"words": "   ", "occupations": "berider"}, "words", "Write the word or phrase."),
    ({"words": "123 !", "occupations": "berider"}, "words", "“123 !” has no Danish word to match"),
    ({"words": "heste, ridning", "occupations": "berider"}, "words", "“heste, ridning” is more than one word"),
    ({"words": "heste og ridning", "occupations": "berider"}, "words", "“heste og ridning” is more than one word"),
    ({"words": "ridning", "occupations": "hestpasser"}, "occupations",
     "The occupation “hestpasser” is not in ESCO. Write the Danish title as ESCO has it, for example “hestepasser”."),
    ({"words": "ridning", "occupations": "berider\nrytter"}, "occupations", "The occupation “rytter” is not in ESCO"),
    ({"words": "ridning", "isco_groups": "92x"}, "isco_groups", "The ISCO group “92x” is not a code of 2 to 4 digits."),
    ({"words": "ridning", "isco_groups": "9"}, "isco_groups", "The ISCO group “9” is not a code of 2 to 4 digits."),
    ({"words": "ridning", "isco_groups": "9212 0110"}, "isco_groups",
     "The ISCO group “0110” is not an ISCO-08 group in the service."),
    ({"words": "ridning"}, "occupations", "Name at least one ESCO occupation or ISCO group"),
    ({"words": "de gamle heste", "occupations": "berider"}, "words",
     "The partnership has an entry for these words already: “gamle hest”."),
])
def test_each_field_is_checked_with_a_message_naming_the_value(client, login, esco, coordinator, partnership,
                                                               other_partnership, data, field, message):
    _add(partnership, "gamle hest", "hestepasser")
    _add(other_partnership, "ridning", "berider")  # another partnership's words are no obstacle
    login(coordinator)
    response = client.post("/lexicon/new", data=data)
    assert response.status_code == 400
    page = response.get_data(as_text=True).replace("&#34;", '"')
    assert f'id="{field}-error"' in page
    assert message.replace("'", "&#39;") in page
    assert [e.words for e in _entries(partnership)] == ["gamle hest"]


def test_isco_groups_of_the_occupations_count_and_labels_are_taken_in_any_case(client, login, esco, coordinator,
                                                                                partnership):
    login(coordinator)
    # 61 and 6130 are not in isco_groups (the groups file was not imported) but an occupation is in them.
    response = client.post("/lexicon/new", data={"words": "mark", "occupations": "LANDMAND|hr-chef",
                                                 "isco_groups": "61 6130"})
    assert response.status_code == 302
    (entry,) = _entries(partnership)
    assert entry.occupation_labels == ("landmand", "HR-chef")
    assert entry.isco_codes == ("61", "6130")


def test_without_esco_data_the_message_says_so(client, login, coordinator, partnership):
    login(coordinator)
    response = client.post("/lexicon/new", data={"words": "ridning", "occupations": "berider"})
    assert response.status_code == 400
    assert "the ESCO occupations are not imported into the service yet" in response.get_data(as_text=True)


# --- changing and deleting -----------------------------------------------------------------------------------------

def test_edits_and_deletions_are_refused_on_another_version_and_audited(client, login, esco, coordinator,
                                                                         partnership):
    entry = _add(partnership, "ridning", "berider")
    login(coordinator)
    page = client.get(f"/lexicon/{entry.id}/edit").get_data(as_text=True)
    assert "berider</textarea>" in page
    seen = entry.version
    assert client.post(f"/lexicon/{entry.id}/edit", data={"words": "ridning", "occupations": "berider\nhestepasser",
                                                          "version": seen}).status_code == 302
    stale = client.post(f"/lexicon/{entry.id}/edit", data={"words": "ridning", "occupations": "landmand",
                                                           "version": seen})
    assert stale.status_code == 409
    assert "Someone else saved this record" in stale.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(LexiconEntry, entry.id).occupations == "berider|hestepasser"

    # A deletion sent on an old version (or without one) deletes nothing.
    for data in ({"version": seen}, {}):
        response = client.post(f"/lexicon/{entry.id}/delete", data=data, follow_redirects=True)
        assert "Someone else changed “ridning” meanwhile" in response.get_data(as_text=True)
        assert db.session.get(LexiconEntry, entry.id) is not None
    current = db.session.get(LexiconEntry, entry.id).version
    response = client.post(f"/lexicon/{entry.id}/delete", data={"version": current}, follow_redirects=True)
    assert "“ridning” was deleted from the word list." in response.get_data(as_text=True)
    assert _entries(partnership) == []

    events = db.session.scalars(select(AuditEvent).where(AuditEvent.entity == "lexicon_entries")
                                .order_by(AuditEvent.id)).all()
    assert [e.action for e in events] == ["create", "update", "delete"]
    assert events[1].changes["occupations"] == ["berider", "berider|hestepasser"]
    assert events[1].actor_id == coordinator.id and events[1].partnership_id == partnership.id


# --- CSV -----------------------------------------------------------------------------------------------------------

def test_a_csv_upload_is_all_or_nothing_with_an_error_per_line(client, login, esco, coordinator, partnership):
    _add(partnership, "heste", "hestepasser")
    login(coordinator)
    bad = ("Ord;Erhverv;ISCO-grupper\nridning;berider;\nmark;landmand|rytter;61\n;berider;\nrideskole;berider;9x\n"
           "ridningen;berider;\n")
    response = client.post("/lexicon/import", data={"file": (_file(bad), "ordliste.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "The file has 4 errors." in page and "Nothing was imported." in page
    for line, text in ((3, "The occupation “rytter” is not in ESCO"), (4, "Write the word or phrase."),
                       (5, "The ISCO group “9x” is not a code of 2 to 4 digits."),
                       (6, "“ridningen” are the same words as in line 2.")):
        assert f"<tr><td>{line}</td>" in page and text in page, (line, text)
    assert [e.words for e in _entries(partnership)] == ["heste"]

    # English column names and commas (the project's lexicon.csv format); the heste line changes the entry.
    good = "words,occupations,isco_groups\nridning,berider|hestepasser,\nhestene,hestepasser|berider,9212\n"
    response = client.post("/lexicon/import", data={"file": (_file(good), "ordliste.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 200
    assert "1 entry was added. 1 entry was changed." in response.get_data(as_text=True)
    assert [(e.words, e.occupations, e.isco_groups) for e in _entries(partnership)] == [
        ("hestene", "hestepasser|berider", "9212"), ("ridning", "berider|hestepasser", "")]

    exported = client.get("/lexicon/export.csv")  # the tests read English: the names of lexicon.csv
    assert exported.status_code == 200
    assert exported.get_data(as_text=True).splitlines() == [
        "\ufeffwords;occupations;isco_groups", "hestene;hestepasser|berider;9212", "ridning;berider|hestepasser;"]


def _file(text: str) -> io.BytesIO:
    return io.BytesIO(text.encode("utf-8"))


def test_a_coordinators_entry_reaches_the_young_persons_suggestions(client, login, esco, coordinator, partnership):
    from placement.matches import services as matches

    company = factories.company(partnership)
    berider = db.session.scalar(select(Occupation).where(Occupation.label == "berider"))
    job = factories.job_function(company, title="Hjælper i rideskolen", tasks="Muge ud", occupation=berider,
                                 mentor=factories.mentor(company))
    young = factories.participant(partnership, interests="ridning")
    db.session.commit()

    def interest() -> float:
        result = matches.matches_for_participant(young)
        (scored,) = [s for s in result.suggestions + result.excluded if s.subject.id == job.id]
        return scored.component("interests").value

    assert interest() == 0
    login(coordinator)
    client.post("/lexicon/new", data={"words": "ridning", "occupations": "berider"})
    assert interest() == pytest.approx(0.8)  # the occupation named, no shared word: one kind of evidence
