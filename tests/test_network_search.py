"""Tests for placement.network.search (pure, no app fixture) and for the index the service keeps per network."""

import dataclasses
import random

import pytest
from rapidfuzz import fuzz
from sqlalchemy import event

from placement.auth.models import Role
from placement.extensions import db
from placement.network import search, services
from placement.network.search import SearchDocument, SearchHit, SearchIndex, identifier, normalise
from placement.occupations.models import Occupation
from tests import factories
from tests.conftest import live_search

COMPANIES = [
    "Hansens Maskinstation ApS",
    "Hansen & Søn Tømrer",
    "Borris Maskinudlejning",
    "Skjern Maskinstation I/S",
    "Nielsens Landbrug",
    "Grøn Gård",
    "Æblehaven",
    "Jensen VVS A/S",
    "Tarm Auto ApS",
    "Vestjysk Bank",
    "Ringkøbing Bageri",
    "Hansen Transport ApS",
    "Maskinhandel Vest",
    "Station Kiosken",
    "Hans Christensen El",
    "Skjern Tømrer- og Snedkerfirma",
    "Hanssen Murerforretning",
    "Videbæk Maskinfabrik",
    "Herning Maskinservice A/S",
    "Skovgaard Gartneri",
    "Holstebro Slagteri",
    "Møllers Køkkenforretning",
    "Skjern Kro",
    "Lem Stationsby Købmand",
    "Maskinstationen Vest ApS",
    "Brdr. Hansen Entreprenør",
    "Dansk Maskinteknik",
    "Hansens Is",
    "Nørre Omme Maskinudlejning",
    "Gårdbutikken Grønt",
    "Grønbech & Søn",
]

FUNCTIONS = {
    "Landbrugsmedhjælper": "Fodring af kalve, rengøring af stalde, landbrug",
    "Staldmedhjælper": "Udmugning, fodring af køer, landbrugsmedhjælper",
    "Køkkenmedhjælper": "Opvask, klargøring af grøntsager, køkken",
    "Lagermedarbejder": "Pakning af varer, truckkørsel, lager",
    "Rengøringsassistent": "Rengøring af kontorer og fællesarealer",
    "Butiksmedhjælper": "Opfyldning af hylder, kasse, butik",
    "Gartner": "Plantning, lugning, græsslåning",
    "Pedel": "Vedligehold af bygninger og udearealer",
}

UNRELATED_TO_FARMING = {
    "Køkkenmedhjælper",
    "Lagermedarbejder",
    "Rengøringsassistent",
    "Butiksmedhjælper",
    "Gartner",
    "Pedel",
}


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    docs = [SearchDocument("company", i, title, "Skjern") for i, title in enumerate(COMPANIES, start=1)]
    docs += [
        SearchDocument("job_function", i, title, text)
        for i, (title, text) in enumerate(FUNCTIONS.items(), start=1)
    ]
    return SearchIndex(docs)


def titles(hits: list[SearchHit]) -> list[str]:
    return [hit.title for hit in hits]


