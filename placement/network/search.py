"""Typo- and spelling-tolerant fuzzy search over the company network (pure: no Flask or ORM imports).

Scoring, per document (0-100):

* every query token is compared with every distinct word of the index once (rapidfuzz, in C):
  tokens of 1-2 characters only match word prefixes; longer tokens use ``fuzz.ratio`` against
  shorter words and ``fuzz.partial_ratio`` against longer ones, so a token can match inside a
  Danish compound ("medhjælper" in "Landbrugsmedhjælper"). Word scores below ``WORD_CUTOFF`` count as 0,
  and anything short of an exact word match is scaled by ``PARTIAL_WEIGHT`` so "Grøn Gård" beats
  "Gårdbutikken Grønt" for "grøn gård";
* a token's score for a document is its best title-word score, or its best text-word score times
  ``TEXT_WEIGHT``; the token scores are averaged over the query tokens;
* the document score is the larger of that average and ``fuzz.ratio`` of the whole query against the
  whole title (which catches missing or extra spaces, e.g. "groengaard").

Identifiers (a company's CVR number: 8 digits, optionally written "DK" or with spaces) are matched exactly, never
fuzzily: a query that is one finds the documents carrying it (score 100) and nothing else, and a token that is
one within a longer query counts only where it is exact. A near-miss CVR number is another company. Other numbers
(a postcode) match only the same number.

How it stays fast with 100,000 companies (the scores are exactly those described above; only the work to find
them is less):

* "every distinct word" is compared by rapidfuzz only where the comparison can reach ``WORD_CUTOFF``: a word
  whose length rules it out, which lacks too many of the token's characters (a bit mask of the characters of
  every word), or, for ``partial_ratio``, holds too few of the token's pairs of nearby characters (an index of the
  words by pairs of adjacent characters), cannot, and is left out (``_Part.word_scores``); the whole query is
  compared likewise only with titles that can reach ``TITLE_CUTOFF``, each distinct title once;
* the words' documents are arrays, the scores of all documents are summed in numpy, and only the documents that
  can be among the first ``limit`` are put in order.

An index never changes once built. ``updated`` returns a new index with some documents replaced, added or removed
(keyed by kind and id): it shares the arrays of the old one, marks the replaced documents as gone and keeps the
new ones in a small second part, which is folded into a whole new index once it holds ``MAX_APART`` documents.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

TEXT_WEIGHT = 0.9
WORD_CUTOFF = 75.0
PARTIAL_WEIGHT = 0.95
TITLE_CUTOFF = 85.0
PREFIX_ONLY_LEN = 2
# Padding stops rapidfuzz's partial_ratio from scoring a short word edge ("kken" of "butikken") as a
# near-complete match for a longer token ("kokken"); NUL never survives normalise().
_PAD = "\0" * 4
#: How many query tokens' matching words an index keeps.
KEPT_TOKENS = 512
#: How many documents ``updated`` keeps apart from those an index was built with before it builds a whole new one.
MAX_APART = 500

_FOLDS = (("æ", "ae"), ("ø", "oe"), ("å", "aa"), ("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("é", "e"))
_NON_ALNUM = re.compile(r"[\W_]+")
#: ASCII letters and digits as they are, every other byte a space.
_ASCII_SPACES = bytes(c if c < 128 and chr(c).isalnum() else 32 for c in range(256))


def normalise(text: str) -> str:
    """Casefold, fold Danish/German letters and accents to ASCII, and collapse non-alphanumerics to spaces."""
    folded = unicodedata.normalize("NFC", text).casefold()
    if not folded.isascii():
        for letter, ascii_letters in _FOLDS:
            if letter in folded:
                folded = folded.replace(letter, ascii_letters)
        if not folded.isascii():
            folded = "".join(c for c in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(c))
            if not folded.isascii():
                return _NON_ALNUM.sub(" ", folded).strip()
    return b" ".join(folded.encode("ascii").translate(_ASCII_SPACES).split()).decode("ascii")


#: A CVR number as a user may type it, once normalised: 8 digits, "dk" before them, spaces between.
_IDENTIFIER = re.compile(r"(?:dk)?(\d{8})")


def identifier(text: str) -> str | None:
    """Return the 8 digits of a CVR number written in ``text`` (already normalised), or None."""
    match = _IDENTIFIER.fullmatch(text.replace(" ", ""))
    return match.group(1) if match else None


@dataclass(frozen=True, slots=True)
class SearchDocument:
    """A searchable item: ``title`` is displayed, ``text`` is extra searchable text, ``context`` is shown beside
    the title (e.g. a job function's company), ``identifiers`` are matched exactly only (a CVR number).

    An index reads each distinct line of the texts once: what many documents share (a company's name, an
    occupation's labels) is best put on a line of its own."""

    kind: str
    id: int
    title: str
    text: str
    context: str = ""
    identifiers: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SearchHit:
    """A ranked search result with a score from 0 to 100."""

    kind: str
    id: int
    title: str
    score: float
    context: str = ""


# Characters as symbols: a-z, 0-9, space, and one for any other character ------------------------------------

_SYMBOLS = "abcdefghijklmnopqrstuvwxyz0123456789 "
_OTHER = len(_SYMBOLS)
_SYMBOL_OF = np.full(129, _OTHER, dtype=np.int64)  # by code point; 128: any code point above ASCII
_SYMBOL_OF[[ord(c) for c in _SYMBOLS]] = np.arange(_OTHER)
_PAIRS = (_OTHER + 1) ** 2


def _symbols(text: str) -> np.ndarray:
    return _SYMBOL_OF[np.minimum(np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32), 128)]


def _masks(strings: Sequence[str]) -> np.ndarray:
    """Which symbols each (non-empty) string holds, one bit each."""
    if not strings:
        return np.zeros(0, dtype=np.uint64)
    starts = np.zeros(len(strings), dtype=np.int64)
    np.cumsum([len(s) for s in strings[:-1]], out=starts[1:])
    return np.bitwise_or.reduceat(np.left_shift(np.uint64(1), _symbols("".join(strings)).astype(np.uint64)), starts)


def _pairs(strings: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Which strings hold each pair of adjacent symbols: a compressed table (``_table``) by pair."""
    symbols = _symbols("".join(strings))
    owner = np.repeat(np.arange(len(strings), dtype=np.int64), [len(s) for s in strings])
    within = np.flatnonzero(owner[1:] == owner[:-1])
    keys = np.sort((symbols[within] * (_OTHER + 1) + symbols[within + 1]) * len(strings) + owner[within])
    keys = keys[np.flatnonzero(np.diff(keys, prepend=-1))]  # each pair once per string
    return _table(keys // max(1, len(strings)), (keys % max(1, len(strings))).astype(np.int32), _PAIRS)


def _unmatched(text: str, masks: np.ndarray) -> np.ndarray:
    """For each mask, how many characters of ``text`` its string lacks altogether (counted as often as ``text``
    holds them): at most ``len(text)`` minus their longest common subsequence."""
    missing = np.zeros(len(masks), dtype=np.int64)
    for symbol, count in Counter(_symbols(text).tolist()).items():
        missing += count * ((masks & np.uint64(1 << symbol)) == 0)
    return missing


def _lacking(text: str, masks: np.ndarray) -> np.ndarray:
    """For each mask, how many distinct characters of its string ``text`` lacks (a lower bound of how many of
    them the longest common subsequence leaves out)."""
    own = np.bitwise_or.reduce(np.left_shift(np.uint64(1), _symbols(text).astype(np.uint64))) if text else 0
    return np.bitwise_count(masks & ~np.uint64(own))


def _spans(ptr: np.ndarray, values: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The entries of the given rows of a compressed table (row r is ``values[ptr[r]:ptr[r + 1]]``), and for each
    entry its place in ``rows``."""
    counts = ptr[rows + 1] - ptr[rows]
    total = int(counts.sum())
    if not total:
        return np.zeros(0, dtype=values.dtype), np.zeros(0, dtype=np.int64)
    owner = np.repeat(np.arange(len(rows)), counts)
    offsets = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
    return values[ptr[rows][owner] + offsets], owner


def _table(rows: np.ndarray, values: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """A compressed table of ``size`` rows from (row, value) pairs: ``ptr`` and the values sorted by row."""
    order = np.argsort(rows, kind="stable")
    ptr = np.zeros(size + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=size), out=ptr[1:])
    return ptr, values[order]


def _python_rounded(scores: np.ndarray) -> np.ndarray:
    """``round(score, 2)`` of each score, exactly as Python rounds (numpy's rounding differs at a half)."""
    rounded = np.round(scores, 2)
    hundredths = scores * 100
    near_half = np.flatnonzero(np.abs(hundredths - np.floor(hundredths) - 0.5) < 1e-6)
    for k in near_half.tolist():
        rounded[k] = round(float(scores[k]), 2)
    return rounded


_NO_WORDS = np.zeros(0, dtype=np.int64)
_NO_SCORES = np.zeros(0, dtype=np.float64)


class _Part:
    """The documents of (a part of) an index, as arrays; never changed once built.

    The documents themselves are kept as columns (``document`` makes one again): a Python object per document would
    be one more for each of the worker's garbage collections to go through. Words are numbered shortest first;
    ``_title_docs`` and ``_text_docs`` (text words not in the same document's title) hold each word's documents,
    ``_title_doc`` each distinct normalised title's. ``order`` lists the documents in the order of ties (kind,
    normalised title, title, id) and ``rank`` gives each one's place in it.
    """

    def __init__(self, documents: Sequence[SearchDocument]) -> None:
        self.size = n = len(documents)
        normalised: dict[str, str] = {}  # titles and lines of texts, as normalised
        word_number: dict[str, int] = {}
        line_words: dict[str, frozenset[int]] = {}
        title_number: dict[str, int] = {}
        title_words: list[frozenset[int]] = []
        doc_titles: list[int] = []
        title_flat: list[int] = []
        text_flat: list[int] = []
        title_counts: list[int] = []
        text_counts: list[int] = []
        identified: list[tuple[str, int]] = []
        for i, document in enumerate(documents):
            title = normalised.get(document.title)
            if title is None:
                title = normalised[document.title] = normalise(document.title)
            number = title_number.get(title)
            if number is None:
                number = title_number[title] = len(title_number)
                title_words.append(frozenset(word_number.setdefault(w, len(word_number)) for w in title.split()))
            doc_titles.append(number)
            own = title_words[number]
            text: set[int] = set()
            for line in document.text.split("\n"):  # normalise(text).split() is its lines' words, one after another
                words = line_words.get(line)
                if words is None:
                    clean = normalised.get(line)
                    if clean is None:
                        clean = normalised[line] = normalise(line)
                    words = line_words[line] = frozenset(word_number.setdefault(w, len(word_number))
                                                         for w in clean.split())
                text |= words
            text -= own
            title_flat.extend(own)
            text_flat.extend(text)
            title_counts.append(len(own))
            text_counts.append(len(text))
            if document.identifiers:
                identified.extend((value, i) for value in document.identifiers)

        # Words shortest first, then alphabetically; and alphabetically (for prefixes and exact look-ups).
        alphabetical = sorted(word_number)
        self._words = sorted(alphabetical, key=len)
        number_of = {word: k for k, word in enumerate(self._words)}
        self._alpha_words = alphabetical
        self._alphabetical = np.array([number_of[w] for w in alphabetical], dtype=np.int64)
        self._lengths = [len(w) for w in self._words]
        self._word_lengths = np.array(self._lengths, dtype=np.int64)
        self._word_objects = np.array(self._words, dtype=object)
        self._padded = np.array([f"{_PAD}{w}{_PAD}" for w in self._words], dtype=object)
        self._word_masks = _masks(self._words)
        self._pair_ptr, self._pair_words = _pairs(self._words)
        renumber = np.array([number_of[w] for w in word_number], dtype=np.int64)
        positions = np.arange(n, dtype=np.int32)
        doc_title = np.array(doc_titles, dtype=np.int32)
        title_counts, text_counts = np.array(title_counts, dtype=np.int64), np.array(text_counts, dtype=np.int64)
        self._title_ptr, self._title_docs = _table(renumber[np.array(title_flat, dtype=np.int64)],
                                                   np.repeat(positions, title_counts), len(renumber))
        self._text_ptr, self._text_docs = _table(renumber[np.array(text_flat, dtype=np.int64)],
                                                 np.repeat(positions, text_counts), len(renumber))

        # Distinct normalised titles: their documents, lengths and masks.
        self._titles = titles = list(title_number)
        self._title_objects = np.array(titles, dtype=object)
        self._doc_title = doc_title
        self._doc_ptr, self._title_doc = _table(doc_title, positions, len(titles))
        self._title_lengths = np.array([len(t) for t in titles], dtype=np.int64)
        self._title_masks = np.zeros(len(titles), dtype=np.uint64)
        filled = np.flatnonzero(self._title_lengths)
        self._title_masks[filled] = _masks([titles[t] for t in filled.tolist()])

        # The documents' columns.
        self._kind_names = sorted({d.kind for d in documents})
        kind_rank = {kind: r for r, kind in enumerate(self._kind_names)}
        self._doc_kinds = kinds = np.array([kind_rank[d.kind] for d in documents], dtype=np.int64)
        self._ids = ids = np.array([d.id for d in documents], dtype=np.int64)
        self._raw_titles = np.fromiter((d.title for d in documents), dtype=object, count=n)
        self._texts = np.fromiter((d.text for d in documents), dtype=object, count=n)
        self._contexts = np.fromiter((d.context for d in documents), dtype=object, count=n)
        self._doc_identifiers = np.fromiter((d.identifiers for d in documents), dtype=object, count=n)

        # The order of ties.
        title_rank = np.empty(len(titles), dtype=np.int64)
        title_rank[sorted(range(len(titles)), key=titles.__getitem__)] = np.arange(len(titles))
        raw_rank = {title: r for r, title in enumerate(sorted({d.title for d in documents}))}
        self.order = np.lexsort((ids, np.array([raw_rank[d.title] for d in documents], dtype=np.int64),
                                 title_rank[doc_title], kinds))
        self.rank = np.empty(n, dtype=np.int64)
        self.rank[self.order] = np.arange(n)
        # Where each (kind, id) is: per kind, the ids in order and their positions.
        self._kinds = kind_rank
        by_kind_id = np.lexsort((ids, kinds))
        self._kind_ptr = np.searchsorted(kinds[by_kind_id], np.arange(len(kind_rank) + 1))
        self._sorted_ids, self._id_positions = ids[by_kind_id], by_kind_id

        self._matched: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        identified.sort()
        self._identifiers = [value for value, _ in identified]
        self._identified = np.array([i for _, i in identified], dtype=np.int64)

    def __len__(self) -> int:
        return self.size

    def document(self, position: int) -> SearchDocument:
        """The document at ``position``, made again from its columns."""
        return SearchDocument(self._kind_names[self._doc_kinds[position]], int(self._ids[position]),
                              self._raw_titles[position], self._texts[position], self._contexts[position],
                              self._doc_identifiers[position])

    def hits(self, positions: list[int], scores: list[float]) -> list[SearchHit]:
        """The hits of the documents at ``positions`` with their scores."""
        kinds, ids = self._doc_kinds[positions].tolist(), self._ids[positions].tolist()
        titles, contexts = self._raw_titles[positions].tolist(), self._contexts[positions].tolist()
        names = self._kind_names
        return [SearchHit(names[kind], ident, title, score, context)
                for kind, ident, title, score, context in zip(kinds, ids, titles, scores, contexts, strict=True)]

    def ids(self, positions: np.ndarray) -> np.ndarray:
        """The ids of the documents at ``positions``."""
        return self._ids[positions]

    def of_kind(self, kind: str) -> np.ndarray:
        """Which documents are of ``kind`` (a mask)."""
        return self._doc_kinds == self._kinds.get(kind, -1)

    def keys(self) -> list[tuple[str, int]]:
        """Each document's (kind, id)."""
        names = self._kind_names
        return [(names[kind], ident) for kind, ident in zip(self._doc_kinds.tolist(), self._ids.tolist(), strict=True)]

    def key(self, position: int) -> tuple:
        """The order of ties: kind, normalised title, title, id."""
        return (self._kind_names[self._doc_kinds[position]], self._titles[self._doc_title[position]],
                self._raw_titles[position], int(self._ids[position]))

    def positions(self, keys: Iterable[tuple[str, int]]) -> list[int]:
        """The positions of the documents with these (kind, id) keys (those not here are left out)."""
        found = []
        for kind, ident in keys:
            if kind in self._kinds:
                k = self._kinds[kind]
                ids = self._sorted_ids[self._kind_ptr[k]:self._kind_ptr[k + 1]]
                start, end = np.searchsorted(ids, ident, side="left"), np.searchsorted(ids, ident, side="right")
                found.extend(self._id_positions[self._kind_ptr[k] + start:self._kind_ptr[k] + end].tolist())
        return found

    def _find(self, word: str) -> int | None:
        at = bisect_left(self._alpha_words, word)
        if at < len(self._alpha_words) and self._alpha_words[at] == word:
            return int(self._alphabetical[at])
        return None

    def word_scores(self, token: str) -> tuple[np.ndarray, np.ndarray]:
        """The words matching ``token`` (their numbers) and their 0-100 similarity (only those >= WORD_CUTOFF);
        kept for the next queries with the token (a query typed letter by letter repeats its first words)."""
        found = self._matched.get(token)
        if found is None:
            if len(self._matched) >= KEPT_TOKENS:
                self._matched.clear()
            found = self._matched[token] = self._word_scores(token)
        return found

    def _word_scores(self, token: str) -> tuple[np.ndarray, np.ndarray]:
        if token.isdigit():  # a number (a postcode, a house number) is the same number or another one
            found = self._find(token)
            return (_NO_WORDS, _NO_SCORES) if found is None else (np.array([found]), np.array([100.0]))
        if len(token) <= PREFIX_ONLY_LEN:
            start = bisect_left(self._alpha_words, token)
            end = bisect_left(self._alpha_words, token + "\U0010ffff", start)
            scores = np.full(end - start, 100.0 * PARTIAL_WEIGHT)
            if start < end and self._alpha_words[start] == token:
                scores[0] = 100.0
            return self._alphabetical[start:end], scores
        n = len(token)
        split = bisect_left(self._lengths, n)
        # fuzz.ratio >= WORD_CUTOFF (75) against a shorter word of length m needs m >= 0.6 n and a common
        # subsequence of 0.375 (n + m) characters.
        low = bisect_left(self._lengths, 3 * n // 5)
        lengths, masks = self._word_lengths[low:split], self._word_masks[low:split]
        need = 0.375 * (n + lengths) - 1e-9
        shorter = low + np.flatnonzero((n - _unmatched(token, masks) >= need)
                                       & (lengths - _lacking(token, masks) >= need))
        ratios = process.cdist([token], self._word_objects[shorter].tolist(), scorer=fuzz.ratio,
                               score_cutoff=WORD_CUTOFF, dtype=np.float64)[0]
        matched = np.flatnonzero(ratios)
        ids, scores = [shorter[matched]], [ratios[matched]]
        longer = self._partial_candidates(token, split)
        partial = process.cdist([token], self._padded[longer].tolist(), scorer=fuzz.partial_ratio,
                                score_cutoff=WORD_CUTOFF, dtype=np.float64)[0]
        matched = np.flatnonzero(partial)
        if len(matched):
            words = self._word_objects[longer[matched]].tolist()
            whole = process.cdist([token], words, scorer=fuzz.ratio, dtype=np.float64)[0]
            score = np.maximum(whole, partial[matched] * PARTIAL_WEIGHT)
            score[[j for j, word in enumerate(words) if word == token]] = 100.0
            ids.append(longer[matched])
            scores.append(score)
        return np.concatenate(ids), np.concatenate(scores)

    def _partial_candidates(self, token: str, split: int) -> np.ndarray:
        """The words from ``split`` on (as long as the token or longer) against which ``fuzz.partial_ratio`` of the
        token can reach 75, padded as in ``word_scores``.

        partial_ratio is the best ``fuzz.ratio`` of the token (n characters) against a part of the padded word: of n
        characters, or of fewer at either end, which the padding keeps below 75 while n <= 18. Against n characters,
        75 needs a common subsequence of k = ceil(0.75 n) characters, so at most e = n - k of the token's characters
        are left out (the word lacks at most e of them altogether), and of the k - 1 pairs of consecutive matched
        characters at most e are apart in the word: at least 2 k - n - 1 places a of the token have a character b,
        a < b <= a + e + 1, such that t[a] t[b] are adjacent in the word. Longer tokens need a common subsequence of
        0.6 n characters at least.
        """
        n, size = len(token), len(self._words)
        if n > 18:
            return split + np.flatnonzero(_unmatched(token, self._word_masks[split:]) <= 0.4 * n + 1e-9)
        k = (3 * n + 3) // 4
        spared = n - k
        symbols = _symbols(token).tolist()
        found = np.zeros(size - split, dtype=np.int64)
        for a in range(n - 1):
            near = np.zeros(size - split, dtype=bool)
            for b in range(a + 1, min(n, a + spared + 2)):
                pair = symbols[a] * (_OTHER + 1) + symbols[b]
                words = self._pair_words[self._pair_ptr[pair]:self._pair_ptr[pair + 1]]
                near[words[np.searchsorted(words, split):] - split] = True
            found += near
        candidates = np.flatnonzero(found >= 2 * k - n - 1)
        return split + candidates[_unmatched(token, self._word_masks[split + candidates]) <= spared]

    def token_scores(self, token: str) -> np.ndarray:
        """Each document's best score for one query token (0: not matched)."""
        best = np.zeros(self.size)
        exact = identifier(token)
        if exact is not None:
            start = bisect_left(self._identifiers, exact)
            end = bisect_left(self._identifiers, exact + "\0", start)
            best[self._identified[start:end]] = 100.0
            return best
        ids, scores = self.word_scores(token)
        if len(ids):
            title_docs, title_of = _spans(self._title_ptr, self._title_docs, ids)
            text_docs, text_of = _spans(self._text_ptr, self._text_docs, ids)
            np.maximum.at(best, np.concatenate((title_docs, text_docs)),
                          np.concatenate((scores[title_of], scores[text_of] * TEXT_WEIGHT)))
        return best

    def title_scores(self, query: str, cutoff: float, scores: np.ndarray) -> None:
        """Raise each document's score to ``fuzz.ratio`` of the whole query against its title where that reaches
        ``cutoff``."""
        n, share = len(query), cutoff / 100
        # ratio >= c needs |n - m| <= (1 - c) (n + m), and a common subsequence of c (n + m) / 2 characters.
        lengths = self._title_lengths
        chosen = np.flatnonzero(np.abs(n - lengths) <= (1 - share) * (n + lengths) + 1e-9)
        lengths, masks = lengths[chosen], self._title_masks[chosen]
        need = share * (n + lengths) / 2 - 1e-9
        chosen = chosen[lengths - _lacking(query, masks) >= need]
        lengths, masks = self._title_lengths[chosen], self._title_masks[chosen]
        chosen = chosen[n - _unmatched(query, masks) >= share * (n + lengths) / 2 - 1e-9]
        ratios = process.cdist([query], self._title_objects[chosen].tolist(), scorer=fuzz.ratio, score_cutoff=cutoff,
                               dtype=np.float64)[0]
        matched = np.flatnonzero(ratios)
        if len(matched):
            docs, of = _spans(self._doc_ptr, self._title_doc, chosen[matched])
            np.maximum.at(scores, docs, ratios[matched][of])

    def scores(self, tokens: list[str], query: str, min_score: float) -> np.ndarray:
        """Every document's score (0: not matched): the tokens' average, raised by the whole query's title match."""
        total = np.zeros(self.size)
        for token in tokens:
            total += self.token_scores(token) / len(tokens)
        if len(query) > PREFIX_ONLY_LEN:
            self.title_scores(query, max(min_score, TITLE_CUTOFF), total)
        return total


class SearchIndex:
    """An in-memory fuzzy index over SearchDocuments with a word-level inverted index.

    Kept in two parts: the documents it was built with (``_base``, of which ``_gone`` marks those since replaced
    or removed) and those ``updated`` added since (``_apart``). The order of ties places the base's documents at
    1, 3, 5 … and each added one at 2 p, p the number of the base's documents before it; added documents at the
    same place are put in order when they meet.
    """

    def __init__(self, documents: Iterable[SearchDocument]) -> None:
        """Normalise every document and build the vocabulary and posting lists."""
        self._base = _Part(documents if isinstance(documents, Sequence) else tuple(documents))
        self._base_ties = 2 * self._base.rank + 1
        self._gone: np.ndarray | None = None
        self._apart = _EMPTY
        self._apart_ties = _NO_WORDS
        self._count = len(self._base)
        self._documents: tuple[SearchDocument, ...] | None = None

    @property
    def documents(self) -> tuple[SearchDocument, ...]:
        """The indexed documents."""
        if self._documents is None:
            kept = range(len(self._base)) if self._gone is None else np.flatnonzero(~self._gone).tolist()
            self._documents = (*map(self._base.document, kept), *map(self._apart.document, range(len(self._apart))))
        return self._documents

    def __len__(self) -> int:
        """Return the number of indexed documents."""
        return self._count

    def updated(self, removed: Iterable[tuple[str, int]], added: Iterable[SearchDocument]) -> SearchIndex:
        """Return a new index without the documents of the ``removed`` (kind, id) keys and with the ``added``
        documents (each replacing the document of its key, if any). This index stays as it is.

        Costs about as much as building an index of the documents added since the index was built; beyond
        ``MAX_APART`` of them, a whole new index is built.
        """
        added = tuple(added)
        keys = set(removed) | {(d.kind, d.id) for d in added}
        apart = self._apart
        kept = [j for j, key in enumerate(apart.keys()) if key not in keys]
        gone = np.zeros(len(self._base), dtype=bool) if self._gone is None else self._gone.copy()
        gone[self._base.positions(keys)] = True
        if len(kept) + len(added) > MAX_APART:  # a whole new index
            return SearchIndex([*map(self._base.document, np.flatnonzero(~gone).tolist()),
                                *map(apart.document, kept), *added])
        index = object.__new__(SearchIndex)
        index._base, index._base_ties, index._gone = self._base, self._base_ties, gone
        index._apart = _Part([*map(apart.document, kept), *added])
        order, key, start = self._base.order, self._base.key, len(kept)
        index._apart_ties = np.concatenate((self._apart_ties[kept], np.array(
            [2 * bisect_left(order, index._apart.key(j), key=key) for j in range(start, start + len(added))],
            dtype=np.int64)))
        index._count = len(self._base) - int(gone.sum()) + len(index._apart)
        index._documents = None
        return index

    def search(self, query: str, limit: int = 20, min_score: float = 60) -> list[SearchHit]:
        """Return up to ``limit`` hits scoring at least ``min_score``, best first, ties by kind, title, id."""
        places, scores = self._ranked(query, limit, min_score)
        size = len(self._base)
        if not len(self._apart):
            return self._base.hits(places, scores)
        hits = {}
        for part, chosen, offset in ((self._base, [k for k, place in enumerate(places) if place < size], 0),
                                     (self._apart, [k for k, place in enumerate(places) if place >= size], size)):
            hits.update(zip(chosen, part.hits([places[k] - offset for k in chosen], [scores[k] for k in chosen]),
                            strict=True))
        return [hits[k] for k in range(len(places))]

    def ids(self, query: str, kind: str, min_score: float = 60) -> list[int]:
        """Return the ids of every document of ``kind`` that ``search`` finds, in its order (no hits are made)."""
        places, _ = self._ranked(query, self._count, min_score, kind)
        places = np.array(places, dtype=np.int64)
        size = len(self._base)
        ids = np.empty(len(places), dtype=np.int64)
        in_base = places < size
        ids[in_base] = self._base.ids(places[in_base])
        ids[~in_base] = self._apart.ids(places[~in_base] - size)
        return ids.tolist()

    def _ranked(self, query: str, limit: int, min_score: float, kind: str | None = None
                ) -> tuple[list[int], list[float]]:
        """The places (the base's documents, then the added ones) and scores of the first ``limit`` documents
        (of ``kind`` only, if given) scoring at least ``min_score``, best first, ties by kind, title, id."""
        norm = normalise(query)
        if not norm or limit <= 0:
            return [], []
        exact = identifier(norm)
        tokens = [exact] if exact is not None else norm.split()  # "DK 1234 5678": one identifier, not four numbers
        if norm.replace(" ", "").isdigit():
            norm = ""  # numbers only: no fuzzy comparison with whole titles either
        scored, ties, places = [], [], []
        for offset, part, part_ties, gone in ((0, self._base, self._base_ties, self._gone),
                                              (len(self._base), self._apart, self._apart_ties, None)):
            if not len(part):
                continue
            scores = part.scores(tokens, norm, min_score)
            if gone is not None:
                scores[gone] = 0.0
            if kind is not None:
                scores[~part.of_kind(kind)] = 0.0
            found = np.flatnonzero((scores > 0) & (scores >= min_score - 0.01))
            rounded = _python_rounded(scores[found])
            shown = rounded >= min_score
            found = found[shown]
            scored.append(rounded[shown])
            ties.append(part_ties[found])
            places.append(found + offset)
        if not scored:
            return [], []
        scores, ties, places = np.concatenate(scored), np.concatenate(ties), np.concatenate(places)
        # One sort key: the score (in hundredths, best first), then the place in the order of ties.
        keys = (10_000 - np.rint(scores * 100).astype(np.int64)) << 40 | ties
        if len(keys) > limit:  # only those that can be among the first ``limit`` (with all their ties)
            within = np.flatnonzero(keys <= np.partition(keys, limit - 1)[limit - 1])
            scores, keys, places = scores[within], keys[within], places[within]
        order = np.argsort(keys, kind="stable")
        scores, keys, places = scores[order].tolist(), keys[order], places[order].tolist()
        size = len(self._base)
        for start in np.flatnonzero(keys[1:] == keys[:-1]).tolist():  # added documents at the same place
            end = start + 2
            while end < len(places) and keys[end] == keys[start]:
                end += 1
            places[start:end] = sorted(places[start:end], key=lambda place: self._apart.key(place - size))
        return places[:limit], scores[:limit]


_EMPTY = _Part(())


if __name__ == "__main__":  # pragma: no cover - manual timing check: python -m placement.network.search
    import random
    import time

    rng = random.Random(1)  # noqa: S311  # nosec B311
    stems = ["hansen", "nielsen", "skjern", "grøn", "gård", "æble", "maskin", "landbrug", "køkken", "vvs"]
    ends = ["station", "udlejning", "service", "huset", "haven", "medhjælper", "værksted", ""]
    sylls = ["ka", "lo", "ve", "ri", "sø", "an", "bu", "ter", "mel", "dal", "strup", "holm", "by"]
    docs = [
        SearchDocument(
            "company",
            n,
            " ".join(rng.choice(stems).title() + rng.choice(ends) for _ in range(rng.randint(1, 3))) + " ApS",
            " ".join("".join(rng.choices(sylls, k=rng.randint(2, 4))) for _ in range(6)),
        )
        for n in range(5000)
    ]
    started = time.perf_counter()
    index = SearchIndex(docs)
    print(f"build: {1000 * (time.perf_counter() - started):.1f} ms, vocabulary {len(index._base._words)} words")
    for q in ["hansen maskinstation", "lanbrug", "groen gaard", "køkken", "ha", "skjern tømrer aps"]:
        started = time.perf_counter()
        for _ in range(20):
            hits = index.search(q)
        print(f"{q!r}: {1000 * (time.perf_counter() - started) / 20:.2f} ms, {len(hits)} hits")
