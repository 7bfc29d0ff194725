"""Danish words for interest matching: fold, tokenise, drop stop words, stem, split compounds.

* **Folding** lower-cases (``casefold``) and drops accents the way Danish spelling does: "é" → "e", "ü" → "u",
  but æ, ø and å stay letters of their own (so "hav" never meets "høv"); "ä" and "ö", the Swedish and German
  spellings of æ and ø, become æ and ø.
* **Tokens** are runs of letters; a hyphen splits ("it-supporter" → "it", "supporter").
* **Stop words**: the Snowball Danish list plus the small words of how people put an interest ("jeg kan godt lide
  ..."). A stop word is kept when it is the phrase's only word ("have" alone is a garden, not a verb).
* **Stems**: the Snowball Danish stemmer applied twice, so that inflections reach one stem ("køkkenet" →
  "køkken" → "køk" like "køkken" → "køk"; "hestene" → "hest").
* **Compounds** ("staldmedhjælper" = "stald" + "medhjælper", "landbrugsmedhjælper" = "landbrug" + s +
  "medhjælper") are split only against a vocabulary of known stems, every part at least ``MIN_PART`` letters and
  none a stop word, with Danish linking letters (s, e) allowed between parts. So "dekan" never contains "kan"
  (two letters are left over) and "medhjælper" never contains "hjælper" ("med" is a stop word).

Pure Python (``snowballstemmer``); no Flask or ORM.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Callable, Iterable
from functools import lru_cache

import snowballstemmer

#: Shortest part a compound is split into ("bil" in "bilmekaniker", "dyr" in "dyrlæge").
MIN_PART = 3
#: Shortest word that is tried as a compound (two parts of ``MIN_PART``).
MIN_COMPOUND = 2 * MIN_PART
#: Letters Danish puts between the parts of a compound ("landbrug-s-medhjælper", "dyr-e-passer").
LINKING_LETTERS = ("s", "e")
#: How deep a compound part is split again ("landbrugsmedhjælper" → "landbrug" → "land" + "brug").
MAX_SPLIT_DEPTH = 3

def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Snowball's Danish stop words (snowballstem.org, danish/stop.txt).
SNOWBALL_STOP_WORDS = _word_set(
    """og i jeg det at en den til er som på de med han af for ikke der var mig sig men et har om vi min havde ham
    hun nu over da fra du ud sin dem os op man hans hvor eller hvad skal selv her alle vil blev kunne ind når være
    dog noget ville jo deres efter ned skulle denne end dette mit også under have dig anden hende mine alt meget
    sit sine vor mod disse hvis din nogle hos blive mange ad bliver hendes været thi jer sådan"""
)
#: How people phrase an interest; words that say nothing about which work ("jeg kan godt lide at arbejde med").
INTEREST_STOP_WORDS = _word_set(
    """godt gerne lide lidt kan synes syntes elsker elske kunne rigtig rigtigt særligt særlig især interesse
    interesser interesseret interesserer glad gode god bedst arbejde arbejder arbejdet job jobbet ting tingene
    noget nogen ting lave laver ønsker ønske drømmer drøm prøve vil ville også meget mest sammen omkring ja nej
    men både eller andre andet anden sjovt sjov fedt"""
)
STOP_WORDS = SNOWBALL_STOP_WORDS | INTEREST_STOP_WORDS
#: Last parts of Danish job titles, known even when no document has them as a word of their own, so that
#: "staldmedhjælper" splits into "stald" + "medhjælper" in a network without the ESCO catalogue.
COMMON_HEADS = _word_set(
    """medhjælper medarbejder arbejder assistent hjælper passer pasning mand kone dame fører mester svend lærling
    elev tekniker montør operatør sælger handler plejer pleje vejleder værksted gård stald butik køkken lager
    rengøring service ekspedient chauffør mekaniker smed maler pakker sorterer"""
)

_FOLD = {"ä": "æ", "ö": "ø"}
_KEEP = frozenset("æøå")
_TOKEN = re.compile(r"[^\W\d_]+")
#: Where one interest ends and the next begins: commas, "og", "eller", "samt", line breaks, slashes, ...
_PHRASE_BREAK = re.compile(r"[,;.:!?/()\n\r\t+&]+|\s(?:og|eller|samt)\s")


class _FoldTable(dict):
    """``str.translate`` table folding one character at a time, filled as characters are met."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        if char in _KEEP:
            folded = char
        elif char in _FOLD:
            folded = _FOLD[char]
        else:
            folded = "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))
        self[code] = folded
        return folded


