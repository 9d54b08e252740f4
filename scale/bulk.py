"""Writing many rows fast: PostgreSQL COPY, with explicit ids so rows can point at each other at once.

``BulkWriter(Model)`` takes dicts of attribute names (``household_id``, not ``household``); columns left
out get the field's default (evaluated once) or NULL. On other databases it falls back to bulk_create,
which is slow but keeps the seeder usable under SQLite for small runs.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable
from typing import Any

from django.db import connection, models
from django.db.models.fields import NOT_PROVIDED


class BulkWriter:
    def __init__(self, model: type[models.Model]):
        self.model = model
        self.fields = list(model._meta.concrete_fields)
        self.columns = [f.column for f in self.fields]
        now = datetime.datetime.now(datetime.UTC)
        self.defaults: dict[str, Any] = {}
        for field in self.fields:
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                self.defaults[field.attname] = now
            elif field.default is not NOT_PROVIDED:
                default = field.default() if callable(field.default) else field.default
                self.defaults[field.attname] = default
            else:
                self.defaults[field.attname] = None

    def next_id(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{self.model._meta.db_table}"')  # noqa: S608
            return cursor.fetchone()[0] + 1

    def _value(self, field, value):
        if value is None:
            return None
        if isinstance(field, models.JSONField):
            return json.dumps(value)
        return value

    def write(self, rows: Iterable[dict[str, Any]]) -> int:
        count = 0
        if connection.vendor == "postgresql":
            table = self.model._meta.db_table
            columns = ", ".join(f'"{c}"' for c in self.columns)
            with connection.cursor() as cursor, cursor.cursor.copy(f'COPY "{table}" ({columns}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(
                        [
                            self._value(f, row[f.attname] if f.attname in row else self.defaults[f.attname])
                            for f in self.fields
                        ]
                    )
                    count += 1
            return count
        batch: list[models.Model] = []
        for row in rows:
            batch.append(self.model(**{**self.defaults, **row}))
            count += 1
            if len(batch) >= 2000:
                self.model.objects.bulk_create(batch)
                batch = []
        if batch:
            self.model.objects.bulk_create(batch)
        return count

    def reset_sequence(self) -> None:
        if connection.vendor != "postgresql":
            return
        table = self.model._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), COALESCE(MAX(id), 1)) FROM \"{table}\""  # noqa: S608
            )
