"""How close a young person's stated interests are to each job function: text similarity plus occupation group.

* Text: one document per job function (title, tasks, occupation labels and their synonyms), folded with
  ``placement.network.search.normalise`` (casefold, æ→ae, ø→oe, å→aa, accents dropped). A TF-IDF model over
  character n-grams of 3–5 inside word boundaries (``char_wb``) makes Danish compounds and inflections meet
  ("landbrug" shares most of its n-grams with "landbrugsmedhjælper"); similarity is the cosine of the
  L2-normalised non-negative vectors, so it lies in [0, 1].
* Occupation group: when the young person names ISCO-08 (DISCO-08) codes, each job function scores by the
  longest shared leading digits with its occupation's 4-digit group: 4 → 1, 3 → 0.75, 2 → 0.5, 1 → 0.25.
* ``similarity`` = element-wise max of both, one value per job function in the order the model was built.

Pure: scikit-learn, scipy and numpy; no Flask or ORM.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

from placement.network.search import normalise

#: Closeness by number of shared leading ISCO digits (index = digits shared).
GROUP_CLOSENESS = np.array([0.0, 0.25, 0.5, 0.75, 1.0])
#: Cosine similarity at which an interest text counts as a full match. A few interest words against a job
#: function's title and task description rarely reach more (in the demo network the best animal jobs score
#: 0.24–0.35 for "dyr, heste, kalve, stald", unrelated ones about 0.02), so raw cosines would read as "fits a
#: little" even for the best job; the ranking is unchanged by this scaling.
TEXT_FULL_MATCH = 0.3
ISCO_DIGITS = 4
_NO_DIGIT = 255
#: Changed documents are kept aside and folded into the main matrix when there are more than this many.
COMPACT_AFTER = 1000


@dataclass(frozen=True, slots=True)
class JobDocument:
    """The searchable text of one job function and the 4-digit ISCO group of its occupation ("" if none)."""

    title: str
    tasks: str = ""
    occupation_labels: tuple[str, ...] = ()
    synonyms: tuple[str, ...] = ()
    isco: str = ""

    def text(self) -> str:
        """The folded text the model sees."""
        return normalise(" ".join((self.title, self.tasks, *self.occupation_labels, *self.synonyms)))


def _digits(code: str) -> np.ndarray:
    """A code's digits as uint8, padded with 255 to 4 places; invalid codes give no digits."""
    code = (code or "").strip()
    out = np.full(ISCO_DIGITS, _NO_DIGIT, dtype=np.uint8)
    if code.isdigit() and len(code) <= ISCO_DIGITS and code.isascii():
        out[: len(code)] = [int(c) for c in code]
    return out


@dataclass(frozen=True, eq=False)
class PeopleInterests:
    """Young people's interest texts as TF-IDF rows (m × n-grams) and their ISCO codes as digits (m × codes × 4)."""

    matrix: sp.csr_matrix
    isco: np.ndarray

    def __len__(self) -> int:
        return self.matrix.shape[0]