# --- normalise -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Hansens Maskinstation ApS", "hansens maskinstation aps"),
        ("Grøn Gård", "groen gaard"),
        ("Groen Gaard", "groen gaard"),
        ("ÆBLEHAVEN", "aeblehaven"),
        ("Müller & Söhne — Bäckerei", "mueller soehne baeckerei"),
        ("Café Émile", "cafe emile"),
        ("  Skjern   Maskinstation I/S  ", "skjern maskinstation i s"),
        ("Hansen_&_Søn", "hansen soen"),
        ("7400 Herning", "7400 herning"),
        ("", ""),
        (" -/- ", ""),
    ],
)
def test_normalise(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


def test_normalise_danish_variants_are_identical() -> None:
    assert normalise("Grøn Gård") == normalise("Groen Gaard") == normalise("GRØN GÅRD")
    assert normalise("Ålborg") == normalise("Aalborg")


# --- dataclasses -----------------------------------------------------------------------------------------


def test_dataclasses_are_frozen_and_slotted() -> None:
    doc = SearchDocument("company", 1, "A", "b")
    hit = SearchHit("company", 1, "A", 99.0)
    for obj in (doc, hit):
        assert not hasattr(obj, "__dict__")
        with pytest.raises(dataclasses.FrozenInstanceError):
            obj.id = 2  # type: ignore[misc]


# --- search ----------------------------------------------------------------------------------------------


def test_company_name_with_missing_genitive_s_is_top_hit(index: SearchIndex) -> None:
    hits = index.search("hansen maskinstation")
    assert hits[0].title == "Hansens Maskinstation ApS"
    assert hits[0].kind == "company"
    assert all(hit.score < hits[0].score for hit in hits[1:])


def test_typo_finds_farming_functions_only(index: SearchIndex) -> None:
    hits = index.search("lanbrug")
    found = titles(hits)
    assert "Landbrugsmedhjælper" in found
    assert "Staldmedhjælper" in found  # via its text
    assert "Nielsens Landbrug" in found
    assert not UNRELATED_TO_FARMING & set(found)
    # Unrelated functions score below the threshold even without one.
    all_hits = {hit.title: hit.score for hit in index.search("lanbrug", limit=100, min_score=0)}
    best_unrelated = max((all_hits.get(t, 0.0) for t in UNRELATED_TO_FARMING), default=0.0)
    assert all_hits["Landbrugsmedhjælper"] > best_unrelated


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("groen gaard", "Grøn Gård"),
        ("Grøn Gård", "Grøn Gård"),
        ("groengaard", "Grøn Gård"),
        ("aeblehaven", "Æblehaven"),
        ("æblehaven", "Æblehaven"),
        ("skjern kro", "Skjern Kro"),
        ("nielsen landbrg", "Nielsens Landbrug"),
    ],
)
def test_spelling_variants_find_the_right_top_hit(index: SearchIndex, query: str, expected: str) -> None:
    assert index.search(query)[0].title == expected


def test_koekken_finds_compound_words(index: SearchIndex) -> None:
    found = titles(index.search("køkken"))
    assert "Køkkenmedhjælper" in found
    assert "Møllers Køkkenforretning" in found
    assert "Gårdbutikken Grønt" not in found  # only shares the ending "kken"


def test_word_inside_compound_is_found(index: SearchIndex) -> None:
    found = set(titles(index.search("medhjælper")))
    assert {"Landbrugsmedhjælper", "Staldmedhjælper", "Køkkenmedhjælper", "Butiksmedhjælper"} <= found


def test_exact_word_beats_compound_prefix(index: SearchIndex) -> None:
    hits = index.search("groen gaard")
    assert titles(hits)[:2] == ["Grøn Gård", "Gårdbutikken Grønt"]
    assert hits[0].score > hits[1].score


@pytest.mark.parametrize("query", ["", "   ", "\t\n", "-/-", "&"])
def test_empty_query_returns_nothing(index: SearchIndex, query: str) -> None:
    assert index.search(query) == []


@pytest.mark.parametrize("query", ["h", "ha", "HA"])
def test_short_query_matches_word_prefixes_only(index: SearchIndex, query: str) -> None:
    hits = index.search(query, limit=100)
    assert hits
    prefix = query.lower()
    docs = {(doc.kind, doc.id): doc for doc in index.documents}
    for hit in hits:
        doc = docs[hit.kind, hit.id]
        doc_words = normalise(f"{doc.title} {doc.text}").split()
        assert any(word.startswith(prefix) for word in doc_words), hit.title
    assert len(hits) < len(index)  # not everything


def test_short_query_does_not_match_inside_words(index: SearchIndex) -> None:
    found = titles(index.search("ns", limit=100))
    assert found == []  # "ns" occurs inside "Hansens" etc. but starts no word


def test_three_letter_query_needs_an_exact_substring(index: SearchIndex) -> None:
    found = set(titles(index.search("gar", limit=100)))
    assert found == {"Gartner", "Skovgaard Gartneri"}


def test_nonsense_finds_nothing(index: SearchIndex) -> None:
    assert index.search("xyzzyqwv") == []


def test_scores_are_ranked_and_bounded(index: SearchIndex) -> None:
    hits = index.search("maskin", limit=100, min_score=0)
    assert hits
    scores = [hit.score for hit in hits]
    assert scores == sorted(scores, reverse=True)
    assert all(0 <= s <= 100 for s in scores)


