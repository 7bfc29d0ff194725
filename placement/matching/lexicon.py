"""The everyday-words lexicon: what young people say ("dyr", "biler", "computere") → ESCO occupations / ISCO groups.

The project's lexicon is ``lexicon.csv`` next to this module, UTF-8, one entry per line::

    words,occupations,isco_groups
    heste,hestepasser|berider,5164

* ``words``: a word or phrase as people say it; matched after the same analysis as the interests (stems, stop
  words out), so "heste" also finds "hestene" and "hest", and a compound such as "hestepasning" through its parts;
* ``occupations``: ESCO preferred labels (Danish), separated by ``|``;
* ``isco_groups``: ISCO-08 (DISCO-08) codes of 2–4 digits, separated by spaces;

at least one of the two. Lines starting with ``#`` are comments. A later entry for the same words adds to an
earlier one. A partnership's own entries (later: edited by its coordinators) are merged with
``Lexicon.merged(...)``; ``tests/test_interests.py`` checks every entry of the project's file against the ESCO
data.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from placement.matching.danish import stems

DEFAULT_PATH = Path(__file__).with_name("lexicon.csv")
COLUMNS = ("words", "occupations", "isco_groups")
_ISCO = re.compile(r"\d{2,4}")


class LexiconError(ValueError):
    """A lexicon file has bad lines; ``errors`` lists ``(line, reason)``."""

    def __init__(self, errors: list[tuple[int, str]]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"line {line}: {reason}" for line, reason in errors[:5]))


@dataclass(frozen=True, slots=True)
class LexiconEntry:
    """One word or phrase and what it points to (ESCO preferred labels, ISCO groups)."""

    words: str
    occupations: tuple[str, ...] = ()
    isco_groups: tuple[str, ...] = ()

    @property
    def stems(self) -> frozenset[str]:
        return frozenset(stems(self.words))


class Lexicon:
    """Entries by the stems of their words; ``match`` finds the entries a phrase contains."""

    def __init__(self, entries: Iterable[LexiconEntry] = ()) -> None:
        merged: dict[frozenset[str], LexiconEntry] = {}
        for entry in entries:
            key = entry.stems
            if not key:
                continue
            old = merged.get(key)
            if old is not None:
                entry = LexiconEntry(old.words, tuple(dict.fromkeys(old.occupations + entry.occupations)),
                                     tuple(dict.fromkeys(old.isco_groups + entry.isco_groups)))
            merged[key] = entry
        self._entries = merged
        self._by_stem: dict[str, list[frozenset[str]]] = {}
        for key in merged:
            for s in key:
                self._by_stem.setdefault(s, []).append(key)
        self.vocabulary = frozenset(self._by_stem)

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self):
        return iter(self._entries.values())

    def match(self, phrase_stems: Iterable[str]) -> list[LexiconEntry]:
        """Entries whose stems all occur among ``phrase_stems``; an entry inside a longer match is left out."""
        have = frozenset(phrase_stems)
        found = {key for s in have for key in self._by_stem.get(s, ()) if key <= have}
        return [self._entries[key] for key in sorted(found, key=sorted)
                if not any(key < other for other in found)]

    def merged(self, *others: Lexicon | Iterable[LexiconEntry]) -> Lexicon:
        """This lexicon with the entries of ``others`` added (e.g. a partnership's own words)."""
        entries = list(self)
        for other in others:
            entries.extend(other)
        return Lexicon(entries)

    @classmethod
    def from_csv(cls, source: str | Path | io.TextIOBase) -> Lexicon:
        """Read a lexicon CSV (a path or a text stream); raise ``LexiconError`` naming every bad line."""
        if isinstance(source, str | Path):
            with Path(source).open(encoding="utf-8-sig", newline="") as stream:
                return cls(read_entries(stream))
        return cls(read_entries(source))


def read_entries(stream: Iterable[str]) -> list[LexiconEntry]:
    """Parse lexicon CSV lines (see the module docstring) into entries."""
    reader = csv.reader(line for line in stream)
    entries, errors = [], []
    header_seen = False
    for record in reader:
        line = reader.line_num
        if not record or not "".join(record).strip() or record[0].lstrip().startswith("#"):
            continue
        if not header_seen:
            header_seen = True
            if tuple(c.strip() for c in record) != COLUMNS:
                errors.append((line, f"the header must be {','.join(COLUMNS)}"))
                break
            continue
        if len(record) > len(COLUMNS) and any(v.strip() for v in record[len(COLUMNS):]):
            errors.append((line, f"{len(record)} fields, expected {len(COLUMNS)} (quote a label with a comma)"))
            continue
        words, occupations, groups = [*record, "", ""][:3]
        occupation_list = tuple(o.strip() for o in occupations.split("|") if o.strip())
        group_list = tuple(groups.split())
        if not stems(words):
            errors.append((line, f"no word to match in {words!r}"))
        elif not occupation_list and not group_list:
            errors.append((line, f"{words!r} points to no occupation and no ISCO group"))
        elif bad := [g for g in group_list if not _ISCO.fullmatch(g)]:
            errors.append((line, f"ISCO group {bad[0]!r} is not 2–4 digits"))
        else:
            entries.append(LexiconEntry(words.strip(), occupation_list, group_list))
    if errors:
        raise LexiconError(errors)
    return entries


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    """The project's lexicon (``lexicon.csv``), read once per process."""
    return Lexicon.from_csv(DEFAULT_PATH)