class InterestModel:
    """TF-IDF over the job function documents; row i of every result belongs to document i.

    The IDF weights and the n-gram vocabulary are fixed at construction. ``update_document`` re-transforms one
    changed document with them (n-grams new to the vocabulary are ignored until the next full rebuild).
    """

    def __init__(
        self,
        documents: Sequence[JobDocument],
        *,
        ngram_range: tuple[int, int] = (3, 5),
        min_df: int | float = 1,
        max_df: int | float = 1.0,
    ) -> None:
        self._vectorizer = TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=ngram_range,
            lowercase=False,  # normalise() has folded the text already
            min_df=min_df,
            max_df=max_df,
            sublinear_tf=True,
            dtype=np.float32,
        )
        self._texts = [d.text() for d in documents]
        matrix = self._vectorizer.fit_transform(self._texts)
        if hasattr(self._vectorizer, "stop_words_"):  # only needed for introspection, can be large
            self._vectorizer.stop_words_ = None
        # Queries multiply by the transpose (n-grams × documents): a query touches only its own n-grams' rows.
        self._by_term = sp.csr_matrix(matrix.T)
        self._isco = np.stack([_digits(d.isco) for d in documents]) if len(documents) else np.empty((0, 4), np.uint8)
        self._patched: dict[int, sp.csr_matrix] = {}
        self._patch_rows = np.empty(0, dtype=np.int64)
        self._patch = sp.csr_matrix((0, matrix.shape[1]), dtype=np.float32)

    def __len__(self) -> int:
        return self._by_term.shape[1]

    @property
    def vocabulary_size(self) -> int:
        return self._by_term.shape[0]

    @property
    def nbytes(self) -> int:
        """Bytes held by the document matrices and the ISCO digits (not the vocabulary's Python dict)."""
        mats = (self._by_term, self._patch)
        return sum(m.data.nbytes + m.indices.nbytes + m.indptr.nbytes for m in mats) + self._isco.nbytes

    def _query(self, text: str) -> sp.csr_matrix:
        return self._vectorizer.transform([normalise(text)])

    def text_similarity(self, person_text: str) -> np.ndarray:
        """Cosine similarity of the interest text with every document, scaled by ``TEXT_FULL_MATCH`` into [0, 1]."""
        sims = np.zeros(len(self), dtype=np.float64)
        query = self._query(person_text or "")
        if query.nnz == 0:
            return sims
        sims[:] = (query @ self._by_term).toarray().ravel()
        if len(self._patch_rows):
            sims[self._patch_rows] = (self._patch @ query.T).toarray().ravel()
        return np.clip(sims / TEXT_FULL_MATCH, 0.0, 1.0, out=sims)

    def group_closeness(self, isco_codes: Iterable[str]) -> np.ndarray:
        """Best closeness of each job function's ISCO group to any of the young person's codes (1–4 digits)."""
        best = np.zeros(len(self), dtype=np.float64)
        for code in isco_codes:
            digits = _digits(code)
            length = int(np.sum(digits != _NO_DIGIT))
            if not length:
                continue
            shared = np.zeros(len(self), dtype=np.int64)
            run = np.ones(len(self), dtype=bool)
            for d in range(length):
                run &= self._isco[:, d] == digits[d]
                shared += run
            np.maximum(best, GROUP_CLOSENESS[shared], out=best)
        return best

    def similarity(self, person_text: str, isco_codes: Iterable[str] = ()) -> np.ndarray:
        """The ``interest`` input of the engine: max of text similarity and occupation group closeness."""
        sims = self.text_similarity(person_text)
        codes = list(isco_codes)
        if codes:
            np.maximum(sims, self.group_closeness(codes), out=sims)
        return sims

    def people(self, texts: Sequence[str], isco_codes: Sequence[Iterable[str]] | None = None) -> PeopleInterests:
        """Transform many young people's interest texts (and ISCO codes) once, for ``similarity_to_people``."""
        codes = [list(c) for c in (isco_codes if isco_codes is not None else [()] * len(texts))]
        if len(codes) != len(texts):
            raise ValueError("one list of ISCO codes per text")
        width = max((len(c) for c in codes), default=0) or 1
        digits = np.full((len(texts), width, ISCO_DIGITS), _NO_DIGIT, dtype=np.uint8)
        for i, person_codes in enumerate(codes):
            for c, code in enumerate(person_codes):
                digits[i, c] = _digits(code)
        matrix = self._vectorizer.transform([normalise(t or "") for t in texts])
        return PeopleInterests(sp.csr_matrix(matrix, dtype=np.float32), digits)

    def similarity_to_people(self, index: int, people: PeopleInterests) -> np.ndarray:
        """The ``interest`` input of ``score_job``: job function ``index`` against every young person in ``people``."""
        document = self._vectorizer.transform([self._texts[index]])
        sims = (people.matrix @ document.T).toarray().ravel().astype(np.float64)
        np.clip(sims / TEXT_FULL_MATCH, 0.0, 1.0, out=sims)
        job_digits = self._isco[index]
        shared = np.zeros(people.isco.shape[:2], dtype=np.int64)
        run = np.ones(people.isco.shape[:2], dtype=bool)
        for d in range(ISCO_DIGITS):
            if job_digits[d] == _NO_DIGIT:
                break
            run &= people.isco[:, :, d] == job_digits[d]
            shared += run
        return np.maximum(sims, GROUP_CLOSENESS[shared].max(axis=1, initial=0.0))

    def update_document(self, index: int, document: JobDocument) -> None:
        """Replace document ``index`` (a changed job function) without refitting; O(size of one document)."""
        if not 0 <= index < len(self):
            raise IndexError(index)
        self._texts[index] = document.text()
        self._patched[index] = self._vectorizer.transform([self._texts[index]]).astype(np.float32)
        self._isco[index] = _digits(document.isco)
        if len(self._patched) > COMPACT_AFTER:
            self.compact()
        else:
            rows = sorted(self._patched)
            self._patch_rows = np.array(rows, dtype=np.int64)
            self._patch = sp.vstack([self._patched[i] for i in rows], format="csr")

    def compact(self) -> None:
        """Fold the changed documents into the main matrix (O(whole matrix); ``update_document`` calls it)."""
        if not self._patched:
            return
        by_doc = sp.csr_matrix(self._by_term.T)
        keep = np.ones(len(self), dtype=bool)
        keep[list(self._patched)] = False
        # Zero the old rows, then add the new ones in their place.
        by_doc = sp.diags(keep.astype(np.float32)) @ by_doc
        rows = sorted(self._patched)
        new = sp.vstack([self._patched[i] for i in rows], format="coo")
        placed = sp.csr_matrix((new.data, (np.asarray(rows)[new.row], new.col)), shape=by_doc.shape, dtype=np.float32)
        by_doc = by_doc + placed
        by_doc.eliminate_zeros()
        self._by_term = sp.csr_matrix(by_doc.T)
        self._patched.clear()
        self._patch_rows = np.empty(0, dtype=np.int64)
        self._patch = sp.csr_matrix((0, self.vocabulary_size), dtype=np.float32)
