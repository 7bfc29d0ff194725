"""The form of a lexicon entry (page and CSV import alike), and the one that deletes an entry."""

from collections.abc import Iterable

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import StringField, TextAreaField
from wtforms.validators import InputRequired, Length, ValidationError

from placement.forms import BaseForm
from placement.lexicon import services
from placement.lexicon.models import LABEL_SEPARATOR, LexiconEntry
from placement.locking import version_field

MAX_WORDS = LexiconEntry.__table__.c.words.type.length
MAX_CODES = LexiconEntry.__table__.c.isco_groups.type.length
#: Room for a few dozen occupations' labels.
MAX_LABELS = 5000


class LabelsField(TextAreaField):
    """Occupation labels, one per line on the page (``|`` between, as stored and in the CSV file, is taken too)."""

    def _value(self) -> str:
        return "\n".join((self.data or "").split(LABEL_SEPARATOR))


class LexiconEntryForm(BaseForm):
    """A word or phrase of the partnership's and the ESCO occupations and ISCO groups it points to.

    ``partnership_id``: whose lexicon; ``entry``: the entry being changed (None for a new one); ``others``: the
    partnership's entries when the caller has them (a CSV import), else they are read when the form is checked.
    """

    words = StringField(_l("Word or phrase"), filters=[services.clean_words],
                        validators=[InputRequired(_l("Write the word or phrase.")), Length(max=MAX_WORDS)],
                        description=_l("As young people say it, for example “heste” or “på landet”. It also finds "
                                       "other forms of the words (“hest”, “hestene”)."))
    occupations = LabelsField(_l("ESCO occupations"), filters=[services.clean_labels],
                              validators=[Length(max=MAX_LABELS)],
                              description=_l("One per line, each with its Danish title as in ESCO, for example "
                                             "“hestepasser”."))
    isco_groups = StringField(_l("ISCO groups"), filters=[services.clean_codes], validators=[Length(max=MAX_CODES)],
                              description=_l("ISCO-08 (DISCO-08) codes of 2 to 4 digits, separated by spaces, for "
                                             "example “9212”. Name at least one occupation or ISCO group."))

    def __init__(self, *args, partnership_id: int, entry: LexiconEntry | None = None,
                 others: Iterable[LexiconEntry] | None = None, **kwargs):
        super().__init__(*args, obj=entry, **kwargs)
        self._partnership_id = partnership_id
        self._entry = entry
        self._others = others

    def validate_words(self, field) -> None:
        problem = services.words_problem(field.data)
        if problem:
            raise ValidationError(problem)
        others = self._others if self._others is not None else services.partnership_entries(self._partnership_id)
        same = services.same_words(others, field.data, self._entry)
        if same is not None:
            raise ValidationError(_("The partnership has an entry for these words already: “%(words)s”. Change "
                                    "that one.", words=same.words))

    def validate_occupations(self, field) -> None:
        checked = services.check_occupations(field.data.split(LABEL_SEPARATOR) if field.data else ())
        if checked.problems:
            raise ValidationError(" ".join(checked.problems))
        field.data = LABEL_SEPARATOR.join(checked.values)  # as ESCO spells them

    def validate_isco_groups(self, field) -> None:
        checked = services.check_isco_groups(field.data.split())
        if checked.problems:
            raise ValidationError(" ".join(checked.problems))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not self.occupations.data and not self.isco_groups.data and not self.isco_groups.errors:
            self.occupations.errors.append(_("Name at least one ESCO occupation or ISCO group the words point to."))
            return False
        return valid


class LexiconEntryEditForm(LexiconEntryForm):
    version = version_field()


class DeleteEntryForm(BaseForm):
    """Delete an entry, on the version the user saw."""

    version = version_field()


class ImportForm(BaseForm):
    file = FileField(_l("CSV file"), validators=[
        FileRequired(_l("Choose a file.")), FileAllowed(["csv"], _l("Choose a .csv file."))],
        description=_l("UTF-8, separated by semicolons or commas, with the column names in the first line."))