def test_min_score_and_limit(index: SearchIndex) -> None:
    hits = index.search("maskin", limit=100)
    assert all(hit.score >= 60 for hit in hits)
    assert index.search("maskin", limit=2) == hits[:2]
    assert index.search("maskin", limit=0) == []
    assert all(hit.score >= 99 for hit in index.search("maskin", min_score=99))


def test_ties_are_broken_by_kind_then_title_then_id() -> None:
    docs = [
        SearchDocument("b_kind", 5, "Skjern Kro", ""),
        SearchDocument("a_kind", 9, "Skjern Kro", ""),
        SearchDocument("a_kind", 3, "Skjern Kro", ""),
        SearchDocument("a_kind", 1, "Skjern Bageri", ""),
    ]
    hits = SearchIndex(docs).search("skjern")
    assert [(h.kind, h.title, h.id) for h in hits] == [
        ("a_kind", "Skjern Bageri", 1),
        ("a_kind", "Skjern Kro", 3),
        ("a_kind", "Skjern Kro", 9),
        ("b_kind", "Skjern Kro", 5),
    ]
    assert len({h.score for h in hits}) == 1


def test_title_match_outranks_text_match() -> None:
    docs = [
        SearchDocument("function", 1, "Pedel", "Hjælper i landbrug om sommeren"),
        SearchDocument("function", 2, "Landbrug", "Pedel"),
    ]
    hits = SearchIndex(docs).search("landbrug")
    assert [h.id for h in hits] == [2, 1]
    assert hits[0].score > hits[1].score


def test_index_accepts_generators_and_empty_input() -> None:
    index = SearchIndex(SearchDocument("company", i, f"Firma {i}", "") for i in range(3))
    assert len(index) == 3
    assert len(index.search("firma")) == 3
    assert SearchIndex([]).search("firma") == []


def test_hit_carries_original_title_and_identity(index: SearchIndex) -> None:
    hit = index.search("aeblehaven")[0]
    assert hit == SearchHit("company", COMPANIES.index("Æblehaven") + 1, "Æblehaven", 100.0)


# --- CVR numbers: exact, never fuzzy ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def registered() -> SearchIndex:
    return SearchIndex([
        SearchDocument("company", 1, "Hansens Maskinstation ApS", "Skjern", identifiers=("12345674",)),
        SearchDocument("company", 2, "Hansen Transport ApS", "Tarm", identifiers=("12345682",)),
        SearchDocument("company", 3, "Nielsens Landbrug", "Skjern 12345674"),  # a number in a text is no CVR
        SearchDocument("mentor", 1, "Karen Hansen", "Hansens Maskinstation ApS", context="Hansens Maskinstation ApS"),
    ])


@pytest.mark.parametrize("query", ["12345674", "DK12345674", "dk 1234 5674", " 12 34 56 74 "])
def test_a_cvr_number_finds_its_company_only(registered: SearchIndex, query: str) -> None:
    assert [(h.id, h.score) for h in registered.search(query)] == [(1, 100.0)]


def test_a_near_miss_cvr_number_finds_nothing(registered: SearchIndex) -> None:
    assert registered.search("12345675") == []  # one digit off: another company, not a typo
    assert registered.search("1234567") == []  # nor a number within a text


def test_a_cvr_number_within_a_query_counts_only_when_exact(registered: SearchIndex) -> None:
    assert registered.search("hansen 12345682")[0].id == 2
    assert [h.id for h in registered.search("hansen 12345682", min_score=90)] == [2]


def test_identifier_reads_a_cvr_number_as_typed() -> None:
    assert identifier(normalise("DK-1234 5674")) == "12345674"
    assert identifier("1234567") is None and identifier("hansen") is None


def test_hits_carry_their_context(registered: SearchIndex) -> None:
    [hit] = [h for h in registered.search("karen hansen") if h.kind == "mentor"]
    assert hit.context == "Hansens Maskinstation ApS"


# --- The scoring of the module docstring, the slow way -----------------------------------------------------


