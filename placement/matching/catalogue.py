"""ESCO occupations as the interest matching sees them: a key, a Danish label, synonyms and an ISCO-08 group.

``OccupationCatalogue.resolve`` finds the occupations a phrase names: every preferred or alternative label whose
content stems all occur in the phrase ("jeg vil være tømrer" names "tømrer"; "lagermedhjælper" names the
occupation that has it as a synonym). Of the labels found, one whose stems are all inside another found label is
dropped ("dyrepasser i zoo" wins over "dyrepasser" when the phrase has both).

Pure: the service builds the catalogue from its ``occupations`` table (``from_rows``), the benchmarks and tests
from the ESCO CSV files (``from_esco_csv``).
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from placement.matching.danish import fold, stems

LABEL, SYNONYM = "label", "synonym"


def label_key(label: str) -> str:
    """The key of an occupation known only by its label (no ESCO URI)."""
    return "label:" + " ".join(fold(label).split())


@dataclass(frozen=True, slots=True)
class CatalogueOccupation:
    """One occupation. ``key`` is its ESCO URI (or ``label_key(label)``); ``isco`` its 4-digit ISCO-08 group."""

    key: str
    label: str
    isco: str = ""
    synonyms: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Named:
    """An occupation a phrase names, through which of its names."""

    occupation: CatalogueOccupation
    name: str
    kind: str  # LABEL or SYNONYM


class OccupationCatalogue:
    """Occupations by key and by label, and an index of their names' stems for ``resolve``."""

    def __init__(self, occupations: Iterable[CatalogueOccupation]) -> None:
        self.by_key: dict[str, CatalogueOccupation] = {}
        self._by_label: dict[str, list[CatalogueOccupation]] = {}
        # stems (interned: each string kept once), occupation no., name, kind: tuples take a quarter of
        # the memory of frozensets, and there are ten thousand names.
        self._names: list[tuple[tuple[str, ...], int, str, str]] = []
        self._occupations: list[CatalogueOccupation] = []
        self._by_stem: dict[str, list[int]] = {}
        for occupation in occupations:
            if occupation.key in self.by_key:
                continue
            number = len(self._occupations)
            self._occupations.append(occupation)
            self.by_key[occupation.key] = occupation
            self._by_label.setdefault(label_key(occupation.label), []).append(occupation)
            seen: set[frozenset[str]] = set()
            for name, kind in ((occupation.label, LABEL), *((s, SYNONYM) for s in occupation.synonyms)):
                name_stems = frozenset(stems(name))
                if not name_stems or name_stems in seen:
                    continue
                seen.add(name_stems)
                shared = tuple(sys.intern(s) for s in sorted(name_stems))
                for s in shared:
                    self._by_stem.setdefault(s, []).append(len(self._names))
                self._names.append((shared, number, name, kind))

    @property
    def vocabulary(self):
        """Every stem of a name (a set-like view)."""
        return self._by_stem.keys()

    def __len__(self) -> int:
        return len(self._occupations)

    def __iter__(self):
        return iter(self._occupations)

    def by_label(self, label: str) -> list[CatalogueOccupation]:
        """Occupations whose preferred label is ``label`` (case and accents folded)."""
        return list(self._by_label.get(label_key(label), ()))

    def resolve(self, phrase_stems: Iterable[str]) -> list[Named]:
        """Occupations named by a phrase's stems (see the module docstring), preferred labels first."""
        have = frozenset(phrase_stems)
        found: dict[int, tuple[frozenset[str], int, str, str]] = {}
        for s in have:
            for name_no in self._by_stem.get(s, ()):
                if name_no not in found:
                    name_stems, number, name, kind = self._names[name_no]
                    if have.issuperset(name_stems):
                        found[name_no] = (frozenset(name_stems), number, name, kind)
        kept = [n for n in found.values() if not any(n[0] < other[0] for other in found.values())]
        best: dict[int, Named] = {}
        for _stems, number, name, kind in sorted(kept, key=lambda n: (n[3] != LABEL, -len(n[0]), n[2])):
            best.setdefault(number, Named(self._occupations[number], name, kind))
        return list(best.values())

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[str, str, str, str]]) -> OccupationCatalogue:
        """Build from ``(uri, isco_group, label, alt_labels)`` rows (alt labels one per line, as ESCO has them)."""
        return cls(
            CatalogueOccupation(uri or label_key(label), label, isco or "",
                                tuple(s.strip() for s in (alt_labels or "").splitlines() if s.strip()))
            for uri, isco, label, alt_labels in rows
        )

    @classmethod
    def from_esco_csv(cls, path: str | Path) -> OccupationCatalogue:
        """Build from an ESCO ``occupations_<lang>.csv`` download (columns read by name)."""
        with Path(path).open(encoding="utf-8-sig", newline="") as stream:
            rows = [(r["conceptUri"], r["iscoGroup"], r["preferredLabel"], r.get("altLabels") or "")
                    for r in csv.DictReader(stream)]
        return cls.from_rows(rows)
