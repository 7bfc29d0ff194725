"""An import job: one uploaded CSV file on its way into the database, with its progress and its result."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from placement.database import UTCDateTime, enum_column, utcnow
from placement.extensions import db

#: The end of a job-function import's kind when the automatic link to an ESCO occupation is switched off.
NO_AUTO_LINK = ":no-auto-link"


class JobState(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class ImportJob(db.Model):
    """Not audited itself: the records an import creates are."""

    __tablename__ = "import_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    #: What the file holds, e.g. ``network:companies`` (``placement.imports.services.KINDS``).
    kind: Mapped[str] = mapped_column(String(40))
    #: The uploaded file's name, reduced to a safe, generic one (never a person's name: see ``safe_filename``).
    filename: Mapped[str] = mapped_column(String(120), default="")
    state: Mapped[JobState] = mapped_column(enum_column(JobState, length=10), default=JobState.QUEUED)
    lines_total: Mapped[int] = mapped_column(Integer, default=0)
    lines_checked: Mapped[int] = mapped_column(Integer, default=0)
    lines_imported: Mapped[int] = mapped_column(Integer, default=0)
    #: Every problem as ``{"line", "column", "reason"}``; the reasons name columns, never a personal cell's value.
    errors: Mapped[list] = mapped_column(JSON, default=list)
    #: Warnings that did not stop the import, in the same form.
    warnings: Mapped[list] = mapped_column(JSON, default=list)
    #: Of the job functions a job imported: how many were linked to an ESCO occupation from their title, and how many
    #: have no occupation (None for other kinds of file, and when nothing was imported).
    auto_linked: Mapped[int | None] = mapped_column(Integer)
    without_occupation: Mapped[int | None] = mapped_column(Integer)
    #: The uploaded file until the job has run; then deleted (None).
    content: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def finished(self) -> bool:
        return self.state in (JobState.DONE, JobState.FAILED)

    @property
    def auto_link(self) -> bool:
        """Whether job functions without an occupation were to be linked to the one their title names."""
        return not self.kind.endswith(NO_AUTO_LINK)