def reference_search(documents: list[SearchDocument], query: str, min_score: float) -> list[tuple]:
    """Score every document by the module docstring, comparing each token with each of its words; return
    (score, kind, id) of the hits, best first, ties by kind, normalised title, title, id."""
    norm = normalise(query)
    exact = identifier(norm)
    tokens = [exact] if exact is not None else norm.split()
    whole = "" if norm.replace(" ", "").isdigit() else norm

    def word_score(token: str, word: str) -> float:
        if token.isdigit():
            return 100.0 if word == token else 0.0
        if len(token) <= 2:
            return (100.0 if word == token else 95.0) if word.startswith(token) else 0.0
        if len(word) < len(token):
            score = fuzz.ratio(token, word)
            return score if score >= 75 else 0.0
        score = fuzz.partial_ratio(token, f"\0\0\0\0{word}\0\0\0\0")  # padded as the index pads
        if score < 75:
            return 0.0
        return 100.0 if word == token else max(fuzz.ratio(token, word), score * 0.95)

    hits = []
    for doc in documents:
        title_words = set(normalise(doc.title).split())
        text_words = set(normalise(doc.text).split()) - title_words
        total, touched = 0.0, False
        for token in tokens:
            if identifier(token) is not None:
                best = 100.0 if identifier(token) in doc.identifiers else 0.0
            else:
                best = max([word_score(token, w) for w in title_words]
                           + [word_score(token, w) * 0.9 for w in text_words] + [0.0])
            touched |= best > 0
            total += best / len(tokens)
        if len(whole) > 2:
            title_score = fuzz.ratio(whole, normalise(doc.title), score_cutoff=max(min_score, 85))
            touched |= title_score > 0
            total = max(total, title_score)
        if touched and round(total, 2) >= min_score:
            hits.append((round(total, 2), doc.kind, normalise(doc.title), doc.title, doc.id))
    hits.sort(key=lambda h: (-h[0], *h[1:]))
    return [(score, kind, ident) for score, kind, _, _, ident in hits]


def found(index: SearchIndex, query: str, min_score: float) -> list[tuple]:
    return [(hit.score, hit.kind, hit.id) for hit in index.search(query, limit=10_000, min_score=min_score)]


@pytest.fixture(scope="module")
def random_documents() -> list[SearchDocument]:
    rng = random.Random(11)
    syllables = ["han", "sen", "mas", "kin", "sta", "tion", "grøn", "gård", "køk", "ken", "lan", "brug", "med",
                 "hjæl", "per", "bag", "eri", "vvs", "tøm", "rer", "æb", "le", "ha", "ve", "n", "s", "ås", "ü"]
    words = ["".join(rng.choices(syllables, k=rng.randint(1, 4))) for _ in range(150)] + ["6900", "12"]
    docs = []
    for n in range(400):
        title = " ".join(rng.choices(words, k=rng.randint(1, 3))).title() + rng.choice(["", " ApS", " & Søn"])
        text = " ".join(rng.choices(words, k=rng.randint(0, 6)))
        cvr = (f"{rng.randrange(10**8):08d}",) if n % 3 == 0 else ()
        docs.append(SearchDocument(rng.choice(["company", "mentor", "job_function"]), n, title, text,
                                   identifiers=cvr))
    return docs


def test_scores_are_those_of_the_docstring(random_documents: list[SearchDocument]) -> None:
    rng = random.Random(12)
    index = SearchIndex(random_documents)
    queries = ["ha", "h", "6900", "690", "hansen grøn", "køkkenmedhjælper", "grongaard",
               random_documents[3].identifiers[0]]
    for _ in range(60):
        doc = rng.choice(random_documents)
        word = rng.choice(normalise(f"{doc.title} {doc.text}").split())
        cut = rng.randrange(len(word))
        queries.append(rng.choice([word[:cut] + word[cut + 1:], word[:cut] + "e" + word[cut:], word[cut:cut + 4],
                                   doc.title.replace(" ", ""), f"{word} {doc.title.split()[0]}", doc.title[:-1]]))
    for query in queries:
        for min_score in (0, 60, 90):
            assert found(index, query, min_score) == reference_search(random_documents, query, min_score), query


# --- Updated indexes: the changed documents replaced, the rest shared -----------------------------------------


