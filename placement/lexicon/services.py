"""A partnership's own lexicon entries: their checks against the ESCO data, their changes, and the lexicon the
partnership's matching uses (``lexicon_for``).

An entry follows the rules of the project's ``lexicon.csv`` (``placement.matching.lexicon``): one word or phrase
with at least one Danish word to match, and at least one occupation or ISCO group. Here, besides, every occupation
must be an ESCO occupation of the service (its Danish preferred label; the label is stored as ESCO spells it) and
every ISCO group a group of the service (``isco_groups``) or of one of its occupations. Two entries of a
partnership may not have the same words after the analysis ("hest" and "heste"); an entry with the words of one
of the project's adds its occupations and groups to that one.

No request access and no commit: the views commit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from placement.extensions import db
from placement.lexicon.models import LABEL_SEPARATOR, LexiconEntry
from placement.matching import danish
from placement.matching.lexicon import Lexicon, default_lexicon
from placement.matching.lexicon import LexiconEntry as Entry
from placement.occupations import services as occupation_services
from placement.occupations.models import IscoGroup, Occupation

_ISCO = re.compile(r"\d{2,4}")
_LABEL_BREAK = re.compile(r"[|\r\n]+")
_CODE_BREAK = re.compile(r"[\s,;|]+")


def key(words: str) -> frozenset[str]:
    """The words as the matching compares them: two entries with the same key are the same entry."""
    return frozenset(danish.stems(words))


def clean_words(value: str | None) -> str:
    """The words with their spaces tidied ("  på   landet " → "på landet")."""
    return " ".join((value or "").split())


def clean_labels(value: str | None) -> str:
    """Occupation labels written one per line or with ``|`` between, tidied and joined with ``|`` (as stored)."""
    labels = (" ".join(part.split()) for part in _LABEL_BREAK.split(value or ""))
    return LABEL_SEPARATOR.join(dict.fromkeys(label for label in labels if label))


def clean_codes(value: str | None) -> str:
    """ISCO codes separated by spaces, commas or ``|``, joined with a space (as stored)."""
    return " ".join(dict.fromkeys(code for code in _CODE_BREAK.split(value or "") if code))


# Checks ----------------------------------------------------------------------------------------------------------

def words_problem(words: str) -> str | None:
    """Why ``words`` cannot be an entry (one word or phrase with a Danish word to match), or None."""
    if not words:
        return _("Write the word or phrase.")
    if len(danish.phrases(words)) > 1:
        return _("“%(words)s” is more than one word or phrase: commas and words like “og” and “eller” separate them "
                 "in what young people write. Make an entry for each.", words=words)
    if not danish.stems(words):
        return _("“%(words)s” has no Danish word to match. Write a word such as “heste” (numbers and signs are left "
                 "out).", words=words)
    return None


def same_words(entries: Iterable[LexiconEntry], words: str, entry: LexiconEntry | None = None) \
        -> LexiconEntry | None:
    """Another of ``entries`` than ``entry`` with the same words after the analysis (``key``), if any."""
    wanted = key(words)
    return next((other for other in entries if other is not entry and key(other.words) == wanted), None)


@dataclass(frozen=True, slots=True)
class Checked:
    """Labels or codes as ESCO spells them, and a message for each that is not in the service's ESCO data."""

    values: tuple[str, ...]
    problems: tuple[str, ...]


def check_occupations(labels: Iterable[str]) -> Checked:
    """Find each label among the ESCO occupations' preferred labels (exactly, else regardless of case)."""
    labels = list(labels)
    if not labels:
        return Checked((), ())
    lowered = {label.lower() for label in labels}
    found = db.session.scalars(select(Occupation.label).where(
        or_(Occupation.label.in_(labels), func.lower(Occupation.label).in_(lowered)))).all()
    by_lower: dict[str, str] = {}
    for label in found:
        by_lower.setdefault(label.lower(), label)
    values, problems = [], []
    for label in labels:
        spelled = label if label in found else by_lower.get(label.lower())
        if spelled is not None:
            values.append(spelled)
        else:
            problems.append(_unknown_occupation(label))
    return Checked(tuple(dict.fromkeys(values)), tuple(problems))


