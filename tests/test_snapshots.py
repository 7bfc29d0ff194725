"""A worker process started later loads a partnership's built network from its snapshot instead of building it."""

import pytest

from placement import revisions
from placement.extensions import db
from placement.matches import services
from placement.snapshots import SnapshotStore
from tests import factories


@pytest.fixture
def app_config(tmp_path) -> dict:
    return {"NETWORK_SNAPSHOTS": True, "NETWORK_SNAPSHOT_DIR": str(tmp_path / "snapshots")}


@pytest.fixture
def builds(calls) -> list[int]:
    """The partnerships whose network was built (not loaded, not updated row by row)."""
    made = calls(services, "_network_structure")
    services.forget_networks()
    return made


def _network(partnership):
    company = factories.company(partnership, name="Engholm Kvægbrug")
    jobs = [factories.job_function(company, title=title, mentor=factories.mentor(company))
            for title in ("Staldmedhjælper", "Lagermedhjælper", "Køkkenhjælper")]
    db.session.commit()
    return jobs


def test_a_new_worker_loads_the_snapshot_and_follows_the_changes_since(partnership, builds):
    jobs = _network(partnership)
    built = services.network(partnership.id)
    assert builds == [partnership.id]

    services.forget_networks()  # as a worker process started later: nothing kept in memory
    loaded = services.network(partnership.id)
    assert builds == [partnership.id] and loaded is not built
    assert loaded.job_ids.tolist() == built.job_ids.tolist()
    assert loaded.model.analysed(0) == built.model.analysed(0)

    jobs[1].title = "Pakkerimedarbejder"
    jobs[2].active = False
    db.session.commit()
    services.forget_networks()
    followed = services.network(partnership.id)
    assert builds == [partnership.id]  # the snapshot, brought up to date row by row
    assert followed.offered_row(jobs[2].id) is None and followed.offered == 2
    assert "pakkerimedarbejd" in followed.model.analysed(followed.offered_row(jobs[1].id)).terms


def test_a_snapshot_not_signed_with_this_services_key_is_built_again(app, partnership, builds, tmp_path):
    _network(partnership)
    services.network(partnership.id)
    app.config["SECRET_KEY"] = "another-secret"
    services.forget_networks()
    services.network(partnership.id)
    assert builds == [partnership.id, partnership.id]

    (snapshot,) = (tmp_path / "snapshots").glob("network-*.snapshot")
    snapshot.write_bytes(snapshot.read_bytes()[:-10])  # damaged
    services.forget_networks()
    services.network(partnership.id)
    assert len(builds) == 3


def test_a_snapshot_older_than_a_change_that_cannot_be_followed_is_not_used(partnership, builds):
    _network(partnership)
    services.network(partnership.id)
    with db.engine.begin() as connection:  # a bulk import's Core insert names no rows
        revisions.bump(connection, partnership.id, network=True)
    services.forget_networks()
    services.network(partnership.id)
    assert builds == [partnership.id, partnership.id]


def test_the_store_keeps_one_value_per_key(app, tmp_path):
    store = SnapshotStore("test")
    store.save(("db", 1, "x"), 7, {"rows": [1, 2, 3]})
    assert store.load(("db", 1, "x")) == (7, {"rows": [1, 2, 3]})
    assert store.load(("db", 2, "x")) is None
    store.save(("db", 1, "x"), 8, {"rows": [1]})
    assert store.load(("db", 1, "x")) == (8, {"rows": [1]})
    files = sorted(p.name for p in (tmp_path / "snapshots").iterdir() if not p.name.endswith(".lock"))
    assert len(files) == 1 and (tmp_path / "snapshots" / files[0]).stat().st_mode & 0o077 == 0


def test_a_snapshot_made_by_other_code_is_neither_read_nor_kept(app, tmp_path):
    old_code, new_code = tmp_path / "old.py", tmp_path / "new.py"
    old_code.write_text("WEIGHT = 1\n")
    new_code.write_text("WEIGHT = 2\n")
    SnapshotStore("test", code=[old_code]).save(("db", 1), 1, "made by the old release")
    new = SnapshotStore("test", code=[new_code])
    assert new.load(("db", 1)) is None
    new.save(("db", 1), 2, "made by the new one")
    assert new.load(("db", 1)) == (2, "made by the new one")
    assert [p.name.split("-")[1] for p in (tmp_path / "snapshots").glob("test-*.snapshot")] == [new.version]


def test_a_new_worker_loads_the_search_index_from_its_snapshot(partnership, calls):
    from placement.network import services as network_services

    _network(partnership)
    built = network_services.search_index(partnership.id)
    network_services._partnership_indexes.clear()  # as a worker process started later
    builds = calls(network_services, "build_search_index")
    loaded = network_services.search_index(partnership.id)
    assert builds == [] and loaded is not built
    assert loaded.search("kvægbrug") == built.search("kvægbrug") != []
