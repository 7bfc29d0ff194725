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
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

TEXT_WEIGHT = 0.9
WORD_CUTOFF = 75.0
PARTIAL_WEIGHT = 0.95
TITLE_CUTOFF = 85.0
PREFIX_ONLY_LEN = 2
# Padding stops rapidfuzz's partial_ratio from scoring a short word edge ("kken" of "butikken") as a
# near-complete match for a longer token ("kokken"); NUL never survives normalise().
_PAD = "\0" * 4

_FOLD = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "ä": "ae", "ö": "oe", "ü": "ue", "é": "e"})
_NON_ALNUM = re.compile(r"[\W_]+")


def normalise(text: str) -> str:
    """Casefold, fold Danish/German letters and accents to ASCII, and collapse non-alphanumerics to spaces."""
    folded = unicodedata.normalize("NFC", text).casefold().translate(_FOLD)
    stripped = "".join(c for c in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(c))
    return _NON_ALNUM.sub(" ", stripped).strip()


#: A CVR number as a user may type it, once normalised: 8 digits, "dk" before them, spaces between.
_IDENTIFIER = re.compile(r"(?:dk)?(\d{8})")


def identifier(text: str) -> str | None:
    """Return the 8 digits of a CVR number written in ``text`` (already normalised), or None."""
    match = _IDENTIFIER.fullmatch(text.replace(" ", ""))
    return match.group(1) if match else None


@dataclass(frozen=True, slots=True)
class SearchDocument:
    """A searchable item: ``title`` is displayed, ``text`` is extra searchable text, ``context`` is shown beside
    the title (e.g. a job function's company), ``identifiers`` are matched exactly only (a CVR number)."""

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


class SearchIndex:
    """An in-memory fuzzy index over SearchDocuments with a word-level inverted index."""

    def __init__(self, documents: Iterable[SearchDocument]) -> None:
        """Normalise every document and build the vocabulary and posting lists."""
        self.documents: tuple[SearchDocument, ...] = tuple(documents)
        self._titles = [normalise(d.title) for d in self.documents]
        self._texts = [normalise(d.text) for d in self.documents]
        title_posts: dict[str, set[int]] = defaultdict(set)
        text_posts: dict[str, set[int]] = defaultdict(set)
        for i, (title, text) in enumerate(zip(self._titles, self._texts, strict=True)):
            for word in title.split():
                title_posts[word].add(i)
            for word in text.split():
                text_posts[word].add(i)
        self._title_posts = {w: tuple(ids) for w, ids in title_posts.items()}
        self._text_posts = {w: tuple(ids - title_posts.get(w, set())) for w, ids in text_posts.items()}
        self._vocab = sorted(self._title_posts.keys() | self._text_posts.keys())
        self._by_len = sorted(self._vocab, key=len)
        self._lengths = [len(w) for w in self._by_len]
        self._padded = [f"{_PAD}{w}{_PAD}" for w in self._by_len]
        identified: dict[str, list[int]] = defaultdict(list)
        for i, document in enumerate(self.documents):
            for value in document.identifiers:
                identified[value].append(i)
        self._identified = {value: tuple(ids) for value, ids in identified.items()}

    def __len__(self) -> int:
        """Return the number of indexed documents."""
        return len(self.documents)

    def _word_scores(self, token: str) -> dict[str, float]:
        """Return vocabulary words matching token with their 0-100 similarity (only those >= WORD_CUTOFF)."""
        if token.isdigit():  # a number (a postcode, a house number) is the same number or another one
            return {token: 100.0} if token in self._title_posts or token in self._text_posts else {}
        if len(token) <= PREFIX_ONLY_LEN:
            start = bisect_left(self._vocab, token)
            matches: dict[str, float] = {}
            for word in self._vocab[start:]:
                if not word.startswith(token):
                    break
                matches[word] = 100.0 if word == token else 100.0 * PARTIAL_WEIGHT
            return matches
        split = bisect_left(self._lengths, len(token))
        scores = {
            word: score
            for word, score, _ in process.extract(
                token, self._by_len[:split], scorer=fuzz.ratio, score_cutoff=WORD_CUTOFF, limit=None
            )
        }
        for _, score, j in process.extract(
            token, self._padded[split:], scorer=fuzz.partial_ratio, score_cutoff=WORD_CUTOFF, limit=None
        ):
            word = self._by_len[split + j]
            scores[word] = 100.0 if word == token else max(fuzz.ratio(token, word), score * PARTIAL_WEIGHT)
        return scores

    def _token_doc_scores(self, token: str) -> dict[int, float]:
        """Return each matching document's best score for one query token."""
        exact = identifier(token)
        if exact is not None:
            return dict.fromkeys(self._identified.get(exact, ()), 100.0)
        best: dict[int, float] = {}
        for word, score in self._word_scores(token).items():
            for posts, weight in ((self._title_posts, 1.0), (self._text_posts, TEXT_WEIGHT)):
                weighted = score * weight
                for i in posts.get(word, ()):
                    if weighted > best.get(i, 0.0):
                        best[i] = weighted
        return best

    def search(self, query: str, limit: int = 20, min_score: float = 60) -> list[SearchHit]:
        """Return up to ``limit`` hits scoring at least ``min_score``, best first, ties by kind, title, id."""
        norm = normalise(query)
        if not norm or limit <= 0:
            return []
        exact = identifier(norm)
        tokens = [exact] if exact is not None else norm.split()  # "DK 1234 5678": one identifier, not four numbers
        if norm.replace(" ", "").isdigit():
            norm = ""  # numbers only: no fuzzy comparison with whole titles either
        per_token = [self._token_doc_scores(t) for t in tokens]
        scores: dict[int, float] = defaultdict(float)
        for best in per_token:
            for i, score in best.items():
                scores[i] += score / len(tokens)
        if len(norm) > PREFIX_ONLY_LEN:
            for _, score, i in process.extract(
                norm, self._titles, scorer=fuzz.ratio, score_cutoff=max(min_score, TITLE_CUTOFF), limit=None
            ):
                scores[i] = max(scores[i], score)
        docs, titles = self.documents, self._titles
        ranked = sorted(
            ((round(score, 2), i) for i, score in scores.items() if round(score, 2) >= min_score),
            key=lambda si: (-si[0], docs[si[1]].kind, titles[si[1]], docs[si[1]].title, docs[si[1]].id),
        )
        return [SearchHit(docs[i].kind, docs[i].id, docs[i].title, score, docs[i].context)
                for score, i in ranked[:limit]]


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
    print(f"build: {1000 * (time.perf_counter() - started):.1f} ms, vocabulary {len(index._vocab)} words")
    for q in ["hansen maskinstation", "lanbrug", "groen gaard", "køkken", "ha", "skjern tømrer aps"]:
        started = time.perf_counter()
        for _ in range(20):
            hits = index.search(q)
        print(f"{q!r}: {1000 * (time.perf_counter() - started) / 20:.2f} ms, {len(hits)} hits")
