"""Benchmark: import a DTM settlement sheet of 30 000 rows (HXL row, grouped years) and rank its areas.

    DJANGO_SETTINGS_MODULE=abr.settings.local DATABASE_URL=postgres://... python benchmarks/targeting_import.py
    python benchmarks/targeting_import.py --rows 5000 --format xlsx

Everything happens in a throwaway database (``bench_<name>`` on PostgreSQL, in memory on SQLite),
created and dropped here: the database that DATABASE_URL names is never written. Prints rows/s and
figures/s for validation, import and re-import, and seconds for ranking the districts and the settlements.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import gc
import io
import os
import random
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "abr.settings.local")

CATEGORIES = [
    ("ArrivalIDPs", "#affected+idps+arrived+ind"),
    ("FledIDPs", "#affected+idps+fled+ind"),
    ("ReturneeIDPs", "#affected+idps+returned+ind"),
    ("RetFromAbroad", "#affected+returnees+abroad+ind"),
    ("OutMigrants", "#affected+migrants+out+ind"),
]
PERIODS = ["2012_18", "2019", "2020", "2021", "2022"]


def settlements_for(rows: int):
    """Create ``rows`` settlements spread over every district of Afghanistan; return them with their district."""
    from core.models import AdminArea, AdminLevel

    districts = list(
        AdminArea.objects.filter(level=AdminLevel.ADMIN2, country_code="AFG").select_related("parent").order_by("pcode")
    )
    created = []
    for i in range(rows):
        district = districts[i % len(districts)]
        number = i // len(districts) + 1
        area = AdminArea(
            pcode=f"{district.pcode}S{number:03d}",
            name=f"{district.name} settlement {number}",
            level=AdminLevel.SETTLEMENT,
            parent=district,
            country_code="AFG",
        )
        area.path = AdminArea.build_path(area.pcode, district.path)
        created.append(area)
    AdminArea.objects.bulk_create(created, batch_size=5000)
    return [(area, area.parent) for area in created]


def sheet_rows(places, seed: int = 16) -> list[list]:
    """A settlement sheet: 2 % of rows without a settlement code (matched by name), 1 % unknown."""
    generator = random.Random(seed)  # noqa: S311 - synthetic figures, not secrets
    header = ["ADM1NameEnglish", "ADM1Code", "ADM2NameEnglish", "ADM2Code", "SettlementNameEnglish", "SettlementCode"]
    tags = ["#adm1+name", "#adm1+code", "#adm2+name", "#adm2+code", "#loc+name", "#loc+code"]
    for category, tag in CATEGORIES:
        for period in PERIODS:
            header.append(f"{category}{period}")
            tags.append(tag)
    rows = [header, tags]
    for i, (settlement, district) in enumerate(places):
        code, name = settlement.pcode, settlement.name
        if i % 50 == 7:
            code = ""
        elif i % 100 == 13:
            code, name = f"{district.pcode}S9{i % 100:02d}", f"Unlisted place {i}"
        counts = [generator.randint(0, 400) if generator.random() > 0.3 else 0 for _ in range(len(header) - 6)]
        rows.append([district.parent.name, district.parent.pcode, district.name, district.pcode, name, code, *counts])
    return rows


def as_csv(rows: list[list]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode()


def as_xlsx(rows: list[list]) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Settlements")
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def timed(label: str, work):
    start = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - start
    return result, seconds


def run(rows: int, file_format: str) -> None:
    from django.core.management import call_command

    from core.models import AdminArea, Role
    from core.services import organisation_create, user_create
    from targeting import services
    from targeting.importer import read_plan
    from targeting.models import DtmFigure, DtmSource

    call_command("load_admin_areas", stdout=io.StringIO())
    iom = organisation_create(
        actor=None, name="International Organization for Migration", acronym="IOM", kind="un_agency"
    )
    manager = user_create(
        actor=None,
        username="bench.manager",
        email="bench@example.org",
        password=None,
        organisation=iom,
        role=Role.MANAGER,
        areas=[AdminArea.objects.get(pcode="AFG")],
    )
    places, seconds = timed("settlements", lambda: settlements_for(rows))
    print(f"set-up: {rows} settlements created in {seconds:.1f} s")
    table = sheet_rows(places)
    data = as_xlsx(table) if file_format == "xlsx" else as_csv(table)
    name = f"bma_settlements_{rows}.{file_format}"
    print(f"file: {name}, {len(data) / 1e6:.1f} MB, {rows} data rows, {len(table[0]) - 6} count columns, HXL row")

    options = {"file_name": name, "source": DtmSource.AFG_BASELINE}
    plan, seconds = timed("validate", lambda: read_plan(data, **options))
    print(
        f"validate only: {seconds:.2f} s, {rows / seconds:,.0f} rows/s "
        f"({len(plan.figures):,} figures, {plan.unmatched_count} unmatched, {plan.matched_by_name_count} by name)"
    )
    del plan, table, places  # measure the import as a job runs it: one file, one plan
    gc.collect()

    def import_file():
        return services.dtm_dataset_import(
            actor=manager,
            data=data,
            round_label="Round 16",
            reporting_date=datetime.date(2025, 6, 30),
            **options,
        )

    outcome, seconds = timed("import", import_file)
    figures = DtmFigure.objects.filter(dataset=outcome.dataset).count()
    print(f"import: {seconds:.2f} s, {rows / seconds:,.0f} rows/s, {figures / seconds:,.0f} figures/s", end="")
    print(f" ({figures:,} figures)")
    again, seconds = timed("re-import", import_file)
    assert again.already_imported
    print(f"re-import of the same file: {seconds * 1000:.0f} ms (no-op)")

    model = services.scoring_model_create(
        actor=manager, name="Benchmark", weights={"total": 2, "returnee_share": 1, "left": 0.5}
    )
    for level, label in ((2, "districts"), (3, "settlements")):
        round_ = services.round_create(
            actor=manager,
            name=f"Benchmark {label}",
            area=AdminArea.objects.get(pcode="AFG"),
            admin_level=level,
            scoring_model=model,
            datasets=[outcome.dataset],
        )
        scored, seconds = timed(
            "score", lambda round_=round_: services.round_score(actor=manager, targeting_round=round_)
        )
        print(f"rank {scored.scores.count():,} {label}: {seconds:.2f} s")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of the process: {peak:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=30_000)
    parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    settings.DEBUG = False  # no query log while measuring
    original = connection.settings_dict["NAME"]
    if connection.vendor == "postgresql":  # apart from the test database pytest uses
        connection.settings_dict["TEST"]["NAME"] = f"bench_{original}"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    print(f"database: {connection.vendor}, throwaway {connection.settings_dict['NAME']}")
    try:
        from core.context import Origin, origin

        with origin(Origin(channel="command")):
            run(args.rows, args.format)
    finally:
        connection.creation.destroy_test_db(original, verbosity=0)


if __name__ == "__main__":
    main()
