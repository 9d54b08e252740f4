"""Primary keys taken ahead of the insert, from the table's own sequence."""

from django.db import connection


def reserve_ids(model, count: int) -> list[int]:
    """Primary keys for ``count`` new rows, taken from the table's sequence so rows (and their children)
    can be written with COPY or ``bulk_create``, or named in a reference, without reading ids back."""
    if count <= 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count]
            )
            return [row[0] for row in cursor.fetchall()]
        # SQLite (local zero-setup runs only): one writer at a time, so the next free ids are ours.
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(table)}")  # noqa: S608
        start = cursor.fetchone()[0] + 1
        return list(range(start, start + count))
