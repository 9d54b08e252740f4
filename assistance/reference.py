"""The activity types and indicators every programme starts from (HDX sectors), as the data migration
writes them. ``load_demo`` calls this too, so a database emptied of its reference rows (a flushed test
database, a restore of a partial dump) gets them back; existing rows are never overwritten."""

from importlib import import_module

from django.apps import apps

_SEED = import_module("assistance.migrations.0003_seed_activity_types_and_indicators")


def reference_data_ensure() -> None:
    _SEED.seed(apps, None)
