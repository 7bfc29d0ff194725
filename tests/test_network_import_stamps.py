"""A small CSV import joins the kept search index and matching network row by row, at the next request; a large
one has them built again (``revisions.rows_written``)."""

import pytest

from placement import revisions
from placement.auth.models import Role
from placement.extensions import db
from placement.matches import services as matches
from placement.network import csvio
from placement.network import services as network
from tests import factories
from tests.conftest import live_search
from tests.test_matches import CALM, _company, _profile, scenario


@pytest.fixture
def world(partnership, other_partnership):
    return scenario(partnership, other_partnership)


def _import(kind: str, partnership, header: str, lines: list[str]) -> None:
    report = csvio.import_csv(kind, "\n".join([header, *lines]) + "\n", partnership)
    assert report.ok, report.errors
    db.session.commit()  # as the import page does, in a request of its own


def test_a_small_import_is_found_by_the_next_search_without_a_rebuild(client, login, partnership, calls):
    login(factories.user(Role.CONSULTANT, partnership))

    def live(query: str) -> list[tuple[str, str]]:
        return live_search(client, query)

    company = factories.company(partnership, name="Hansens Maskinstation ApS")
    assert live("hansens maskinstation")[0] == ("Hansens Maskinstation ApS", "")  # built here, once
    build = network.build_search_index
    builds = calls(network, "build_search_index")

    cvr = factories.cvr()
    _import(csvio.COMPANIES, partnership, "cvr;name;postcode", [f"{cvr};Grøn Gård ApS;8900"])
    _import(csvio.MENTORS, partnership, "company_cvr;name", [f"{company.cvr};Karen Holm", f"{cvr};Ole Lund"])
    _import(csvio.JOB_FUNCTIONS, partnership, "company_cvr;title",
            [f"{company.cvr};Kvægpasser", f"{cvr};Staldhjælp", f"{cvr};Gartner"])
    assert live("grøn gård")[0] == ("Grøn Gård ApS", "")
    assert live("karen holm")[0] == ("Karen Holm", "Hansens Maskinstation ApS")
    assert live("ole lund")[0] == ("Ole Lund", "Grøn Gård ApS")
    assert live("kvaegpasser")[0] == ("Kvægpasser", "Hansens Maskinstation ApS")
    assert live("staldhjælp")[0] == ("Staldhjælp", "Grøn Gård ApS")
    assert builds == []

    kept = network.search_index(partnership.id)
    afresh = build(partnership.id)
    for query in ("grøn gård", "karen", "ole", "staldhjælp", "gartner", "hansens", cvr):
        assert kept.search(query, limit=100, min_score=0) == afresh.search(query, limit=100, min_score=0), query


def _imported_jobs(world, count: int) -> list[str]:
    """Import ``count`` calm animal job functions at a new company near the young person; return their titles."""
    farm = _company(world["partnership"], "Tarm Kalvegård", CALM)
    calm = _profile(structure=5, predictability=5, pace=2, social_contact=2, sensory_load=2)
    header = ";".join(["company_cvr", "title", "tasks", "hours_min", "hours_max", *calm])
    titles = [f"Kalvepasser {n}" for n in range(1, count + 1)]
    _import(csvio.JOB_FUNCTIONS, world["partnership"], header,
            [";".join([farm.cvr, title, "Fodre kalve i stalden", "10", "25", *map(str, calm.values())])
             for title in titles])
    return titles


def _considered(young) -> set[str]:
    """The titles of the job functions the young person's matching weighed (suggested or excluded: the imported
    ones have no mentor yet)."""
    result = matches.matches_for_participant(young)
    return {s.subject.title for s in (*result.suggestions, *result.excluded)}


def test_a_small_import_joins_the_matching_network_without_a_rebuild(world, calls):
    partnership_id, young = world["partnership"].id, world["young"]
    built = matches.network(partnership_id)
    full_build = matches._network_structure
    builds = calls(matches, "_network_structure")

    titles = _imported_jobs(world, 10)
    updated = matches.network(partnership_id)
    assert builds == [] and updated.offered == built.offered + 10
    assert set(titles) <= _considered(young)

    fresh = full_build(partnership_id).with_occupancy(matches.occupancy(partnership_id))
    for job_id in updated.job_ids[updated.present]:
        row, other = updated.offered_row(int(job_id)), fresh.offered_row(int(job_id))
        assert updated.jobs.row(row) == fresh.jobs.row(other)
        assert updated.model.analysed(row) == fresh.model.analysed(other)


def test_a_large_import_has_the_matching_network_built_again(world, monkeypatch, calls):
    partnership_id = world["partnership"].id
    matches.network(partnership_id)
    builds = calls(matches, "_network_structure")
    monkeypatch.setattr(revisions, "STAMP_LIMIT", 5)  # a large import, in small
    titles = _imported_jobs(world, 6)
    assert set(titles) <= _considered(world["young"])
    assert builds == [partnership_id]
