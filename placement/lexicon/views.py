"""Pages of the everyday-words lexicon: the project's entries and the partnership's own, which its coordinators
add, change and delete (one by one or as a CSV file); job consultants read them."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from placement import locking
from placement.auth.access import chosen_partnership, get_or_404, roles_required
from placement.auth.models import Partnership, Role
from placement.csvtools import csv_response, language
from placement.extensions import db
from placement.lexicon import csvio, services
from placement.lexicon.forms import DeleteEntryForm, ImportForm, LexiconEntryEditForm, LexiconEntryForm
from placement.lexicon.models import LexiconEntry
from placement.matching.lexicon import default_lexicon

bp = Blueprint("lexicon", __name__, url_prefix="/lexicon")

#: Who changes a partnership's lexicon.
LEXICON_EDITORS = frozenset({Role.ADMIN, Role.COORDINATOR})
#: Who reads it.
LEXICON_READERS = LEXICON_EDITORS | {Role.CONSULTANT}


def _partnerships() -> list[Partnership]:
    """The admin's choice of partnership (archived ones left out); nothing for the others."""
    if not current_user.is_admin:
        return []
    return db.session.scalars(select(Partnership).where(Partnership.archived_at.is_(None))
                              .order_by(Partnership.name)).all()


def _list_url(partnership_id: int, anchor: str | None = None) -> str:
    own = partnership_id == current_user.partnership_id
    return url_for(".entry_list", partnership=None if own else partnership_id, _anchor=anchor)


@bp.get("")
@roles_required(LEXICON_READERS)
def entry_list():
    """List the partnership's own words and the project's."""
    partnership = chosen_partnership()
    entries = services.partnership_entries(partnership.id)
    project = sorted(default_lexicon(), key=lambda entry: entry.words.casefold())
    return render_template("lexicon/entry_list.html", partnership=partnership, partnerships=_partnerships(),
                           entries=entries, project=project, project_keys=services.project_keys(),
                           key=services.key, unknown=services.unknown_labels(entries),
                           may_edit=current_user.role in LEXICON_EDITORS, delete_form=DeleteEntryForm())


@bp.route("/new", methods=["GET", "POST"])
@roles_required(LEXICON_EDITORS)
def entry_create():
    """Add a word or phrase to the partnership's lexicon."""
    partnership = chosen_partnership()
    form = LexiconEntryForm(partnership_id=partnership.id)
    if form.validate_on_submit():
        entry = locking.insert_unique(lambda: services.create_entry(partnership.id, form.values()),
                                      LexiconEntry.__tablename__, "partnership_id")
        if entry is not None:
            flash(_("“%(words)s” was added to the word list.", words=entry.words), "success")
            return redirect(_list_url(partnership.id, f"entry-{entry.id}"))
        # The same words added at the same moment by someone else.
        form.words.errors = [*form.words.errors, _("The partnership has an entry for these words already.")]
    status = 400 if form.errors else 200
    return render_template("lexicon/entry_form.html", form=form, entry=None, partnership=partnership), status


@bp.route("/<int:lexicon_entry_id>/edit", methods=["GET", "POST"])
@roles_required(LEXICON_EDITORS)
def entry_edit(lexicon_entry_id: int):
    """Change an entry of the partnership's lexicon, on the version the user saw."""
    entry = get_or_404(LexiconEntry, lexicon_entry_id)
    partnership = db.session.get(Partnership, entry.partnership_id)
    form = LexiconEntryEditForm(partnership_id=entry.partnership_id, entry=entry)
    clash = None
    if form.validate_on_submit():
        clash = locking.save(form, entry, lambda: services.apply_entry(entry, form.values()))
        if clash is None:
            flash(_("The changes were saved."), "success")
            return redirect(_list_url(entry.partnership_id, f"entry-{entry.id}"))
    status = 409 if clash else (400 if form.errors else 200)
    return render_template("lexicon/entry_form.html", form=form, entry=entry, partnership=partnership,
                           conflict=clash), status


@bp.post("/<int:lexicon_entry_id>/delete")
@roles_required(LEXICON_EDITORS)
def entry_delete(lexicon_entry_id: int):
    """Delete an entry of the partnership's lexicon, unless it changed since the user saw it."""
    entry = get_or_404(LexiconEntry, lexicon_entry_id)
    partnership_id, words = entry.partnership_id, entry.words
    form = DeleteEntryForm()
    changed = _("Someone else changed “%(words)s” meanwhile. Look at it again and repeat the change.", words=words)
    if not form.validate_on_submit() or locking.seen_version(form) != entry.version:
        flash(changed, "error")
        return redirect(_list_url(partnership_id, f"entry-{entry.id}"))
    try:
        services.delete_entry(entry)
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        flash(changed, "error")
        return redirect(_list_url(partnership_id))
    flash(_("“%(words)s” was deleted from the word list.", words=words), "success")
    return redirect(_list_url(partnership_id))


@bp.get("/export.csv")
@roles_required(LEXICON_EDITORS)
def export_csv():
    """Download the partnership's own entries as a CSV file (the upload's format)."""
    partnership = chosen_partnership()
    text = csvio.export_csv(services.partnership_entries(partnership.id), language())
    return csv_response(text, f"ordliste-{partnership.id}.csv")


@bp.route("/import", methods=["GET", "POST"])
@roles_required(LEXICON_EDITORS)
def import_csv():
    """Add and change the partnership's entries from a CSV file: every line or none."""
    partnership = chosen_partnership()
    form = ImportForm()
    report = None
    if form.validate_on_submit():
        report = csvio.import_csv(form.file.data.read(), partnership.id)
        if report.ok:
            db.session.commit()
        else:
            db.session.rollback()
    status = 400 if form.errors or (report is not None and not report.ok) else 200
    return render_template("lexicon/import.html", form=form, report=report, partnership=partnership,
                           partnerships=_partnerships(), columns=csvio.columns_help(language())), status
