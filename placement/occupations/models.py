"""ESCO occupations with Danish labels, grouped by ISCO-08 (in Denmark DISCO-08)."""

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from placement.extensions import db


class IscoGroup(db.Model):
    __tablename__ = "isco_groups"

    #: 1–4 digit ISCO-08 / DISCO-08 code; the first digits name the wider groups.
    code: Mapped[str] = mapped_column(String(4), primary_key=True)
    label: Mapped[str] = mapped_column(String(300))


class Occupation(db.Model):
    __tablename__ = "occupations"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: ESCO concept URI, the stable key across imports.
    uri: Mapped[str] = mapped_column(String(200), unique=True)
    #: 4-digit ISCO-08 group.
    isco_group: Mapped[str] = mapped_column(String(4), index=True)
    label: Mapped[str] = mapped_column(String(300))
    #: Alternative labels (synonyms), one per line as in the ESCO download.
    alt_labels: Mapped[str] = mapped_column(Text, default="")

    @property
    def synonyms(self) -> list[str]:
        return [s for s in self.alt_labels.splitlines() if s.strip()]

    def __str__(self) -> str:
        return self.label
