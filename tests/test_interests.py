"""Tests for the Danish word analysis, the everyday-words lexicon and ESCO resolution of interests (pure)."""

import csv
import io
from pathlib import Path

import numpy as np
import pytest

from placement.extensions import db
from placement.matching import InterestModel, JobDocument, danish
from placement.matching.catalogue import OccupationCatalogue
from placement.matching.lexicon import DEFAULT_PATH, Lexicon, LexiconEntry, LexiconError, default_lexicon
from placement.occupations import services
from placement.occupations.models import Occupation

ESCO = Path(__file__).resolve().parents[2] / "shared" / "data" / "esco"
needs_esco = pytest.mark.skipif(not (ESCO / "occupations_da.csv").is_file(), reason="no ESCO data in ../shared")


# --- Danish words --------------------------------------------------------------------------------------------------

def test_folding_keeps_the_danish_letters_and_drops_other_accents():
    assert danish.fold("Café Über KØKKEN Ærø Åbo") == "cafe uber køkken ærø åbo"
    assert danish.fold("Smörrebröd") == "smørrebrød"  # Swedish/German spelling of ø
    assert danish.stem("hav") != danish.stem("høv")


def test_stop_words_and_phrases():
    assert danish.phrases("Dyr, heste og biler\nIT/computere") == ["dyr", "heste", "biler", "it", "computere"]
    assert danish.stems("jeg kan godt lide dyr") == ["dyr"]
    assert danish.stems("have") == ["hav"]  # a stop word alone is kept: a garden
    assert danish.stems("jeg vil gerne have et job med dyr") == ["dyr"]
    assert danish.stems("hestene") == danish.stems("heste") == danish.stems("hest")
    assert danish.stems("køkkenet") == danish.stems("køkken")


def test_compounds_split_only_into_known_parts_of_three_letters_or_more():
    known = {danish.stem(w) for w in ("stald", "medhjælper", "kvæg", "brug", "landbrug", "kan", "hjælper", "bil",
                                      "mekaniker", "lag")}
    splitter = danish.CompoundSplitter(known.__contains__)
    assert danish.stem("stald") in splitter.parts("staldmedhjælper")
    assert splitter.top_parts("kvægbrug") == (danish.stem("kvæg"), danish.stem("brug"))
    assert danish.stem("landbrug") in splitter.parts("landbrugsmedhjælper")  # linking s
    assert danish.stem("bil") in splitter.parts("bilmekaniker")
    assert splitter.parts("dekan") == ()  # "de" is too short a part
    assert splitter.parts("medhjælper") == ()  # "med" is a stop word, not a part
    assert splitter.parts("bager") == ()


# --- the lexicon ---------------------------------------------------------------------------------------------------

def test_the_lexicon_has_the_everyday_words():
    lexicon = default_lexicon()
    for words in ("dyr", "heste", "lager", "køkken", "butik", "rengøring", "biler", "motorer", "IT", "computere",
                  "børn", "ældre", "have", "byggeri", "kontor"):
        assert lexicon.match(danish.stems(words)), words
    assert len(lexicon) >= 40


@needs_esco
def test_every_lexicon_entry_resolves_to_esco():
    with (ESCO / "occupations_da.csv").open(encoding="utf-8") as stream:
        occupations = list(csv.DictReader(stream))
    with (ESCO / "ISCOGroups_da.csv").open(encoding="utf-8") as stream:
        groups = {row["code"] for row in csv.DictReader(stream)}
    labels = {row["preferredLabel"] for row in occupations}
    for entry in Lexicon.from_csv(DEFAULT_PATH):
        assert entry.occupations or entry.isco_groups, entry.words
        for label in entry.occupations:
            assert label in labels, (entry.words, label)
        for code in entry.isco_groups:
            assert code in groups, (entry.words, code)


def test_lexicon_errors_name_the_line_and_partnership_entries_merge():
    bad = "words,occupations,isco_groups\nheste,,\nbiler,automekaniker,72x\n"
    with pytest.raises(LexiconError) as caught:
        Lexicon.from_csv(io.StringIO(bad))
    assert [line for line, _reason in caught.value.errors] == [2, 3]
    assert "72x" in caught.value.errors[1][1]
    own = Lexicon([LexiconEntry("traktorer", ("landmand",)), LexiconEntry("heste", ("berider",))])
    merged = default_lexicon().merged(own)
    (heste,) = merged.match(danish.stems("heste"))
    assert "berider" in heste.occupations and "hestepasser" in heste.occupations
    assert len(default_lexicon().match(danish.stems("heste"))[0].occupations) == len(heste.occupations) - 1


# --- ESCO ----------------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def esco():
    if not (ESCO / "occupations_da.csv").is_file():
        pytest.skip("no ESCO data in ../shared")
    catalogue = OccupationCatalogue.from_esco_csv(ESCO / "occupations_da.csv")
    return catalogue, [JobDocument(title=o.label) for o in catalogue]


def test_a_synonym_resolves_to_its_occupation(esco):
    catalogue, _documents = esco
    (named,) = catalogue.resolve(danish.stems("lagermedhjælper"))
    assert named.occupation.label == "lagerarbejder" and named.kind == "synonym"
    named = catalogue.resolve(danish.stems("jeg vil gerne være tømrer"))
    assert (named[0].occupation.label, named[0].kind) == ("tømrer", "label")  # preferred labels first
    assert all(n.kind == "synonym" for n in named[1:])


@pytest.mark.parametrize(("text", "groups"), [
    ("jeg kan godt lide dyr", ("5164", "9212", "6121")),
    ("heste", ("9212", "6121", "5164")),
    ("computere og IT", ("3512", "3511")),
    ("biler og motorer", ("7231",)),
    ("lager", ("9333", "4321")),
    ("køkken", ("9412", "5120")),
    ("at hjælpe ældre", ("5322", "5321", "3412")),
])
def test_everyday_interests_find_the_right_occupations_first(esco, text, groups):
    catalogue, documents = esco
    model = InterestModel(documents, catalogue=catalogue)
    sims = model.similarity(text)
    first = int(np.argmax(sims))
    assert documents[first].title and list(catalogue)[first].isco.startswith(groups), (text, documents[first].title)


# --- the service's lookups -----------------------------------------------------------------------------------------

def test_occupations_named_by_a_title_through_label_or_synonym(app):
    db.session.add_all([
        Occupation(uri="urn:test:lager", isco_group="9333", label="lagerarbejder", alt_labels="lagermedhjælper"),
        Occupation(uri="urn:test:bager", isco_group="7512", label="bager", alt_labels=""),
    ])
    db.session.commit()
    assert [o.label for o in services.occupations_named("Lagermedhjælper hos Coop")] == ["lagerarbejder"]
    assert [o.label for o in services.occupations_named("Bager")] == ["bager"]
    assert services.occupations_named("Lager") == []  # a word, not a whole label
    first = services.matching_catalogue()
    assert services.matching_catalogue() is first and len(first) == 2
    db.session.add(Occupation(uri="urn:test:kok", isco_group="5120", label="kok", alt_labels=""))
    db.session.commit()
    assert len(services.matching_catalogue()) == 3  # rebuilt when the occupations change