def test_an_updated_index_answers_as_one_built_afresh(index: SearchIndex) -> None:
    before = {q: index.search(q, limit=100, min_score=0) for q in ("skjern kro", "grøn gård", "landbrug", "hansens")}
    renamed = SearchDocument("company", COMPANIES.index("Grøn Gård") + 1, "Grøn Gård Maskinstation", "Skjern")
    added = [SearchDocument("company", 0, "Hansens Maskinstation ApS", "Tarm"),  # ties before and after the one kept
             SearchDocument("company", 100, "Hansens Maskinstation ApS", "Tarm"),
             SearchDocument("job_function", 100, "Kvægpasser", "Fodring af kalve, landbrug"),
             SearchDocument("company", 300, "Grøn Gård Maskinstation", "Tarm"),  # ties among the added ones
             SearchDocument("company", 200, "Grøn Gård Maskinstation", "Tarm")]
    removed = [("company", COMPANIES.index("Skjern Kro") + 1), ("job_function", 1), ("company", 999)]
    updated = index.updated(removed, [renamed, *added])

    gone = {*removed, (renamed.kind, renamed.id)}
    afresh = SearchIndex([d for d in index.documents if (d.kind, d.id) not in gone] + [renamed, *added])
    assert len(updated) == len(afresh) == len(index) + 3
    assert sorted(updated.documents, key=repr) == sorted(afresh.documents, key=repr)
    for query in ("skjern kro", "grøn gård", "grøn gård maskinstation", "landbrug", "hansens maskinstation",
                  "kvaegpasser", "ha", "gar"):
        assert updated.search(query, limit=100, min_score=0) == afresh.search(query, limit=100, min_score=0), query
        for kind in ("company", "job_function", "mentor", "nothing"):  # the API's listings: ids of one kind
            expected = [h.id for h in afresh.search(query, limit=len(afresh)) if h.kind == kind]
            assert updated.ids(query, kind) == afresh.ids(query, kind) == expected, (query, kind)
    assert [h.id for h in updated.search("hansens maskinstation aps")][:3] == [0, 1, 100]
    assert [h.id for h in updated.search("grøn gård maskinstation")][:3] == [6, 200, 300]
    assert {q: index.search(q, limit=100, min_score=0) for q in before} == before  # the old index as it was


def test_updates_upon_updates_and_folding_them_in(index: SearchIndex, monkeypatch) -> None:
    docs = {(d.kind, d.id): d for d in index.documents}
    updated = index
    for n, title in enumerate(["Grøn Gård Øst", "Grøn Gård Vest", "Grønne Gårde", "Gård & Grønt"]):
        if n == 2:
            monkeypatch.setattr(search, "MAX_APART", 1)  # from here on, a whole new index every time
        changed = [SearchDocument("company", 6, title, "Skjern"), SearchDocument("mentor", n, f"Karen {title}", "")]
        updated = updated.updated([("company", 1)], changed)
        docs.pop(("company", 1), None)
        docs.update({(d.kind, d.id): d for d in changed})
        afresh = SearchIndex(docs.values())
        for query in ("grøn gård", "karen", "hansens maskinstation"):
            assert updated.search(query, limit=100, min_score=0) == afresh.search(query, limit=100, min_score=0)
        assert len(updated) == len(docs)


def test_lines_are_normalised_as_the_whole_text() -> None:
    for text in ["Grøn  Gård\nHansen", "Hansen_&_Søn\n\nSkjern", "a\n\u0301b", "Straße\u00a0Café\n-/-", "x\n-/- y",
                 "Ærø\tÅ\né"]:
        lines = [w for line in text.split("\n") for w in normalise(line).split()]
        assert lines == normalise(text).split(), text  # what an index reads line by line


# --- The service's index: built once per network revision, never stale -----------------------------------


@pytest.fixture
def searcher(client, login, partnership):
    login(factories.user(Role.CONSULTANT, partnership))

    def titles(query: str) -> list[str]:
        response = client.post("/search/live", data={"q": query})
        assert response.status_code == 200
        return [r["title"] for r in response.get_json()["results"]]

    return titles


def test_the_index_is_kept_until_the_network_changes(searcher, partnership):
    factories.company(partnership, name="Hansens Maskinstation ApS")
    assert searcher("hansen maskinstation") == ["Hansens Maskinstation ApS"]
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        assert searcher("hansen maskinstation") == ["Hansens Maskinstation ApS"]
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert len(statements) == 1, statements  # the session only: no index built, no names looked up


