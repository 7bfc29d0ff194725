"""CSV download and upload of a partnership's lexicon entries.

The columns are those of the project's ``lexicon.csv`` (``words``, ``occupations`` with ``|`` between the labels,
``isco_groups`` with spaces between the codes), named in Danish or English as every file of the service
(``placement.csvtools``: UTF-8, ``;`` or ``,``, formulas escaped). Every line is checked by the page's form; an
upload is all-or-nothing: a line whose words match an entry of the partnership's (after the analysis: "hest" and
"heste") replaces that entry's occupations and ISCO groups, the other lines are added, and no entry is deleted.

No request access and no commit: the view commits on success.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from placement.csvtools import (
    ColumnHelp,
    Columns,
    ImportReport,
    Row,
    bound_form,
    column_help,
    column_names,
    read_rows,
    validate,
    write_csv,
)
from placement.lexicon import services
from placement.lexicon.forms import LexiconEntryForm
from placement.lexicon.models import LexiconEntry

#: Key → (Danish name, English name); the English names are those of the project's ``lexicon.csv``.
COLUMNS: Columns = {"words": ("Ord", "words"), "occupations": ("Erhverv", "occupations"),
                    "isco_groups": ("ISCO-grupper", "isco_groups")}
REQUIRED = ("words",)
KIND = "lexicon"


def export_csv(entries: Iterable[LexiconEntry], language: str) -> str:
    """The entries as a file in the upload's format."""
    return write_csv(column_names(COLUMNS, language),
                     ([entry.words, entry.occupations, entry.isco_groups] for entry in entries))


def columns_help(language: str) -> list[ColumnHelp]:
    """The columns for the upload page, described by the form's labels and help."""
    return column_help(LexiconEntryForm, COLUMNS, REQUIRED, language, descriptions={
        "occupations": _("The Danish titles as in ESCO, with | between them.")})


@dataclass(slots=True)
class LexiconReport(ImportReport):
    #: Entries whose occupations or ISCO groups the file changed; 0 whenever there is an error.
    updated: int = 0


def import_csv(content, partnership_id: int) -> LexiconReport:
    """Check every line and, when all are right, add and change the partnership's entries (else change nothing)."""
    report = LexiconReport(kind=KIND)
    entries = services.partnership_entries(partnership_id)
    existing = {services.key(entry.words): entry for entry in entries}
    first_line: dict[frozenset[str], int] = {}
    checked: list[tuple[LexiconEntry | None, dict]] = []

    def check(row: Row) -> None:
        data = MultiDict({name: row.values.get(name, "") for name in COLUMNS})
        entry = existing.get(services.key(data["words"]))
        form = bound_form(LexiconEntryForm, data, partnership_id=partnership_id, entry=entry, others=entries)
        values = validate(row, form)
        if values is None:
            return
        words = services.key(values["words"])
        if words in first_line:
            row.error("words", _("“%(words)s” are the same words as in line %(line)d.", words=values["words"],
                                 line=first_line[words]))
            return
        first_line[words] = row.line
        checked.append((entry, values))

    read_rows(content, COLUMNS, REQUIRED, report, check)
    if not report.ok:
        return report
    for entry, values in checked:
        if entry is None:
            services.create_entry(partnership_id, values)
            report.imported += 1
        elif (entry.words, entry.occupations, entry.isco_groups) != \
                (values["words"], values["occupations"], values["isco_groups"]):
            services.apply_entry(entry, values)
            report.updated += 1
    return report
