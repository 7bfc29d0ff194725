"""A partnership's own entries of the everyday-words lexicon (``placement.matching.lexicon``).

Each row is one line of the project's ``lexicon.csv`` format: a word or phrase as people say it, the ESCO
occupations (Danish preferred labels) and the ISCO-08 groups it points to. The entries are checked against the
ESCO data when they are saved (``placement.lexicon.services``) and added to the project's entries for the
partnership's matching (``services.lexicon_for``).
"""

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from placement.audit.models import Audited
from placement.database import TimestampMixin
from placement.extensions import db

#: Separates the occupations' labels in ``occupations`` (as in ``lexicon.csv``); no ESCO label holds it.
LABEL_SEPARATOR = "|"


class LexiconEntry(Audited, TimestampMixin, db.Model):
    """A word or phrase of the partnership's own and the occupations and ISCO groups it points to."""

    __tablename__ = "lexicon_entries"
    __table_args__ = (UniqueConstraint("partnership_id", "words"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id"))
    #: One word or phrase as people say it ("heste", "på landet"); matched after the interests' analysis (stems).
    words: Mapped[str] = mapped_column(String(200))
    #: ESCO preferred labels (Danish), ``|`` between, as in ``lexicon.csv``.
    occupations: Mapped[str] = mapped_column(Text, default="")
    #: ISCO-08 (DISCO-08) codes of 2–4 digits, a space between.
    isco_groups: Mapped[str] = mapped_column(String(200), default="")
    #: Optimistic locking: every UPDATE checks the version the change was made on (``placement.locking``).
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}

    @property
    def occupation_labels(self) -> tuple[str, ...]:
        return tuple(label for label in self.occupations.split(LABEL_SEPARATOR) if label)

    @property
    def isco_codes(self) -> tuple[str, ...]:
        return tuple(self.isco_groups.split())
