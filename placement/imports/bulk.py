"""Insert many rows at once, fast: what a large CSV import needs (the ORM's unit of work is ~10 × slower).

On PostgreSQL the ids are drawn from the table's sequence in one query and the rows go in through ``COPY``
(several times faster than even a pipelined ``executemany``); elsewhere through SQLAlchemy's ``executemany``.
Python-side column defaults are filled in as the ORM would.
"""

from __future__ import annotations

from sqlalchemy import Connection, Table, func, insert, select


def with_defaults(table: Table, rows: list[dict]) -> list[dict]:
    """Return the rows with the Python-side column defaults filled in, as the ORM would fill them.

    A callable default is called once for all the rows: they share e.g. their ``created_at``, as rows inserted
    in one statement would. A value a row has already is kept.
    """
    defaults = {}
    for column in table.columns:
        default = column.default
        if default is None or default.is_sequence:
            continue
        defaults[column.key] = default.arg(None) if default.is_callable else default.arg
    return [{**defaults, **row} for row in rows]


def insert_many(connection: Connection, table: Table, rows: list[dict]) -> list[int]:
    """Insert rows (dicts by column key, all with the same keys, no id) in one go; return their ids, in order."""
    if not rows:
        return []
    filled = with_defaults(table, rows)
    names = [c.key for c in table.columns if c.key in filled[0]]
    [key] = table.primary_key.columns
    if connection.dialect.name != "postgresql":
        stmt = insert(table).returning(key, sort_by_parameter_order=True)
        return list(connection.execute(stmt, filled).scalars())
    sequence = connection.scalar(select(func.pg_get_serial_sequence(table.name, key.name)))
    ids = list(connection.scalars(select(func.nextval(sequence)).select_from(func.generate_series(1, len(rows)))))
    dialect = connection.dialect
    processors = [table.columns[name].type._cached_bind_processor(dialect) for name in names]
    quote = dialect.identifier_preparer.quote
    # Table and column names come from the model, never from input; the values travel as COPY data.
    columns = ", ".join(quote(n) for n in (key.name, *names))
    raw = connection.connection.driver_connection
    with raw.cursor() as cursor, cursor.copy(f"COPY {quote(table.name)} ({columns}) FROM STDIN") as copy:
        for id_, row in zip(ids, filled, strict=True):
            copy.write_row((id_, *(process(row.get(name)) if process else row.get(name)
                                   for name, process in zip(names, processors, strict=True))))
    return ids
