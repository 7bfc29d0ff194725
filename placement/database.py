"""Column types and mixins shared by the feature models, and the check of a pooled connection."""

import enum
import select
from datetime import UTC, datetime

from sqlalchemy import DateTime, Enum, TypeDecorator, event
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.pool import Pool


def utcnow() -> datetime:
    """Return the current time, timezone-aware in UTC."""
    return datetime.now(UTC)


def enum_column(enum_class: type[enum.Enum], *, length: int) -> Enum:
    """Return the column type of an enum: its values (not its names) in a VARCHAR of ``length``, no native type."""
    return Enum(enum_class, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e])


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC timestamp on every database (SQLite keeps no zone, so it is restored on load)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is not None:
            if value.tzinfo is None:
                raise ValueError("naive datetime given for a UTC column")
            value = value.astimezone(UTC)
            if dialect.name == "sqlite":
                value = value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


@event.listens_for(Pool, "checkout")
def _refuse_closed_connection(dbapi_connection, _record, _proxy) -> None:
    """Before a pooled PostgreSQL connection is handed out, make sure the server has not closed it (a restart,
    ``pg_terminate_backend``, an idle timeout): the pool then opens a new one.

    Instead of a round trip per checkout (SQLAlchemy's ``pool_pre_ping``, a query on every request), ask the socket:
    an idle connection has nothing to read unless the server has said goodbye or gone.
    """
    pgconn = getattr(dbapi_connection, "pgconn", None)
    if pgconn is None:
        return  # SQLite: nothing between the process and its file
    try:
        gone = dbapi_connection.closed or bool(select.select([pgconn.socket], [], [], 0)[0])
    except (OSError, ValueError, dbapi_connection.OperationalError):
        gone = True
    if gone:
        raise DisconnectionError("the server closed the connection")