_FOLD_TABLE = _FoldTable()


def fold(text: str) -> str:
    """Case-fold and drop accents, keeping æ, ø and å (see the module docstring)."""
    text = (text or "").casefold()
    if text.isascii():
        return text
    return unicodedata.normalize("NFC", text).translate(_FOLD_TABLE)


#: Words written one way in ESCO and another in everyday Danish.
VARIANTS = {"ikt": "it"}


def words(text: str) -> list[str]:
    """The folded words of ``text``, in order (stop words included; ``VARIANTS`` replaced)."""
    found = _TOKEN.findall(fold(text))
    return [VARIANTS.get(w, w) for w in found] if any(w in VARIANTS for w in found) else found


def phrases(text: str) -> list[str]:
    """Split an interest text into its interests: "dyr, heste og biler" → ["dyr", "heste", "biler"]."""
    folded = " " + fold(text).replace("\n", ", ") + " "
    return [p.strip() for p in _PHRASE_BREAK.split(folded) if p and p.strip()]


_stemmer = snowballstemmer.stemmer("danish")
#: The generated stemmer keeps its state in the object while it works on a word.
_stemmer_lock = threading.Lock()


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The Danish Snowball stem of a folded word, applied twice (see the module docstring)."""
    with _stemmer_lock:
        once = _stemmer.stemWord(word)
        return _stemmer.stemWord(once) if once != word else once


def content_words(tokens: list[str]) -> list[str]:
    """Drop stop words, unless nothing else is left of a one-word phrase."""
    kept = [w for w in tokens if w not in STOP_WORDS and len(w) > 1]
    if kept:
        return kept
    return [w for w in tokens if len(w) > 1] if len(tokens) == 1 else []


def stems(text: str) -> list[str]:
    """The stems of the content words of ``text`` (one phrase), in order."""
    return [stem(w) for w in content_words(words(text))]


class CompoundSplitter:
    """Split folded words into known parts (see the module docstring); results are cached per word.

    ``known(stem)`` says whether a stem belongs to the vocabulary (job documents, occupation labels, lexicon).
    """

    def __init__(self, known: Callable[[str], bool]) -> None:
        self._known = known
        self._cache: dict[str, tuple[str, ...]] = {}

    def parts(self, word: str) -> tuple[str, ...]:
        """The stems of the parts of ``word`` and of their parts (outermost first); () when it does not split."""
        cached = self._cache.get(word)
        if cached is None:
            cached = self._cache[word] = tuple(dict.fromkeys(self._parts(word, MAX_SPLIT_DEPTH)))
        return cached

    def top_parts(self, word: str) -> tuple[str, ...]:
        """The stems of the two parts ``word`` splits into first ("kvægbrug" → "kvæg", "brug"); () if it does not."""
        if len(word) < MIN_COMPOUND:
            return ()
        split = self._split(word)
        if split is None:
            return ()
        return tuple(s for s in (self._part_stem(part) for part in split) if s is not None)

    def _part_stem(self, part: str) -> str | None:
        if len(part) < MIN_PART or part in STOP_WORDS:
            return None
        # A Snowball stem is a prefix of its word: no known prefix, no known stem (and no stemming to find out).
        if not any(self._known(part[:k]) for k in range(MIN_PART, len(part) + 1)):
            return None
        s = stem(part)
        if len(s) >= MIN_PART and self._known(s):
            return s
        return part if self._known(part) else None

    def _split(self, word: str) -> tuple[str, str] | None:
        """The best two-part split: the longest known head (last part) whose modifier is known too."""
        for i in range(MIN_PART, len(word) - MIN_PART + 1):
            head = self._part_stem(word[i:])
            if head is None:
                continue
            modifier = word[:i]
            candidates = [modifier]
            if modifier[-1] in LINKING_LETTERS and len(modifier) > MIN_PART:
                candidates.append(modifier[:-1])
            for candidate in candidates:
                left = self._part_stem(candidate)
                if left is not None:
                    return candidate, word[i:]
        return None

    def _parts(self, word: str, depth: int) -> list[str]:
        if depth == 0 or len(word) < MIN_COMPOUND:
            return []
        split = self._split(word)
        if split is None:
            return []
        out = []
        for part in split:
            part_stem = self._part_stem(part)
            if part_stem is not None:
                out.append(part_stem)
            out.extend(self._parts(part, depth - 1))
        return out


def unique(items: Iterable[str]) -> list[str]:
    """``items`` without repeats, in first-seen order."""
    return list(dict.fromkeys(items))
