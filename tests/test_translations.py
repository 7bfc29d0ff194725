"""The Danish catalogue: complete, compiled, in step with the source, and used by default."""

import re
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "placement" / "translations"
POT = TRANSLATIONS / "messages.pot"
PO = TRANSLATIONS / "da" / "LC_MESSAGES" / "messages.po"
MO = TRANSLATIONS / "da" / "LC_MESSAGES" / "messages.mo"
#: The keywords of `make translations` (pybabel extract -k _l -k lazy_ngettext:1,2, plus Babel's defaults).
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_ngettext": (1, 2)}
FIX = "run `make translations` (or the pybabel commands in the Makefile) and translate what is new"


def _read_po(path: Path):
    with path.open("rb") as f:
        return read_po(f)


def _key(context, msgid) -> tuple:
    return context, msgid


def _keys(catalog) -> set[tuple]:
    return {_key(m.context, m.id) for m in catalog if m.id}


def _compile(path: Path) -> bytes:
    out = BytesIO()
    write_mo(out, _read_po(path))
    return out.getvalue()


def _content(mo: bytes) -> tuple[dict, dict]:
    """Return a compiled catalogue's messages and its headers, leaving out the Babel version that wrote it."""
    catalog = read_mo(BytesIO(mo))
    headers = {k: v for k, v in catalog.mime_headers if k != "Generated-By"}
    return {_key(m.context, _tuple(m.id)): _tuple(m.string) for m in catalog if m.id}, headers


def _tuple(value):
    return tuple(value) if isinstance(value, list) else value


def test_every_message_is_translated_and_none_is_fuzzy():
    catalog = _read_po(PO)
    assert str(catalog.locale) == "da"
    assert catalog.plural_forms == "nplurals=2; plural=(n != 1);"
    assert len(catalog) > 0
    untranslated, fuzzy = [], []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if len(strings) != (2 if message.pluralizable else 1) or not all(s and s.strip() for s in strings):
            untranslated.append(message.id)
        if message.fuzzy:
            fuzzy.append(message.id)
    assert not untranslated, f"untranslated: {untranslated}"
    assert not fuzzy, f"fuzzy: {fuzzy}"
    # Babel's checks: the placeholders (%(name)s) of each translation match its msgid.
    problems = [(message.id, [str(e) for e in errors]) for message, errors in catalog.check()]
    assert not problems, f"translations that do not fit their msgid: {problems}"


def test_the_committed_mo_file_is_compiled_from_the_po_file():
    compiled = _compile(PO)
    assert compiled == _compile(PO), "write_mo is expected to be deterministic"
    committed = MO.read_bytes()
    if compiled != committed:
        # Babel writes its own version into the header (Generated-By), so after a Babel upgrade only the
        # content can be compared; any other difference means the .mo file is stale.
        assert _content(compiled) == _content(committed), \
            "messages.mo is out of date: run `pybabel compile -d placement/translations`"


def test_the_catalogues_hold_every_message_in_the_source():
    with (ROOT / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    extracted = {_key(context, message)
                 for _filename, _lineno, message, _comments, context
                 in extract_from_dir(str(ROOT), method_map, options_map, keywords=KEYWORDS)}
    assert extracted, "nothing was extracted: check babel.cfg"
    pot = _keys(_read_po(POT))
    assert not extracted - pot, f"messages.pot is stale, {FIX}: missing {sorted(map(str, extracted - pot))}"
    assert not pot - extracted, f"messages.pot is stale, {FIX}: no longer used {sorted(map(str, pot - extracted))}"
    po = _keys(_read_po(PO))
    assert not extracted - po, f"messages.po lacks messages, {FIX}: {sorted(map(str, extracted - po))}"


@pytest.mark.parametrize("app_config", [{"BABEL_DEFAULT_LOCALE": "da"}])
def test_the_login_page_is_danish_by_default_and_english_on_request(client, app_config):
    log_in = re.compile(r"\bLog in\b")  # not a prefix of "Log ind"
    page = client.get("/login").get_data(as_text=True)
    assert "<h1>Log ind</h1>" in page and "Adgangskode" in page
    assert not log_in.search(page)
    client.post("/language", data={"lang": "en"})
    page = client.get("/login").get_data(as_text=True)
    assert "<h1>Log in</h1>" in page and "Password" in page
    assert "Log ind" not in page


@pytest.mark.parametrize("app_config", [{"BABEL_DEFAULT_LOCALE": "da"}])
def test_validation_messages_are_danish_too(client, partnership, login, app_config):
    from placement.auth.models import Role
    from tests import factories

    page = client.post("/login", data={"email": "", "password": ""}).get_data(as_text=True)
    assert "Feltet skal udfyldes." in page
    login(factories.user(Role.CONSULTANT, partnership))
    page = client.post("/companies/new", data={"cvr": "1", "name": "X", "postcode": "123"}).get_data(as_text=True)
    assert "Feltet skal være præcis 4 tegn langt." in page