def _unknown_occupation(label: str) -> str:
    if db.session.scalar(select(Occupation.id).limit(1)) is None:
        return _("The occupation “%(label)s” cannot be checked: the ESCO occupations are not imported into the "
                 "service yet. Ask an administrator.", label=label)
    near = occupation_services.suggest(label, limit=1)
    if near:
        return _("The occupation “%(label)s” is not in ESCO. Write the Danish title as ESCO has it, for example "
                 "“%(suggestion)s”.", label=label, suggestion=near[0]["label"])
    return _("The occupation “%(label)s” is not in ESCO. Write the Danish title as ESCO has it.", label=label)


def check_isco_groups(codes: Iterable[str]) -> Checked:
    """Check that each code has 2–4 digits and names an ISCO group of the service or of one of its occupations."""
    codes = list(codes)
    problems = [_("The ISCO group “%(code)s” is not a code of 2 to 4 digits.", code=code)
                for code in codes if not _ISCO.fullmatch(code)]
    wellformed = [code for code in codes if _ISCO.fullmatch(code)]
    known = set(db.session.scalars(select(IscoGroup.code).where(IscoGroup.code.in_(wellformed)))) if wellformed \
        else set()
    missing = [code for code in wellformed if code not in known]
    if missing:
        groups = db.session.scalars(select(Occupation.isco_group).distinct().where(
            or_(*(Occupation.isco_group.startswith(code) for code in missing)))).all()
        known.update(code for code in missing if any(group.startswith(code) for group in groups))
    problems += [_("The ISCO group “%(code)s” is not an ISCO-08 group in the service.", code=code)
                 for code in wellformed if code not in known]
    return Checked(tuple(codes), tuple(problems))


# Changes ---------------------------------------------------------------------------------------------------------

def partnership_entries(partnership_id: int) -> list[LexiconEntry]:
    """The partnership's own entries, by their words."""
    entries = db.session.scalars(select(LexiconEntry).where(LexiconEntry.partnership_id == partnership_id)).all()
    return sorted(entries, key=lambda entry: (entry.words.casefold(), entry.id))


def apply_entry(entry: LexiconEntry, values: dict) -> None:
    """Set an entry's words, occupations and ISCO groups from a checked form's values."""
    entry.words = values["words"]
    entry.occupations = values["occupations"]
    entry.isco_groups = values["isco_groups"]


def create_entry(partnership_id: int, values: dict) -> LexiconEntry:
    """Add an entry to the partnership's lexicon."""
    entry = LexiconEntry(partnership_id=partnership_id)
    apply_entry(entry, values)
    db.session.add(entry)
    db.session.flush()
    return entry


def delete_entry(entry: LexiconEntry) -> None:
    """Take an entry out of the partnership's lexicon (the audit log keeps what it was)."""
    db.session.delete(entry)
    db.session.flush()


# The partnership's lexicon ---------------------------------------------------------------------------------------

def lexicon_for(partnership_id: int) -> Lexicon:
    """The lexicon of the partnership's matching: the project's entries with the partnership's own added.

    One query. The entries were checked when they were saved; the ESCO import never deletes an occupation (a label
    ESCO has renamed since then resolves to no occupation, and the list page marks it: ``unknown_labels``).
    """
    rows = db.session.execute(select(LexiconEntry.words, LexiconEntry.occupations, LexiconEntry.isco_groups)
                              .where(LexiconEntry.partnership_id == partnership_id)
                              .order_by(LexiconEntry.id)).all()
    if not rows:
        return default_lexicon()
    return default_lexicon().merged(
        Entry(words, tuple(label for label in occupations.split(LABEL_SEPARATOR) if label), tuple(codes.split()))
        for words, occupations, codes in rows)


def project_keys() -> frozenset[frozenset[str]]:
    """The keys of the project's entries (an own entry with one of them adds to the project's entry)."""
    return frozenset(key(entry.words) for entry in default_lexicon())


def unknown_labels(entries: Iterable[LexiconEntry]) -> set[str]:
    """The entries' occupation labels that are no longer an ESCO occupation's (ESCO renamed it since)."""
    labels = {label for entry in entries for label in entry.occupation_labels}
    if not labels:
        return set()
    return labels - set(db.session.scalars(select(Occupation.label).where(Occupation.label.in_(labels))))
