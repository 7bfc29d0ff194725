"""How well a job function fits a young person's stated interests: occupations named, and words shared.

**The interests** (free text plus the labels of chosen occupations) are split into phrases ("dyr, heste og
biler" → three), analysed as Danish words (``placement.matching.danish``: stop words out, Snowball stems,
compounds split against the known vocabulary) and **resolved to occupations**:

* through ESCO's Danish preferred and alternative labels (``OccupationCatalogue.resolve``: every label whose
  stems all occur in the phrase), closeness 1 to that occupation;
* through the everyday-words lexicon (``placement.matching.lexicon``: "heste" → hestepasser, ISCO 9212), to its
  occupations (closeness 1) and ISCO groups (``LEXICON_GROUP`` to any occupation of the group);
* the ISCO groups of chosen occupations (``CHOSEN_GROUP``);
* a lexicon word found only as a part of a compound ("hestepasning" ∋ "heste") counts ``PART`` of it.

**The occupation score** of a job function is the best, over the occupations the interests resolve to, of the
closeness to its own occupation, or (when it has none) to the occupations its title names: the same occupation
1.0, otherwise by the leading ISCO-08 digits they share (``OCCUPATION_GRADES``): unit group (4) 0.8, minor group
(3) 0.6, sub-major group (2) 0.4, less 0.

**The word score** is the best phrase's weighted coverage: each word of a phrase weighs its inverse document
frequency (BM25's ``ln(1 + (N - df + 0.5) / (df + 0.5))`` over the job functions, so rare words count more);
a job function covers a word by its strongest occurrence: in the title or its occupation's label 1.0, a synonym
of its occupation 0.8, the tasks 0.6, times ``PART`` (0.8) when found as a part of a compound ("stald" in
"staldmedhjælper"). A word no job function has, but which names an occupation, still counts in the phrase's
weight (nothing covers it); a word nobody knows is left out. A phrase word that is itself unknown but splits
into known parts ("kvægbrug") is covered through its parts, at ``PART``.

**Similarity** = ``BEST_SHARE * max(occupation, words) + (1 - BEST_SHARE) * min(occupation, words)``: one
kind of evidence alone can reach 0.8, both together 1; no cap flattens the best matches, and equal totals in the
ranking are ordered by this value (``placement.matching.engine``).

**Updates**: the vocabulary and the IDF weights are fixed when the model is built; ``update_document`` analyses
one changed job function (new words get a vocabulary entry and the IDF of a word seen once) and keeps it aside
until more than ``COMPACT_AFTER`` are changed. ``updated`` makes a new model with some documents replaced and
others appended, sharing the document matrix with this one and leaving it as it was (requests may be reading it).

Pure: numpy, scipy and ``snowballstemmer``; no Flask or ORM. ``placement.matching.reference.interest_score``
computes the same score one pair at a time.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from placement.matching import danish
from placement.matching.catalogue import (
    LABEL,
    CatalogueOccupation,
    Named,
    OccupationCatalogue,
    label_key,
)
from placement.matching.lexicon import Lexicon, default_lexicon
from placement.matching.types import (
    OCCUPATION_LEVELS,
    InterestEvidence,
    OccupationEvidence,
    WordEvidence,
)

#: A match through a part of a compound counts this much of a match of the whole word.
PART = 0.8
#: Strength of a word by where the job function has it.
TITLE, OCCUPATION, SYNONYM, TASKS = "title", "occupation", "synonym", "tasks"
FIELD_WEIGHTS = {TITLE: 1.0, OCCUPATION: 1.0, SYNONYM: 0.8, TASKS: 0.6}
#: Closeness of a different occupation by the ISCO digits it shares (index); the same occupation is 1.
OCCUPATION_GRADES = (0.0, 0.0, 0.4, 0.6, 0.8)
SAME_OCCUPATION = 1.0
#: Closeness of an occupation in an ISCO group the lexicon names for a word.
LEXICON_GROUP = 0.9
#: Closeness of an occupation in the ISCO group of an occupation the young person chose.
CHOSEN_GROUP = 0.8
#: Share of the stronger of the two scores in the similarity (see the module docstring).
BEST_SHARE = 0.8
#: Occupations kept per job function (its own, or those its title names).
MAX_SLOTS = 3
ISCO_DIGITS = 4
#: Changed documents are kept aside and folded into the main matrix when there are more than this many.
COMPACT_AFTER = 1000

VIA_LABEL, VIA_SYNONYM, VIA_LEXICON, VIA_CHOSEN = "label", "synonym", "lexicon", "chosen"


@dataclass(frozen=True, slots=True)
class JobDocument:
    """The searchable text of one job function, and its occupation.

    ``occupation`` is the occupation's key (its ESCO URI) when known; without it the occupation is known by its
    label (the first of ``occupation_labels``). ``isco``: the occupation's 4-digit ISCO group ("" if none).
    """

    title: str
    tasks: str = ""
    occupation_labels: tuple[str, ...] = ()
    synonyms: tuple[str, ...] = ()
    isco: str = ""
    occupation: str = ""

    def text(self) -> str:
        """All the text of the document, folded."""
        return danish.fold(" ".join((self.title, self.tasks, *self.occupation_labels, *self.synonyms)))


@dataclass(frozen=True, slots=True)
class Resolved:
    """An occupation (``key`` set) or an ISCO group (``key`` "") an interest phrase resolved to.

    ``phrase``: the words that named it (an ESCO label or synonym, a lexicon entry's words; "" for a chosen group);
    ``isco``: the occupation's 4-digit group, or the group's code; ``full``: closeness to a job function of that
    very occupation / group; ``strength``: 1, or ``PART`` when found through a compound part.
    """

    phrase: str
    via: str
    key: str
    label: str
    isco: str
    full: float
    strength: float = 1.0


@dataclass(frozen=True, slots=True)
class QueryTerm:
    """A word of an interest phrase (``word`` as written) looked up as ``term`` with its share ``weight``."""

    word: str
    term: str
    weight: float


@dataclass(frozen=True, eq=False)
class InterestQuery:
    """A young person's interests, analysed: the phrases' weighted terms and the occupations they resolve to."""

    text: str
    phrases: tuple[tuple[QueryTerm, ...], ...]
    resolved: tuple[Resolved, ...]

    @property
    def empty(self) -> bool:
        return not self.phrases and not self.resolved


@dataclass(frozen=True, slots=True)
class AnalysedDocument:
    """One job function as the score sees it: term → strength, and its occupations as ``(key, isco, label,
    from_title)``."""

    terms: dict[str, float]
    occupations: tuple[tuple[str, str, str, bool], ...]


def closeness(item: Resolved, key: str, isco: str) -> float:
    """Closeness of a job function's occupation (``key``, ``isco``) to a resolved item (module docstring)."""
    if item.key and item.key == key:
        return item.full
    shared = 0
    for a, b in zip(item.isco, isco, strict=False):
        if a != b:
            break
        shared += 1
    if shared and not item.key and shared == len(item.isco):
        return item.full
    return OCCUPATION_GRADES[min(shared, ISCO_DIGITS)]


def combine(occupation, words):
    """The similarity of the two scores (scalars or arrays); see the module docstring."""
    return BEST_SHARE * np.maximum(occupation, words) + (1.0 - BEST_SHARE) * np.minimum(occupation, words)


def _isco_code(code: str) -> str:
    code = (code or "").strip()
    return code if code.isascii() and code.isdigit() and 1 <= len(code) <= ISCO_DIGITS else ""


@dataclass(frozen=True, eq=False)
class PeopleInterests:
    """Many young people's analysed interests, for ``InterestModel.similarity_to_people``.

    ``matrix``: one row per phrase (phrase × term weights), ``owner``: the person of each phrase row; the
    resolved items as arrays: ``item_owner``, ``item_key`` (model key id, -1), ``item_prefix`` (items × 4, the
    ISCO prefix per level, -2 where none) and ``item_grade`` (items × 5: the value of a same-key match, then of a
    match of 1–4 leading digits).
    """

    queries: tuple[InterestQuery, ...]
    matrix: sp.csr_matrix
    owner: np.ndarray
    item_owner: np.ndarray
    item_key: np.ndarray
    item_prefix: np.ndarray
    item_grade: np.ndarray

    def __len__(self) -> int:
        return len(self.queries)


class InterestModel:
    """The job functions' documents, analysed; row i of every result belongs to document i. The documents' texts are
    not kept (``evidence`` is given the document it explains).

    ``catalogue``: the ESCO occupations to resolve interests and titles against (default: the occupations the
    documents name); ``lexicon``: the everyday-words lexicon (default: the project's, ``default_lexicon()``).
    """

    def __init__(
        self,
        documents: Sequence[JobDocument],
        *,
        catalogue: OccupationCatalogue | None = None,
        lexicon: Lexicon | None = None,
    ) -> None:
        documents = list(documents)
        self.catalogue = catalogue if catalogue is not None else _catalogue_of(documents)
        self.lexicon = lexicon if lexicon is not None else default_lexicon()
        n = len(documents)

        # Words of every document first: the compound splitter needs the whole vocabulary. Titles, labels and
        # synonyms repeat across job functions, so each distinct text is analysed once while building.
        self._caching = True
        self._build_words: dict[str, tuple[str, ...]] = {}
        self._build_terms: dict[str, tuple[tuple[str, float, str, bool], ...]] = {}
        doc_stems: set[str] = set()
        for doc in documents:
            for _field, text in self._fields(doc):
                doc_stems.update(danish.stem(w) for w in self._content_words(text))
        heads = {danish.stem(w) for w in danish.COMMON_HEADS}
        self._known = doc_stems | self.catalogue.vocabulary | self.lexicon.vocabulary | heads
        self._splitter = danish.CompoundSplitter(self._known.__contains__)

        # Occupations: keys → ids; each document's slots.
        self._key_ids: dict[str, int] = {}
        self._key_names: list[str] = []
        self._key_labels: list[str] = []
        for occupation in self.catalogue:
            self._key_id(occupation.key, occupation.label)
        self._slot_key = np.full((n, MAX_SLOTS), -1, dtype=np.int32)
        # The ISCO group's first 1 … 4 digits as numbers (-1: not so many digits), the group itself as ``_isco``.
        self._slot_prefix = np.full((ISCO_DIGITS, n, MAX_SLOTS), -1, dtype=np.int16)
        self._from_title = np.zeros(n, dtype=bool)

        # Terms: strengths per document, document frequencies, IDF.
        analysed = [self._analyse_terms(doc) for doc in documents]
        self._vocab: dict[str, int] = {}
        df: list[int] = []
        rows, cols, vals = [], [], []
        for i, terms in enumerate(analysed):
            for term, strength in terms.items():
                t = self._vocab.setdefault(term, len(self._vocab))
                if t == len(df):
                    df.append(0)
                df[t] += 1
                rows.append(t)
                cols.append(i)
                vals.append(strength)
        self._n_main = len(self._vocab)
        self._idf = [self._idf_of(count, n) for count in df]
        self._idf_unseen = self._idf_of(0, n)
        self._idf_new = self._idf_of(1, max(n, 1))
        self._by_term = sp.csr_matrix(
            (np.asarray(vals, dtype=np.float32), (np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64))),
            shape=(self._n_main, n),
        )
        for i, doc in enumerate(documents):
            self._set_slots(i, doc)
        self._patched: dict[int, dict[int, float]] = {}
        self._caching = False
        self._build_words.clear()
        self._build_terms.clear()

    # --- building -----------------------------------------------------------------------------------------------

    @staticmethod
    def _idf_of(df: int, n: int) -> float:
        return math.log(1.0 + (n - df + 0.5) / (df + 0.5))

    def _key_id(self, key: str, label: str) -> int:
        ident = self._key_ids.get(key)
        if ident is None:
            ident = self._key_ids[key] = len(self._key_labels)
            self._key_names.append(key)
            self._key_labels.append(label)
        return ident

    def _fields(self, doc: JobDocument):
        yield TITLE, doc.title
        for label in doc.occupation_labels:
            yield OCCUPATION, label
        for synonym in doc.synonyms:
            yield SYNONYM, synonym
        yield TASKS, doc.tasks

    def _content_words(self, text: str) -> tuple[str, ...]:
        found = self._build_words.get(text)
        if found is None:
            found = tuple(danish.content_words(danish.words(text)))
            if self._caching:
                self._build_words[text] = found
        return found

    def _text_terms(self, text: str) -> tuple[tuple[str, float, str, bool], ...]:
        """(term, factor, word, compound) for every word of ``text`` and its compound parts."""
        found = self._build_terms.get(text)
        if found is None:
            out = []
            for word in self._content_words(text):
                out.append((danish.stem(word), 1.0, word, False))
                out.extend((part, PART, word, True) for part in self._splitter.parts(word))
            found = tuple(out)
            if self._caching:
                self._build_terms[text] = found
        return found

    def _occurrences(self, doc: JobDocument):
        """(term, strength, field, word, compound) for every word of the document and its compound parts."""
        for field, text in self._fields(doc):
            weight = FIELD_WEIGHTS[field]
            for term, factor, word, compound in self._text_terms(text):
                yield term, weight * factor, field, word, compound

    def _analyse_terms(self, doc: JobDocument) -> dict[str, float]:
        terms: dict[str, float] = {}
        for term, strength, *_rest in self._occurrences(doc):
            if strength > terms.get(term, 0.0):
                terms[term] = strength
        return terms

    def _document_occupations(self, doc: JobDocument) -> list[tuple[str, str, str, bool]]:
        """The document's own occupation, or those its title names: ``(key, isco, label, from_title)``."""
        if doc.occupation_labels or doc.occupation:
            label = doc.occupation_labels[0] if doc.occupation_labels else doc.occupation
            key = doc.occupation
            if not key or key not in self.catalogue.by_key:
                same = self.catalogue.by_label(label)
                same_group = [o for o in same if o.isco == doc.isco]
                key = (same_group or same)[0].key if same else (key or label_key(label))
            return [(key, _isco_code(doc.isco), label, False)]
        if _isco_code(doc.isco):  # an ISCO group without a named occupation
            return [("isco:" + doc.isco, _isco_code(doc.isco), doc.isco, False)]
        named = self.catalogue.resolve(danish.stems(doc.title))
        labels = [n for n in named if n.kind == LABEL]
        return [(n.occupation.key, _isco_code(n.occupation.isco), n.occupation.label, True)
                for n in (labels or named)[:MAX_SLOTS]]

    def _set_slots(self, index: int, doc: JobDocument) -> None:
        self._slot_key[index] = -1
        self._slot_prefix[:, index] = -1
        occupations = self._document_occupations(doc)
        self._from_title[index] = bool(occupations) and occupations[0][3]
        for s, (key, isco, label, _title) in enumerate(occupations):
            self._slot_key[index, s] = self._key_id(key, label)
            for d in range(1, len(isco) + 1):
                self._slot_prefix[d - 1, index, s] = int(isco[:d])

    # --- size -----------------------------------------------------------------------------------------------------

    def __len__(self) -> int:
        return self._slot_key.shape[0]

    @property
    def vocabulary_size(self) -> int:
        return len(self._vocab)

    @property
    def nbytes(self) -> int:
        """Bytes held by the document matrix and the occupation slots (not the Python dicts)."""
        m = self._by_term
        slots = self._slot_key.nbytes + self._slot_prefix.nbytes + self._from_title.nbytes
        return m.data.nbytes + m.indices.nbytes + m.indptr.nbytes + slots

    def _isco(self, index: int, slot: int) -> str:
        """The ISCO group of a document's occupation slot ("" when it has none)."""
        prefixes = self._slot_prefix[:, index, slot]
        digits = int(np.count_nonzero(prefixes >= 0))
        return str(int(prefixes[digits - 1])).zfill(digits) if digits else ""

    # --- the young person's side ----------------------------------------------------------------------------------

    def _spelled(self, word: str) -> str:
        """``word``, or its Danish spelling when typed without æ, ø, å ("koekken" → "køkken") and only that is known."""
        if danish.stem(word) in self._known:
            return word
        danish_spelling = word.replace("ae", "æ").replace("oe", "ø").replace("aa", "å")
        if danish_spelling != word and danish.stem(danish_spelling) in self._known:
            return danish_spelling
        return word

    def _idf_term(self, term: str) -> float | None:
        t = self._vocab.get(term)
        return None if t is None else (self._idf[t] if t < self._n_main else self._idf_new)

    def _phrase_terms(self, tokens: list[str]) -> tuple[QueryTerm, ...]:
        weighted: list[tuple[str, str, float]] = []
        total = 0.0
        for word in tokens:
            term = danish.stem(word)
            idf = self._idf_term(term)
            if idf is not None:
                weighted.append((word, term, idf))
                total += idf
                continue
            parts = self._splitter.top_parts(word)
            if parts:
                for part in parts:
                    idf = self._idf_term(part)
                    if idf is None:
                        total += self._idf_unseen  # a known part no job function has
                    else:
                        weighted.append((word, part, PART * idf))
                        total += idf
            elif term in self._known:
                total += self._idf_unseen  # names something, but no job function has it
        if total <= 0.0:
            return ()
        return tuple(QueryTerm(word, term, w / total) for word, term, w in weighted)

    def _resolve(self, tokens: list[str]) -> list[Resolved]:
        whole = [danish.stem(w) for w in tokens]
        out: list[Resolved] = []
        for named in self.catalogue.resolve(whole):
            out.append(self._resolved_occupation(VIA_LABEL if named.kind == LABEL else VIA_SYNONYM, named))
        parts = {p for w in tokens for p in self._splitter.parts(w)} - set(whole)
        direct = self.lexicon.match(whole)
        through_parts = [e for e in self.lexicon.match(set(whole) | parts) if e not in direct] if parts else []
        for entries, strength in ((direct, 1.0), (through_parts, PART)):
            for entry in entries:
                for label in entry.occupations:
                    found = self.catalogue.by_label(label) or [CatalogueOccupation(label_key(label), label)]
                    out.extend(Resolved(entry.words, VIA_LEXICON, o.key, o.label, _isco_code(o.isco),
                                        SAME_OCCUPATION, strength) for o in found)
                out.extend(Resolved(entry.words, VIA_LEXICON, "", code, code, LEXICON_GROUP, strength)
                           for code in map(_isco_code, entry.isco_groups) if code)
        return out

    @staticmethod
    def _resolved_occupation(via: str, named: Named) -> Resolved:
        o = named.occupation
        return Resolved(named.name, via, o.key, o.label, _isco_code(o.isco), SAME_OCCUPATION)

    def query(self, text: str, isco_codes: Iterable[str] = ()) -> InterestQuery:
        """Analyse a young person's interests (and the ISCO groups of their chosen occupations)."""
        phrases, resolved = [], []
        for phrase in danish.phrases(text or ""):
            tokens = [self._spelled(w) for w in danish.content_words(danish.words(phrase))]
            if not tokens:
                continue
            terms = self._phrase_terms(tokens)
            if terms:
                phrases.append(terms)
            resolved.extend(self._resolve(tokens))
        resolved.extend(Resolved("", VIA_CHOSEN, "", code, code, CHOSEN_GROUP)
                        for code in dict.fromkeys(map(_isco_code, isco_codes)) if code)
        return InterestQuery(text or "", tuple(phrases), tuple(resolved))

    def _as_query(self, interests: str | InterestQuery, isco_codes: Iterable[str]) -> InterestQuery:
        return interests if isinstance(interests, InterestQuery) else self.query(interests, isco_codes)

    # --- scores ---------------------------------------------------------------------------------------------------

    def occupation_scores(self, query: InterestQuery) -> np.ndarray:
        """Best closeness of each job function's occupations to those the interests resolve to."""
        n = len(self)
        if not query.resolved or not n:
            return np.zeros(n, dtype=np.float64)
        by_key = np.zeros(len(self._key_labels) + 1, dtype=np.float64)  # the last entry answers -1 (none)
        levels = [np.zeros(10**d + 1, dtype=np.float64) for d in range(1, ISCO_DIGITS + 1)]
        for item in query.resolved:
            if item.key:
                ident = self._key_ids.get(item.key)
                if ident is not None:
                    by_key[ident] = max(by_key[ident], item.strength * item.full)
            for d in range(1, len(item.isco) + 1):
                grade = item.full if (not item.key and d == len(item.isco)) else OCCUPATION_GRADES[d]
                code = int(item.isco[:d])
                levels[d - 1][code] = max(levels[d - 1][code], item.strength * grade)
        score = by_key[self._slot_key]
        for d in range(ISCO_DIGITS):
            np.maximum(score, levels[d][self._slot_prefix[d]], out=score)
        return score.max(axis=1)

    def _phrase_matrix(self, phrases: Sequence[tuple[QueryTerm, ...]], width: int) -> sp.csr_matrix:
        rows, cols, vals = [], [], []
        for p, phrase in enumerate(phrases):
            for term in phrase:
                t = self._vocab.get(term.term)
                if t is not None and t < width:
                    rows.append(p)
                    cols.append(t)
                    vals.append(term.weight)
        return sp.csr_matrix((vals, (rows, cols)), shape=(len(phrases), width), dtype=np.float64)

    def word_scores(self, query: InterestQuery) -> np.ndarray:
        """Best phrase coverage of each job function's words (module docstring)."""
        n = len(self)
        if not query.phrases or not n:
            return np.zeros(n, dtype=np.float64)
        q = self._phrase_matrix(query.phrases, self._n_main)
        scores = (q @ self._by_term).toarray().max(axis=0) if q.nnz else np.zeros(n, dtype=np.float64)
        for index, terms in self._patched.items():
            scores[index] = self._coverage(query.phrases, terms)
        return scores

    def _coverage(self, phrases: Sequence[tuple[QueryTerm, ...]], terms: dict[int, float]) -> float:
        best = 0.0
        for phrase in phrases:
            covered = 0.0
            for term in phrase:
                t = self._vocab.get(term.term)
                if t is not None:
                    covered += term.weight * float(np.float32(terms.get(t, 0.0)))
            best = max(best, covered)
        return best

    def similarity(self, interests: str | InterestQuery, isco_codes: Iterable[str] = ()) -> np.ndarray:
        """The ``interest`` input of the engine: one value in [0, 1] per job function (module docstring).

        ``interests``: the interest text, or a query from ``query`` (then ``isco_codes`` is ignored).
        """
        query = self._as_query(interests, isco_codes)
        if query.empty:
            return np.zeros(len(self), dtype=np.float64)
        return np.clip(combine(self.occupation_scores(query), self.word_scores(query)), 0.0, 1.0)

    def people(self, texts: Sequence[str], isco_codes: Sequence[Iterable[str]] | None = None) -> PeopleInterests:
        """Analyse many young people's interests once, for ``similarity_to_people``."""
        codes = list(isco_codes) if isco_codes is not None else [()] * len(texts)
        if len(codes) != len(texts):
            raise ValueError("one list of ISCO codes per text")
        queries = tuple(self.query(t, c) for t, c in zip(texts, codes, strict=True))
        phrases = [phrase for q in queries for phrase in q.phrases]
        owner = np.array([i for i, q in enumerate(queries) for _ in q.phrases], dtype=np.int64)
        items = [(i, item) for i, q in enumerate(queries) for item in q.resolved]
        item_key = np.full(len(items), -2, dtype=np.int64)
        item_prefix = np.full((len(items), ISCO_DIGITS), -2, dtype=np.int64)
        item_grade = np.zeros((len(items), ISCO_DIGITS + 1), dtype=np.float64)
        for k, (_i, item) in enumerate(items):
            if item.key and item.key in self._key_ids:
                item_key[k] = self._key_ids[item.key]
                item_grade[k, 0] = item.strength * item.full
            for d in range(1, len(item.isco) + 1):
                item_prefix[k, d - 1] = int(item.isco[:d])
                grade = item.full if (not item.key and d == len(item.isco)) else OCCUPATION_GRADES[d]
                item_grade[k, d] = item.strength * grade
        return PeopleInterests(
            queries=queries,
            matrix=self._phrase_matrix(phrases, len(self._vocab)),
            owner=owner,
            item_owner=np.array([i for i, _item in items], dtype=np.int64),
            item_key=item_key,
            item_prefix=item_prefix,
            item_grade=item_grade,
        )

    def _document_vector(self, index: int) -> dict[int, float]:
        if index in self._patched:
            return self._patched[index]
        column = self._by_term[:, index] if index < self._by_term.shape[1] else None
        if column is None:
            return {}
        column = column.tocoo()
        return dict(zip(column.row.tolist(), column.data.tolist(), strict=True))

    def similarity_to_people(self, index: int, people: PeopleInterests) -> np.ndarray:
        """The ``interest`` input of ``score_job``: job function ``index`` against every young person in ``people``."""
        m = len(people)
        words = np.zeros(m, dtype=np.float64)
        if people.matrix.nnz:
            vector = self._document_vector(index)
            width = people.matrix.shape[1]
            doc = np.zeros(width, dtype=np.float64)
            for t, strength in vector.items():
                if t < width:
                    doc[t] = float(np.float32(strength))
            np.maximum.at(words, people.owner, people.matrix @ doc)
        occupation = np.zeros(m, dtype=np.float64)
        if len(people.item_owner):
            best = np.zeros(len(people.item_owner), dtype=np.float64)
            for s in range(MAX_SLOTS):
                key = int(self._slot_key[index, s])
                if key < 0:
                    continue
                np.maximum(best, np.where(people.item_key == key, people.item_grade[:, 0], 0.0), out=best)
                for d in range(ISCO_DIGITS):
                    prefix = int(self._slot_prefix[d, index, s])
                    if prefix < 0:
                        break
                    hit = people.item_prefix[:, d] == prefix
                    np.maximum(best, np.where(hit, people.item_grade[:, d + 1], 0.0), out=best)
            np.maximum.at(occupation, people.item_owner, best)
        empty = np.array([q.empty for q in people.queries], dtype=bool)
        out = np.clip(combine(occupation, words), 0.0, 1.0)
        out[empty] = 0.0
        return out

    # --- one pair: the reference's input and the explanation ------------------------------------------------------

    def analysed(self, index: int) -> AnalysedDocument:
        """Job function ``index`` as the score sees it (for ``reference.interest_score`` and tests)."""
        names = self._term_names()
        terms = {names[t]: float(np.float32(strength)) for t, strength in self._document_vector(index).items()}
        occupations = tuple(
            (self._key_names[int(self._slot_key[index, s])], self._isco(index, s),
             self._key_labels[int(self._slot_key[index, s])], bool(self._from_title[index]))
            for s in range(MAX_SLOTS) if self._slot_key[index, s] >= 0
        )
        return AnalysedDocument(terms, occupations)

    def _term_names(self) -> list[str]:
        names = [""] * len(self._vocab)
        for term, t in self._vocab.items():
            names[t] = term
        return names

    def evidence(self, interests: str | InterestQuery, index: int, document: JobDocument,
                 isco_codes: Iterable[str] = ()) -> InterestEvidence:
        """What the interests share with job function ``index``, whose ``document`` is given (the model keeps no
        texts: the caller has the few it shows): the best occupation link and the words found."""
        query = self._as_query(interests, isco_codes)
        occupation = None
        for item in query.resolved:
            for s in range(MAX_SLOTS):
                ident = int(self._slot_key[index, s])
                if ident < 0:
                    continue
                key, isco = self._key_names[ident], self._isco(index, s)
                value = item.strength * closeness(item, key, isco)
                if value > 0 and (occupation is None or value > occupation.value):
                    occupation = OccupationEvidence(
                        phrase=item.phrase, via=item.via, named=item.label, job_label=self._key_labels[ident],
                        job_isco=isco, from_title=bool(self._from_title[index]),
                        level=_level(item, key, isco), value=value)
        return InterestEvidence(occupation, self._word_evidence(query, document))

    def _word_evidence(self, query: InterestQuery, document: JobDocument) -> tuple[WordEvidence, ...]:
        found: dict[str, tuple[float, str, str, bool]] = {}
        for term, strength, field, word, compound in self._occurrences(document):
            if strength > found.get(term, (0.0,))[0]:
                found[term] = (strength, field, word, compound)
        best, best_value = (), 0.0
        for phrase in query.phrases:
            value = sum(t.weight * found[t.term][0] for t in phrase if t.term in found)
            if value > best_value:
                matched = []
                for t in phrase:
                    if t.term in found:
                        _strength, field, word, compound = found[t.term]
                        matched.append(WordEvidence(t.word, word, OCCUPATION if field == SYNONYM else field,
                                                    compound))
                best, best_value = tuple(dict.fromkeys(matched)), value
        return best

    # --- updates --------------------------------------------------------------------------------------------------

    def update_document(self, index: int, document: JobDocument) -> None:
        """Replace document ``index`` (a changed job function) without refitting; O(size of one document)."""
        if not 0 <= index < len(self):
            raise IndexError(index)
        terms = {}
        for term, strength in self._analyse_terms(document).items():
            t = self._vocab.setdefault(term, len(self._vocab))
            terms[t] = strength
            self._known.add(term)
        self._patched[index] = terms
        self._set_slots(index, document)
        if len(self._patched) > COMPACT_AFTER:
            self.compact()

    def updated(self, changed: Mapping[int, JobDocument], added: Sequence[JobDocument] = ()) -> InterestModel:
        """A new model with documents ``changed`` (row → document) replaced and ``added`` appended (rows
        ``len(self)`` on), as ``update_document`` makes them. This model is left as it was; the two share the document
        matrix, the catalogue and the lexicon. Costs a copy of the vocabulary and the per-row slots (milliseconds at
        50,000 job functions) plus the changed documents' analysis."""
        model = copy.copy(self)
        n, extra = len(self), len(added)
        model._vocab = dict(self._vocab)
        model._idf = list(self._idf)
        model._known = set(self._known)
        model._splitter = danish.CompoundSplitter(model._known.__contains__)
        model._key_ids = dict(self._key_ids)
        model._key_names = list(self._key_names)
        model._key_labels = list(self._key_labels)
        model._slot_key = np.concatenate([self._slot_key, np.full((extra, MAX_SLOTS), -1, dtype=np.int32)])
        model._slot_prefix = np.concatenate(
            [self._slot_prefix, np.full((ISCO_DIGITS, extra, MAX_SLOTS), -1, dtype=np.int16)], axis=1)
        model._from_title = np.concatenate([self._from_title, np.zeros(extra, dtype=bool)])
        model._patched = dict(self._patched)
        if extra:
            m = self._by_term
            model._by_term = sp.csr_matrix((m.data, m.indices, m.indptr), shape=(m.shape[0], n + extra))
        for index, document in [*changed.items(), *((n + k, document) for k, document in enumerate(added))]:
            model.update_document(index, document)
        return model

    def compact(self) -> None:
        """Fold the changed documents into the main matrix (O(whole matrix); ``update_document`` calls it).

        Terms new since the build join the main vocabulary with the IDF of a word seen once.
        """
        if not self._patched:
            return
        width = len(self._vocab)
        self._idf.extend([self._idf_new] * (width - self._n_main))
        by_doc = sp.csr_matrix(self._by_term.T)
        by_doc.resize((by_doc.shape[0], width))
        keep = np.ones(len(self), dtype=bool)
        keep[list(self._patched)] = False
        by_doc = sp.diags(keep.astype(np.float32)) @ by_doc
        rows, cols, vals = [], [], []
        for index, terms in self._patched.items():
            for t, strength in terms.items():
                rows.append(index)
                cols.append(t)
                vals.append(strength)
        placed = sp.csr_matrix((np.asarray(vals, dtype=np.float32), (rows, cols)), shape=by_doc.shape)
        by_doc = (by_doc + placed).tocsr()
        by_doc.eliminate_zeros()
        self._by_term = sp.csr_matrix(by_doc.T, dtype=np.float32)
        self._n_main = width
        self._patched.clear()


def _level(item: Resolved, key: str, isco: str) -> str:
    if item.key and item.key == key:
        return OCCUPATION_LEVELS[0]
    shared = 0
    for a, b in zip(item.isco, isco, strict=False):
        if a != b:
            break
        shared += 1
    if not item.key and shared == len(item.isco):
        return OCCUPATION_LEVELS[-1]
    return OCCUPATION_LEVELS[ISCO_DIGITS - min(shared, ISCO_DIGITS) + 1] if shared >= 2 else OCCUPATION_LEVELS[-1]


def _catalogue_of(documents: Iterable[JobDocument]) -> OccupationCatalogue:
    """The occupations the documents name (when the caller has no catalogue)."""
    occupations = []
    for doc in documents:
        if doc.occupation_labels:
            label = doc.occupation_labels[0]
            occupations.append(CatalogueOccupation(doc.occupation or label_key(label), label, _isco_code(doc.isco),
                                                   tuple(doc.synonyms)))
    return OccupationCatalogue(occupations)
