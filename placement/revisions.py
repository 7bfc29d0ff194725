"""Per-partnership revision counters: cheap keys for caches of what is computed from a partnership's records.

``partnerships.data_revision`` moves whenever any record of the partnership that a figure, list or index may
read changes; ``partnerships.network_revision`` only when its company network (companies, mentors, job
functions, and the occupations they name) does. A cache keyed by a partnership's revision therefore never serves
what was computed before a change: the counter moves in the writing transaction itself, so once the change is
visible to another request, so is the new revision (whatever worker process or host serves it).

How the counters move:

* **ORM changes** are collected after each flush (``session.new``/``dirty``/``deleted``): each changed record's
  partnership is its ``audit_partnership_id`` or ``partnership_id``, else it is found through its foreign keys
  (a follow-up → its internship → the partnership). A record whose partnership cannot be found (an occupation,
  shared by all) moves every partnership's counters. Records that no cache reads (sessions, tokens, links,
  e-mails, the audit log …: ``IGNORED_TABLES``) move nothing; of a user, only the name counts (the results name
  consultants).
* **Bulk statements through the session** (``session.execute(update(Model)…)``, ``delete``, ``insert``) on a
  table that is not ignored move every partnership's counters (they are rare: erasure, imports).
* **Core inserts on the session's connection** (a bulk import, the "suggestions shown" entries the funnel counts)
  call ``bump`` themselves, or ``stamp`` for rows of the network (``rows_written`` picks: a bulk import's rows are
  stamped up to ``STAMP_LIMIT``).

The counters are written at the very end of the transaction (``before_commit``, one UPDATE), so the partnership
row is locked only for the moment of the commit; a transaction changing the partnership's own record takes the
audit log's lock before the row's, as every other writer does. A rolled-back transaction moves nothing.

**Following the network row by row.** A company, mentor or job function changed through the ORM is stamped, in the
same transaction, with the network revision it moved to (``network_revision`` on its row). Because the partnership's
row is locked from that UPDATE to the commit, revisions are handed out in commit order: once a revision is visible,
so is every row stamped with it or an earlier one. ``network_changes`` reads which rows changed after a revision a
cache was built at, and ``Incremental`` keeps one value per partnership that is updated from those rows instead of
rebuilt. Rows written with Core are stamped so too when the writer names them (``stamp``). A change that cannot be
followed so (a deleted row, an occupation or lexicon entry, a bulk statement, a Core write calling ``bump``, an
import of more than ``STAMP_LIMIT`` rows) sets ``network_reset_revision``: what was built before it is built again.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import gc
import threading
from collections import OrderedDict
from collections.abc import Callable, Collection, Hashable, Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

from flask import has_app_context, has_request_context
from sqlalchemy import (
    CompoundSelect,
    Connection,
    Integer,
    Table,
    bindparam,
    event,
    func,
    inspect,
    literal,
    select,
    union_all,
    update,
)
from sqlalchemy.orm import ORMExecuteState, Session
from sqlalchemy.orm.exc import UnmappedColumnError

from placement.audit import chain
from placement.auth.models import Partnership
from placement.extensions import db
from placement.snapshots import SnapshotStore

T = TypeVar("T")

#: Tables whose rows no cached figure, list or index reads: changing them moves no revision.
IGNORED_TABLES = frozenset({
    "user_sessions", "recovery_codes", "api_tokens", "account_links", "calendar_feeds", "mentor_links",
    "outbox_messages", "import_jobs", "audit_events", "audit_subjects", "privacy_requests",
})
#: Tables whose rows make up the company network (and the search index): they move ``network_revision`` too.
NETWORK_TABLES = frozenset({"companies", "mentors", "job_functions", "occupations", "isco_groups", "lexicon_entries"})
#: Of these tables only a change to the named columns counts (a user's login writes ``totp_last_counter``).
COUNTED_COLUMNS = {"users": frozenset({"name", "partnership_id"})}

#: Network tables whose rows are stamped with the revision that changed them (``network_changes``).
STAMPED_TABLES = ("companies", "mentors", "job_functions")

#: Rows written without the ORM (``rows_written``) that are followed row by row, at most; beyond, building the
#: network's caches again costs less than updating them row by row (a few seconds at 50,000 job functions).
STAMP_LIMIT = 1_000

#: Keys in ``Session.info``: {partnership id or None (all): whether the network moves too}; {partnership id:
#: {stamped table: row ids}}; {partnership id or None: the network change cannot be followed row by row}.
_PENDING = "placement.revisions.pending"
_ROWS = "placement.revisions.rows"
_RESETS = "placement.revisions.resets"
#: Foreign keys followed first when a record has no partnership of its own.
_PREFERRED_PARENTS = ("participants", "agreements", "companies", "job_functions", "mentors")
_MAX_DEPTH = 4


def bump(target: Session | Connection, partnership_id: int | None, *, network: bool = False) -> None:
    """Move the partnership's revision (None: every partnership's) when ``target``'s transaction commits.

    For writes that bypass the ORM's unit of work, e.g. ``insert_many`` on ``db.session.connection()``: a
    connection of the request's session defers to the session's commit; any other connection moves the counters
    at once (its transaction then holds the partnership's row until it ends). A network change noted so cannot be
    followed row by row: caches of the network are built again (``stamp`` names the rows, so that they can be).
    """
    session = _session_of(target)
    if session is None:
        target.execute(_moves(network=network).where(*_only(partnership_id)))
        if network:
            target.execute(_reset().where(*_only(partnership_id)))
        return
    _note(session, partnership_id, network=network)
    if network:
        session.info.setdefault(_RESETS, set()).add(partnership_id)


def stamp(target: Session | Connection, partnership_id: int, table_name: str, ids: Iterable[int]) -> None:
    """Move the partnership's revisions for rows of a stamped table (``STAMPED_TABLES``) that were inserted or updated
    without the ORM (e.g. ``insert_many`` on the session's connection), and stamp them as an ORM change is stamped.

    Like ``bump``, on the session's connection (or the session) at its commit, on any other connection at once; unlike
    it, caches of the network then follow these rows row by row (``network_changes`` names them) instead of being
    built again. The rows must be the partnership's (a mentor or job function through its company).
    """
    if table_name not in STAMPED_TABLES:
        raise ValueError(f"{table_name!r} is not stamped with network revisions")
    ids = set(ids)
    if not ids:
        return
    session = _session_of(target)
    if session is None:
        target.execute(_moves(network=True).where(*_only(partnership_id)))
        _stamp(target, {partnership_id: {table_name: ids}})
        return
    _note(session, partnership_id, network=True)
    rows = session.info.setdefault(_ROWS, {}).setdefault(partnership_id, {})
    rows.setdefault(table_name, set()).update(ids)


def rows_written(target: Session | Connection, partnership_id: int | None, table_name: str,
                 ids: Collection[int]) -> None:
    """Move the revisions for rows of a table written without the ORM (a bulk import), as cheaply for the caches as
    can be: up to ``STAMP_LIMIT`` rows of a stamped table are ``stamp``ed (followed row by row); more, or rows of
    another network table, ``bump`` the network (built again), and then on PostgreSQL the planner's statistics of a
    stamped table are brought up to date in the same transaction, as autovacuum would do a minute later: at once,
    since the rows are written, and so before the transaction takes the audit chain's lock and the partnership's
    row (which would hold every other audited write while ANALYZE samples the table).
    """
    if not ids:
        return
    if table_name in STAMPED_TABLES and partnership_id is not None and len(ids) <= STAMP_LIMIT:
        stamp(target, partnership_id, table_name, ids)
        return
    bump(target, partnership_id, network=table_name in NETWORK_TABLES)
    if table_name in STAMPED_TABLES:
        _analyze(target if isinstance(target, Connection) else target.connection(), {table_name})


def _session_of(target: Session | Connection) -> Session | None:
    """The session a write is noted in: ``target`` itself, the request's session whose connection it is, or None."""
    if not isinstance(target, Connection):
        return target
    return db.session() if has_app_context() and db.session.connection() is target else None


def _analyze(connection: Connection, table_names: Iterable[str]) -> None:
    """Let PostgreSQL's planner know a bulk-filled table's rows at once (ANALYZE runs in a transaction and sees its
    own rows; without statistics, right after a bulk import, the planner guesses and may scan whole tables)."""
    if connection.dialect.name == "postgresql":
        quote = connection.dialect.identifier_preparer.quote
        connection.exec_driver_sql(f"ANALYZE {', '.join(quote(name) for name in sorted(table_names))}")


def _note(session: Session, partnership_id: int | None, *, network: bool) -> None:
    pending = session.info.setdefault(_PENDING, {})
    pending[partnership_id] = pending.get(partnership_id, False) or network


def _table_of(obj) -> Table | None:
    table = inspect(obj).mapper.local_table
    return table if isinstance(table, Table) else None


def _counts(session: Session, obj, table: Table, action: str) -> bool:
    if table.name in IGNORED_TABLES:
        return False
    if action != "update":
        return True
    # A changed collection counts (a young person's chosen occupations live in an association table).
    if not session.is_modified(obj):
        return False
    columns = COUNTED_COLUMNS.get(table.name)
    if columns is None:
        return True
    state = inspect(obj)
    return any(state.attrs[key].history.has_changes() for key in columns)


def _parent_partnership(connection: Connection, table: Table, values: dict, depth: int = 0) -> int | None:
    """Find a row's partnership through its foreign keys (not through users: an actor is not an owner)."""
    if "partnership_id" in table.c and values.get("partnership_id") is not None:
        return values["partnership_id"]
    if depth >= _MAX_DEPTH:
        return None
    keys = [fk for fk in table.foreign_keys if fk.column.table.name not in ("users", table.name)]
    rank = {name: i for i, name in enumerate(_PREFERRED_PARENTS)}
    for fk in sorted(keys, key=lambda fk: rank.get(fk.column.table.name, len(rank))):
        value = values.get(fk.parent.key)
        if value is None:
            continue
        parent = fk.column.table
        links = [column for column in parent.c if column.foreign_keys or column.key == "partnership_id"]
        if not links:
            continue  # e.g. an occupation: shared by every partnership
        row = connection.execute(select(*links).where(fk.column == value)).mappings().first()
        if row is not None:
            found = _parent_partnership(connection, parent, dict(row), depth + 1)
            if found is not None:
                return found
    return None


def _partnership_of(session: Session, obj, table: Table) -> int | None:
    if hasattr(obj, "audit_partnership_id"):
        found = obj.audit_partnership_id
        if found is not None:
            return found
    state = inspect(obj)
    values = {}
    for column in table.columns:
        try:
            key = state.mapper.get_property_by_column(column).key
        except UnmappedColumnError:
            continue
        if key in state.dict:
            values[column.key] = state.dict[key]
    return _parent_partnership(session.connection(), table, values)


@event.listens_for(Session, "before_flush")
def _lock_in_order(session: Session, _context, _instances) -> None:
    """Before a partnership's own row is changed, take the audit log's lock (PostgreSQL), as every audited write
    does before its revision moves at commit: both locks are always taken in the same order, so two transactions
    cannot each hold one and wait for the other."""
    if any(isinstance(obj, Partnership) for obj in (*session.dirty, *session.deleted)):
        connection = session.connection()
        if connection.dialect.name == "postgresql":
            connection.execute(select(func.pg_advisory_xact_lock(chain.ADVISORY_LOCK_KEY)))


@event.listens_for(Session, "after_flush")
def _collect(session: Session, _context) -> None:
    """Note the partnerships whose records this flush changed; ``_write`` moves their revisions at commit."""
    for action, objects in (("create", session.new), ("update", session.dirty), ("delete", session.deleted)):
        for obj in objects:
            table = _table_of(obj)
            if table is None or not _counts(session, obj, table, action):
                continue
            partnership_id = _partnership_of(session, obj, table)
            if table.name in STAMPED_TABLES and action != "delete" and partnership_id is not None:
                _note(session, partnership_id, network=True)
                rows = session.info.setdefault(_ROWS, {}).setdefault(partnership_id, {})
                rows.setdefault(table.name, set()).add(obj.id)
            else:
                bump(session, partnership_id, network=table.name in NETWORK_TABLES)


@event.listens_for(Session, "do_orm_execute")
def _collect_bulk(state: ORMExecuteState) -> None:
    """A bulk UPDATE, DELETE or INSERT through the session: its rows' partnerships are unknown, so all move."""
    if state.is_select or not (state.is_update or state.is_delete or state.is_insert):
        return
    table = getattr(state.statement, "table", None)
    name = getattr(table, "name", None)
    if name is None or name in IGNORED_TABLES:
        return
    bump(state.session, None, network=name in NETWORK_TABLES)


def _moves(*, data: bool = True, network: bool = False):
    table = Partnership.__table__
    values = {"updated_at": table.c.updated_at}  # a revision is no change of the partnership's own record
    if data:
        values["data_revision"] = table.c.data_revision + 1
    if network:
        values["network_revision"] = table.c.network_revision + 1
    return update(table).values(**values)


def _reset():
    table = Partnership.__table__
    return update(table).values(updated_at=table.c.updated_at, network_reset_revision=table.c.network_revision)


def _only(partnership_id: int | None) -> tuple:
    return () if partnership_id is None else (Partnership.__table__.c.id == partnership_id,)


@event.listens_for(Session, "before_commit")
def _write(session: Session) -> None:
    """Move the revisions noted in this transaction, as its last statement before COMMIT."""
    session.flush()  # the commit's own flush comes after this hook: collect its changes first
    pending = session.info.pop(_PENDING, None)
    rows = session.info.pop(_ROWS, {})
    resets = session.info.pop(_RESETS, set())
    if not pending:
        return
    connection = session.connection()
    ids = Partnership.__table__.c.id
    if None in pending:  # every partnership moves
        everyone_network = pending.pop(None)
        connection.execute(_moves(network=everyone_network))
        network_only = sorted(key for key, network in pending.items() if network)
        if network_only and not everyone_network:
            connection.execute(_moves(data=False, network=True).where(ids.in_(network_only)))
    else:
        for network in (True, False):
            chosen = sorted(key for key, moves in pending.items() if moves is network)
            if chosen:
                connection.execute(_moves(network=network).where(ids.in_(chosen)))
    if None in resets:
        connection.execute(_reset())
    elif resets:
        connection.execute(_reset().where(ids.in_(sorted(resets))))
    if rows:
        _stamp(connection, rows)


def _stamp(connection: Connection, rows: dict[int, dict[str, set[int]]]) -> None:
    """Stamp the changed network rows with their partnership's new network revision (this transaction holds the
    partnership's row since it moved the revision, so the value read is this transaction's own)."""
    table = Partnership.__table__
    revision = dict(connection.execute(select(table.c.id, table.c.network_revision)
                                       .where(table.c.id.in_(sorted(rows)))).all())
    tables = db.metadata.tables
    for partnership_id, changed in rows.items():
        for name, row_ids in changed.items():
            stamped = tables[name]
            connection.execute(update(stamped).where(stamped.c.id.in_(sorted(row_ids)))
                               .values(network_revision=revision[partnership_id], updated_at=stamped.c.updated_at))


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction) -> None:
    """A rolled-back transaction moves nothing (a committed one has already moved its revisions)."""
    if transaction.parent is None:
        for info_key in (_PENDING, _ROWS, _RESETS):
            session.info.pop(info_key, None)


# Reading ---------------------------------------------------------------------------------------------------------

def key(partnership_ids: Iterable[int] | None, *, network: bool = False) -> tuple:
    """Return a cache key part for the partnerships' records (None: every partnership's): it changes whenever any
    of their records changes (``network``: whenever their company network does).

    In a request, a partnership already in the session is read as loaded: the request's session is new and the
    session loader loads the user's own partnership with its counters at its start, so its key costs no query. Each
    partnership counts with its creation time too, so a database emptied and refilled (the tests) or a restored id
    never meets a key computed before; the database URL keeps several apps in one process (the tests) apart.
    """
    table = Partnership.__table__
    column = table.c.network_revision if network else table.c.data_revision
    if partnership_ids is None:
        rows = db.session.execute(select(table.c.id, table.c.created_at, column).order_by(table.c.id)).all()
    elif not has_request_context():
        # Outside a request (a command, a job, a test) the session may be long-lived and hold a partnership loaded
        # before a change: read the counters afresh.
        ids = list(partnership_ids)
        found = {row[0]: tuple(row) for row in db.session.execute(
            select(table.c.id, table.c.created_at, column).where(table.c.id.in_(ids))).all()}
        rows = [found.get(ident, (ident, None, None)) for ident in ids]
    else:
        rows = []
        for ident in partnership_ids:
            partnership = db.session.get(Partnership, ident)
            if partnership is None:
                rows.append((ident, None, None))
            else:
                rows.append((ident, partnership.created_at,
                             partnership.network_revision if network else partnership.data_revision))
    return str(db.engine.url), tuple(tuple(row) for row in rows)


def _revisions_of(partnership_id: int) -> tuple[object, int, int] | None:
    """(created_at, network revision, network reset revision) of a partnership, as ``key`` reads them."""
    table = Partnership.__table__
    if has_request_context():
        partnership = db.session.get(Partnership, partnership_id)
        return None if partnership is None else (
            partnership.created_at, partnership.network_revision, partnership.network_reset_revision)
    row = db.session.execute(select(table.c.created_at, table.c.network_revision, table.c.network_reset_revision)
                             .where(table.c.id == partnership_id)).first()
    return None if row is None else tuple(row)


@dataclass(frozen=True, slots=True)
class NetworkChanges:
    """The partnership's companies, mentors and job functions changed after a network revision (their ids)."""

    company_ids: frozenset[int]
    mentor_ids: frozenset[int]
    job_function_ids: frozenset[int]

    def __len__(self) -> int:
        return len(self.company_ids) + len(self.mentor_ids) + len(self.job_function_ids)


#: Of each stamped table, ``network_changes`` reads at most this many changed rows (every partnership's) through the
#: stamps' index first; when there are more, it asks for the partnership's changed rows directly. Small enough that
#: PostgreSQL without statistics still reads them through the index (at 1,000 it sorted a whole table of 50,000).
_LATEST_ROWS = 100


def network_changes(partnership_id: int, since: int) -> NetworkChanges | None:
    """The partnership's network rows changed after network revision ``since``, or None when a change since then
    cannot be followed row by row (build again).

    Read from the stamps' index (the rows changed after ``since``, newest last, each one's partnership through its
    company's primary key), which costs what changed whatever the planner knows: right after a bulk import
    PostgreSQL has no statistics yet and SQLite has none at all, and asked for the partnership's rows changed since,
    both went through every company of the partnership (tens of milliseconds at 100,000). Only when more than
    ``_LATEST_ROWS`` rows of a kind changed since (other partnerships' included: each counts its own revisions) is
    the partnership's network searched for them. So a partnership whose counter lags far behind another's (a busy
    one stamped many rows with numbers above it) always takes that second query: with statistics (PostgreSQL after
    an import's ANALYZE or autovacuum) it costs under a millisecond too; on SQLite tens of milliseconds at 100,000
    companies.
    """
    revisions = _revisions_of(partnership_id)
    if revisions is None or revisions[2] > since:
        return None
    latest, exact = _change_queries()
    found = db.session.execute(latest, {"since": since}).all()
    counts = {"c": 0, "m": 0, "j": 0}
    for kind, _ident, _partnership in found:
        counts[kind] += 1
    if max(counts.values()) > _LATEST_ROWS:
        found = db.session.execute(exact, {"since": since, "partnership_id": partnership_id}).all()
    ids: dict[str, set[int]] = {"c": set(), "m": set(), "j": set()}
    for kind, ident, owner in found:
        if owner == partnership_id:
            ids[kind].add(ident)
    return NetworkChanges(frozenset(ids["c"]), frozenset(ids["m"]), frozenset(ids["j"]))


@functools.cache
def _change_queries() -> tuple[CompoundSelect, CompoundSelect]:
    """The queries of ``network_changes`` (built once: building them cost more than running them), both giving
    (kind, id, partnership id) of rows changed after ``:since``.

    The first reads up to ``_LATEST_ROWS`` + 1 rows of each stamped table, in any partnership: an ordered, limited
    scan of each ``network_revision`` index (the one plan it allows), and for each mentor and job function its
    company looked up by primary key (a scalar subquery, which no planner makes into a join). The second reads the
    rows of ``:partnership_id``, by whatever plan the planner picks (with statistics a good one).
    """
    from placement.network.models import Company, JobFunction, Mentor  # the network's models import this module

    since = bindparam("since", type_=Integer)
    # The limit written into the statement: a prepared statement's generic plan would guess at a parameter's.
    limit = literal(_LATEST_ROWS + 1, literal_execute=True)

    def latest(*columns):
        model = columns[0].class_
        return select(*columns).where(model.network_revision > since).order_by(model.network_revision).limit(
            limit).subquery()

    companies = latest(Company.id, Company.partnership_id)
    parts = [select(literal("c"), companies.c.id, companies.c.partnership_id)]
    for kind, model in (("m", Mentor), ("j", JobFunction)):
        rows = latest(model.id, model.company_id)
        owner = select(Company.partnership_id).where(Company.id == rows.c.company_id).scalar_subquery()
        parts.append(select(literal(kind), rows.c.id, owner))

    own = Company.partnership_id == bindparam("partnership_id", type_=Integer)
    exact = union_all(
        select(literal("c"), Company.id, Company.partnership_id).where(own, Company.network_revision > since),
        select(literal("m"), Mentor.id, Company.partnership_id).join(Mentor.company)
        .where(own, Mentor.network_revision > since),
        select(literal("j"), JobFunction.id, Company.partnership_id).join(JobFunction.company)
        .where(own, JobFunction.network_revision > since),
    )
    return union_all(*parts), exact


def _give_back_memory() -> None:
    """Return the memory a build or a load left free to the operating system (glibc keeps it otherwise, and a worker
    would look as large as its peak)."""
    gc.collect()  # what the build loaded (ORM objects refer to each other) is freed now, not at some later collection
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to do
        ctypes.CDLL("libc.so.6").malloc_trim(0)


class Incremental(Generic[T]):
    """One value per partnership computed from its company network, kept up to date row by row.

    ``get`` returns the kept value while the partnership's network revision stands; when it moved, the value is
    ``update``d with the rows changed since (``network_changes``), or built again when they cannot be followed or
    nothing is kept. ``update`` must return a new value and leave the old one as it was (other threads may be
    reading it). Keyed like ``key``: the database URL and the partnership's creation time keep apart what must not
    meet. With a ``store`` (``placement.snapshots``), a worker with nothing kept starts from the stored snapshot, and
    what it builds is stored for the next; processes building the same partnership at once build it once.
    """

    def __init__(self, size: int, store: SnapshotStore | None = None) -> None:
        self.size = size
        self.store = store
        self._values: OrderedDict[Hashable, tuple[int, T]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, partnership_id: int, build: Callable[[], T], update: Callable[[T, NetworkChanges], T]) -> T:
        revisions = _revisions_of(partnership_id)
        if revisions is None:
            return build()
        created_at, revision, _reset_revision = revisions
        key = (str(db.engine.url), partnership_id, created_at)
        with self._lock:
            kept = self._values.get(key)
            if kept is not None:
                self._values.move_to_end(key)
        loaded = kept is None and self.store is not None
        if loaded:
            kept = self.store.load(key)
        value = self._current(partnership_id, revision, kept, update)
        if value is None:
            loaded = True
            if self.store is None:
                value = build()
            else:
                with self.store.building(key):  # another process may have built it meanwhile: use that
                    value = self._current(partnership_id, revision, self.store.load(key), update)
                    if value is None:
                        value = build()
                        self.store.save(key, revision, value)
        if loaded:
            _give_back_memory()
        with self._lock:
            current = self._values.get(key)
            if current is None or current[0] < revision:
                self._values[key] = (revision, value)
                self._values.move_to_end(key)
            while len(self._values) > self.size:
                self._values.popitem(last=False)
        return value

    @staticmethod
    def _current(partnership_id: int, revision: int, kept: tuple[int, T] | None,
                 update: Callable[[T, NetworkChanges], T]) -> T | None:
        """``kept`` as of ``revision`` (updated row by row), or None when it has to be built."""
        if kept is None:
            return None
        if kept[0] >= revision:  # as of now, or of a change this request began before
            return kept[1]
        changes = network_changes(partnership_id, kept[0])
        return None if changes is None else update(kept[1], changes)

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


class Cache(Generic[T]):
    """What a worker process computed for a revision key, least recently used first out.

    A value is only ever looked up by the key it was computed for, so a key with a newer revision simply misses;
    the old entries age out, or, with a ``slot`` (e.g. the partnership), are replaced at once by the slot's newest
    value. Two requests missing at once both compute (the later one's value is kept).
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._values: OrderedDict[Hashable, tuple[Hashable, T]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], T], *, slot: Hashable | None = None) -> T:
        """Return the value kept for ``key``, computing and keeping it when there is none."""
        place = key if slot is None else ("slot", slot)
        with self._lock:
            kept = self._values.get(place)
            if kept is not None and kept[0] == key:
                self._values.move_to_end(place)
                return kept[1]
        value = compute()
        with self._lock:
            self._values[place] = (key, value)
            self._values.move_to_end(place)
            while len(self._values) > self.size:
                self._values.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
