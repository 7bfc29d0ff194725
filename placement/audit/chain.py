"""Tamper evidence for the audit log: every entry carries the SHA-256 of its content and of the entry before it.

Changing, deleting or reordering an entry breaks the chain at that entry, and ``flask --app placement audit verify``
names it. Nothing here imports Flask: the migration that chained the existing entries uses the same functions.
"""

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

#: The ``prev_hash`` of the first entry.
GENESIS = "0" * 64
#: The columns an entry's hash covers, besides ``prev_hash``; ``id`` is left out (the chain itself fixes the order).
HASHED_COLUMNS = ("at", "actor_id", "actor_label", "action", "entity", "entity_id", "partnership_id", "changes",
                  "purpose", "purpose_note", "fields", "records")
#: Key of the PostgreSQL transaction-level advisory lock held while an entry is chained and inserted.
ADVISORY_LOCK_KEY = 0x61756469  # "audi"


def plain_json(value):
    """Return ``value`` as it comes back from a JSON column (tuples become lists, dates text)."""
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


def _at(value) -> str:
    if isinstance(value, str):  # a raw SQLite value
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def canonical(entry: dict, prev_hash: str) -> bytes:
    """Serialise an entry's content and its predecessor's hash, the same way on every database."""
    content = {key: entry.get(key) for key in HASHED_COLUMNS}
    content["at"] = _at(content["at"])
    content["prev_hash"] = prev_hash
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode()


def entry_hash(entry: dict, prev_hash: str) -> str:
    return hashlib.sha256(canonical(entry, prev_hash)).hexdigest()


def link(rows: Iterable[dict], prev_hash: str) -> str:
    """Set ``prev_hash`` and ``hash`` on each row in order, starting after ``prev_hash``; return the last hash."""
    for row in rows:
        row["changes"] = plain_json(row.get("changes") or {})
        if row.get("records") is not None:
            row["records"] = plain_json(row["records"])
        row["prev_hash"] = prev_hash
        row["hash"] = prev_hash = entry_hash(row, prev_hash)
    return prev_hash


@dataclass(frozen=True)
class Break:
    """The first broken link: which entry, and what is wrong with it."""

    entry_id: int
    problem: str


def first_break(entries: Iterable[dict]) -> Iterator[Break | None]:
    """Walk entries in id order; yield None per sound entry, or a ``Break`` at the first broken link and stop."""
    prev_hash = GENESIS
    for entry in entries:
        if entry["prev_hash"] != prev_hash:
            yield Break(entry["id"], "its prev_hash does not match the hash of the entry before it "
                                     "(an entry before it was removed, inserted or reordered)")
            return
        if entry["hash"] != entry_hash(entry, prev_hash):
            yield Break(entry["id"], "its content does not match its hash (the entry was changed)")
            return
        prev_hash = entry["hash"]
        yield None