def test_every_network_change_shows_in_the_next_search(searcher, partnership, other_partnership):
    company = factories.company(partnership, name="Hansens Maskinstation ApS", cvr="12345674")
    assert searcher("12345674") == ["Hansens Maskinstation ApS"]
    assert searcher("grøn gård") == []

    company.name = "Grøn Gård ApS"  # renamed
    db.session.commit()
    assert searcher("grøn gård") == ["Grøn Gård ApS"] and searcher("hansen maskinstation") == []

    mentor = factories.mentor(company, name="Karen Holm")  # added
    assert "Karen Holm" in searcher("karen holm")
    job = factories.job_function(company, title="Staldhjælp")
    assert "Staldhjælp" in searcher("staldhjaelp")

    occupation = Occupation(uri="http://data.europa.eu/esco/occupation/kvaeg", isco_group="6121",
                            label="Kvægpasser")
    db.session.add(occupation)
    db.session.flush()
    job.occupation_id = occupation.id  # its occupation's label is searchable text
    db.session.commit()
    assert "Staldhjælp" in searcher("kvægpasser")
    occupation.label = "Dyrepasser"  # shared by every partnership
    db.session.commit()
    assert "Staldhjælp" in searcher("dyrepasser")

    db.session.delete(mentor)  # removed
    db.session.commit()
    assert "Karen Holm" not in searcher("karen holm")

    factories.company(other_partnership, name="Grøn Gård I/S")  # another partnership's: never shown
    assert "Grøn Gård I/S" not in searcher("grøn gård")


def test_network_changes_update_the_partnership_index_without_a_rebuild(client, login, partnership, calls):
    login(factories.user(Role.CONSULTANT, partnership))

    def live(query: str) -> list[tuple[str, str]]:
        return live_search(client, query)

    company = factories.company(partnership, name="Hansens Maskinstation ApS", industry="Landbrug")
    factories.mentor(company, name="Karen Holm")
    factories.job_function(company, title="Staldhjælp")
    other = factories.company(partnership, name="Nielsens Landbrug")
    assert live("hansen maskinstation")[0] == ("Hansens Maskinstation ApS", "")  # built here, once
    build = services.build_search_index
    builds = calls(services, "build_search_index")

    company.name = "Grøn Gård ApS"  # renamed: its mentor and job function carry the new name
    db.session.commit()
    assert live("grøn gård")[0] == ("Grøn Gård ApS", "") and live("hansen maskinstation") == []
    assert live("karen holm")[0] == ("Karen Holm", "Grøn Gård ApS")
    assert live("staldhjælp")[0] == ("Staldhjælp", "Grøn Gård ApS")
    factories.job_function(company, title="Kvægpasser")  # added
    assert live("kvaegpasser")[0] == ("Kvægpasser", "Grøn Gård ApS")
    other.active = False  # deactivated: still found, as every company of the network is
    company.industry = "Gartneri"
    db.session.commit()
    assert live("nielsens landbrug")[0] == ("Nielsens Landbrug", "")
    assert ("Staldhjælp", "Grøn Gård ApS") in live("gartneri") and live("landbrug") == [("Nielsens Landbrug", "")]
    assert builds == []

    kept = services.search_index(partnership.id)
    afresh = build(partnership.id)
    for query in ("grøn gård", "karen", "staldhjælp", "landbrug", "gartneri", "ha", company.cvr):
        assert kept.search(query, limit=100, min_score=0) == afresh.search(query, limit=100, min_score=0), query


def test_an_admin_searches_every_partnership_and_each_change_shows(client, login, partnership, other_partnership):
    login(factories.user(Role.ADMIN, partnership))

    def live(query: str) -> list[str]:
        return [r["title"] for r in client.post("/search/live", data={"q": query}).get_json()["results"]]

    factories.company(partnership, name="Grøn Gård ApS")
    theirs = factories.company(other_partnership, name="Grøn Gård I/S")
    assert sorted(live("grøn gård")) == ["Grøn Gård ApS", "Grøn Gård I/S"]
    theirs.name = "Hansens Maskinstation I/S"
    db.session.commit()
    assert live("grøn gård") == ["Grøn Gård ApS"] and live("hansens maskinstation") == ["Hansens Maskinstation I/S"]
