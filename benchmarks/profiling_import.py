"""Household import speed against a raw PostgreSQL COPY of the same rows.

    DATABASE_URL=postgres://... .venv/bin/python benchmarks/profiling_import.py --households 100000

Generates a Kobo-style export (households CSV with group-prefixed columns, members CSV joined by
``_submission__uuid``; about six members a household) and imports it with ``services.household_import``
(every check, duplicate detection, scoring, writes), timed through the foreign-key checks its commit
would run. The baseline is a raw COPY of the very rows the import wrote (households, members, consents,
duplicate pairs) into tables like the real ones: same columns, indexes, unique and foreign-key
constraints, checked the same way. That is the least any importer pays to put these rows into this
schema; the import's ratio to it is what the checking, reading and scoring cost. A COPY of the two CSV
files into TEMP tables of text (no type, no index, no check) is printed too, for reading speed alone.

Everything runs in one transaction that is rolled back at the end: the database is left as it was
(migrations are applied first). Figures are in benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "abr.settings.local")

HOUSEHOLD_HEADER = [
    "_uuid",
    "_index",
    "_submission_time",
    "group_location/settlement_pcode",
    "group_hh/displacement_status",
    "group_hh/arrival_date",
    "group_hh/origin_pcode",
    "group_hh/shelter_type",
    "group_hh/phone",
    "group_hh/hh_size",
    "group_return/intention",
    "group_return/return_barriers",
    "group_econ/has_income",
    "group_econ/has_debt",
    "group_consent/consent_registration",
    "group_consent/consent_referral",
    "group_consent/consent_partner_sharing",
    "_gps_latitude",
    "_gps_longitude",
]
MEMBER_HEADER = [
    "_index",
    "_parent_index",
    "_submission__uuid",
    "grp_member/name",
    "grp_member/sex",
    "grp_member/relationship",
    "grp_member/date_of_birth",
    "grp_member/age",
    "grp_wg/wg_seeing",
    "grp_wg/wg_hearing",
    "grp_wg/wg_walking",
    "grp_wg/wg_remembering",
    "grp_wg/wg_self_care",
    "grp_wg/wg_communicating",
    "grp_member/chronic_illness",
    "grp_member/pregnant_or_lactating",
    "grp_member/documents",
]
FIRST = [
    "Gul",
    "Mohammad",
    "Abdul",
    "Sayed",
    "Noor",
    "Habib",
    "Shir",
    "Ahmad",
    "Wali",
    "Rahmat",
    "Zarmina",
    "Bibi",
    "Fatima",
    "Nazia",
    "Gulalai",
    "Shabnam",
    "Marzia",
    "Freshta",
    "Laila",
    "Parwana",
]
SECOND = ["Jan", "Khan", "Agha", "ullah", "Rahim", "Nabi", "Zia", "Hawa", "Gul", "Bano", "Wali", "Din"]
FAMILY = [
    "Ahmadzai",
    "Safi",
    "Noori",
    "Rahimi",
    "Stanikzai",
    "Wardak",
    "Popal",
    "Khogyani",
    "Mohmand",
    "Hotak",
    "Barakzai",
    "Popalzai",
    "Alokozai",
    "Sadozai",
    "Achakzai",
    "Kakar",
    "Shinwari",
    "Tajik",
    "Hazara",
    "Niazi",
]
BARRIERS = [
    "housing_destroyed",
    "no_livelihoods",
    "no_services",
    "explosive_hazards",
    "insecurity",
    "tribal_ethnic_tensions",
    "missing_documents",
    "fear_trauma",
    "armed_actors",
    "blocked_returns",
]


def generate(directory: Path, households: int, settlements: list[str], seed: int = 7) -> tuple[Path, Path, int]:
    rng = random.Random(seed)  # noqa: S311 - test data, not secrets
    today = datetime.date.today()
    hh_path, member_path = directory / "households.csv", directory / "members.csv"
    members_written = 0
    with hh_path.open("w", newline="") as hh_file, member_path.open("w", newline="") as member_file:
        hh_out, member_out = csv.writer(hh_file), csv.writer(member_file)
        hh_out.writerow(HOUSEHOLD_HEADER)
        member_out.writerow(MEMBER_HEADER)
        for n in range(1, households + 1):
            uuid = f"{rng.getrandbits(128):032x}"
            size = max(1, min(14, int(rng.gauss(6, 2.2))))
            hh_out.writerow(
                [
                    uuid,
                    n,
                    f"2025-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}T09:{rng.randint(10, 59)}:00",
                    rng.choice(settlements),
                    rng.choice(["returnee_abroad", "idp", "returned_idp", "host", "refugee"]),
                    (today - datetime.timedelta(days=rng.randint(10, 1500))).isoformat(),
                    "AF0608",
                    rng.choice(["owned_house", "rented", "hosted", "tent", "makeshift", "damaged_house"]),
                    f"07{rng.randint(0, 99):02d}{n:06d}" if rng.random() < 0.9 else "",
                    size,
                    rng.choice(["stay", "return", "relocate", "integrate", "undecided"]),
                    " ".join(rng.sample(BARRIERS, k=rng.randint(0, 3))),
                    rng.choice(["yes", "no"]),
                    rng.choice(["yes", "no"]),
                    "yes",
                    rng.choice(["yes", "no"]),
                    rng.choice(["yes", "no"]),
                    f"34.{rng.randint(100000, 999999)}",
                    f"70.{rng.randint(100000, 999999)}",
                ]
            )
            family = rng.choice(FAMILY)
            for i in range(size):
                head = i == 0
                sex = rng.choice("fm") if not head else ("f" if rng.random() < 0.2 else "m")
                age = rng.randint(18, 75) if head else rng.randint(0, 60)
                exact = head and rng.random() < 0.9
                born = datetime.date(today.year - age, rng.randint(1, 12), rng.randint(1, 28)) if exact else None
                wg = [rng.choice("1111112") if rng.random() < 0.97 else rng.choice("34") for _ in range(6)]
                member_out.writerow(
                    [
                        members_written + 1,
                        n,
                        uuid,
                        f"{rng.choice(FIRST)} {rng.choice(SECOND)} {family}",
                        sex,
                        "head" if head else rng.choice(["spouse", "child", "child", "child", "parent", "sibling"]),
                        born.isoformat() if born else "",
                        "" if born else age,
                        *wg,
                        "yes" if rng.random() < 0.08 else "no",
                        "yes" if sex == "f" and 18 <= age <= 45 and rng.random() < 0.15 else "no",
                        "tazkira" if rng.random() < 0.7 else "",
                    ]
                )
                members_written += 1
    return hh_path, member_path, members_written


# The tables an import writes, and how to select the rows it wrote for one organisation, in id order.
WRITTEN = {
    "profiling_household": "SELECT t.* FROM profiling_household t WHERE t.organisation_id = %s ORDER BY t.id",
    "profiling_member": (
        "SELECT t.* FROM profiling_member t JOIN profiling_household h ON h.id = t.household_id "
        "WHERE h.organisation_id = %s ORDER BY t.id"
    ),
    "profiling_consent": (
        "SELECT t.* FROM profiling_consent t JOIN profiling_household h ON h.id = t.household_id "
        "WHERE h.organisation_id = %s ORDER BY t.id"
    ),
    "profiling_duplicatepair": (
        "SELECT t.* FROM profiling_duplicatepair t JOIN profiling_household h ON h.id = t.household_id "
        "WHERE h.organisation_id = %s ORDER BY t.id"
    ),
}


def copy_files_into_text_tables(cursor, hh_path: Path, member_path: Path) -> float:
    """Seconds to COPY the two CSV files as they are into TEMP tables of text: reading alone."""
    for table, header in (("bench_households", HOUSEHOLD_HEADER), ("bench_members", MEMBER_HEADER)):
        columns = ", ".join(f"c{i} text" for i in range(len(header)))
        cursor.execute(f"CREATE TEMP TABLE {table} ({columns})")
    started = time.perf_counter()
    for table, path in (("bench_households", hh_path), ("bench_members", member_path)):
        with (
            cursor.copy(f"COPY {table} FROM STDIN WITH (FORMAT csv, HEADER true)") as copy,
            path.open("rb") as source,
        ):
            while chunk := source.read(1 << 20):
                copy.write(chunk)
    return time.perf_counter() - started


def rows_of_organisation(cursor, organisation_id: int) -> tuple[dict[str, bytes], int]:
    """The rows the import wrote, per table, in COPY's text format, and how many there are."""
    written, count = {}, 0
    for table, query in WRITTEN.items():
        with cursor.copy(f"COPY ({query.replace('%s', str(int(organisation_id)))}) TO STDOUT") as copy:
            written[table] = b"".join(bytes(chunk) for chunk in copy)
        count += written[table].count(b"\n")
    return written, count


def copy_into_tables_like_ours(cursor, written: dict[str, bytes]) -> float:
    """Seconds to COPY the written rows into copies of the real tables (same columns, indexes, unique and
    check constraints, and the same foreign keys, checked as a commit checks them): the fastest way any
    importer has to put these rows into this schema."""
    for table in written:
        # not TEMP: logged like the real tables, and able to hold foreign keys to them
        cursor.execute(f"CREATE TABLE bench_{table} (LIKE {table} INCLUDING ALL)")
    for table in written:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'f'",
            [table],
        )
        for name, definition in cursor.fetchall():
            # keys between the written tables point at the copies; keys to users, organisations and
            # places at the real rows, as the import's do
            for target in written:
                definition = definition.replace(f"REFERENCES {target}(", f"REFERENCES bench_{target}(")
            cursor.execute(f"ALTER TABLE bench_{table} ADD CONSTRAINT bench_{name} {definition}")
    started = time.perf_counter()
    for table, rows in written.items():
        with cursor.copy(f"COPY bench_{table} FROM STDIN") as copy:
            for offset in range(0, len(rows), 1 << 20):
                copy.write(rows[offset : offset + (1 << 20)])
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument(
        "--districts",
        type=int,
        help="districts the households live in (default: one per 50,000 households, 2 at least)",
    )
    parser.add_argument("--settlements", type=int, default=20, help="settlements per district")
    args, _unknown = parser.parse_known_args()
    # Duplicates are looked for within a district: a million households in two districts would make
    # millions of look-alike heads, which no real caseload has.
    args.districts = args.districts or max(2, args.households // 50_000)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    if connection.vendor != "postgresql":
        print("profiling_import: needs PostgreSQL (set DATABASE_URL); skipped")
        return 0
    call_command("migrate", verbosity=0)

    from core.models import AdminArea, AdminLevel, Membership, Organisation, Role, User
    from profiling import services
    from profiling.models import Household, Member
    from targeting.models import RoundStatus, ScoringModel, TargetArea, TargetingRound

    with tempfile.TemporaryDirectory() as tmp, transaction.atomic():
        country = AdminArea.objects.create(pcode="BNX", name="Bench", level=AdminLevel.COUNTRY, country_code="BNX")
        province = AdminArea.objects.create(
            pcode="BNX01", name="Bench province", level=1, parent=country, country_code="BNX"
        )
        districts = [
            AdminArea.objects.create(
                pcode=f"BNX01{d:02d}", name=f"District {d}", level=2, parent=province, country_code="BNX"
            )
            for d in range(1, args.districts + 1)
        ]
        settlements = []
        for s in range(args.settlements * args.districts):
            district = districts[s % args.districts]
            settlements.append(
                AdminArea.objects.create(
                    pcode=f"{district.pcode}S{s:03d}",
                    name=f"Settlement {s}",
                    level=3,
                    parent=district,
                    country_code="BNX",
                ).pcode
            )
        if not AdminArea.objects.filter(pcode="AF0608").exists():
            AdminArea.objects.create(pcode="AF0608", name="Khogyani", level=2, parent=province, country_code="BNX")
        organisation = Organisation.objects.create(name="Benchmark agency", acronym="BENCH", kind="un_agency")
        user = User.objects.create(username="bench.importer")
        Membership.objects.create(user=user, organisation=organisation, role=Role.FIELD_STAFF).areas.set([province])
        scoring = ScoringModel.objects.create(organisation=organisation, name="Bench", weights={"idps": 1})
        targeting_round = TargetingRound.objects.create(
            organisation=organisation,
            name="Bench round",
            area=country,
            admin_level=2,
            scoring_model=scoring,
            status=RoundStatus.APPROVED,
        )
        TargetArea.objects.create(round=targeting_round, area=province, rationale="benchmark")

        started = time.perf_counter()
        hh_path, member_path, member_rows = generate(Path(tmp), args.households, settlements)
        print(
            f"generated {args.households} households / {member_rows} members in "
            f"{time.perf_counter() - started:.1f} s ({hh_path.stat().st_size / 1e6:.1f} + "
            f"{member_path.stat().st_size / 1e6:.1f} MB CSV)"
        )

        started = time.perf_counter()
        with hh_path.open("rb") as households, member_path.open("rb") as members:
            report = services.household_import(
                actor=user,
                households_file=households,
                households_name="households.csv",
                members_file=members,
                members_name="members.csv",
            )
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the foreign-key checks a commit runs
        ours = time.perf_counter() - started
        assert Household.objects.filter(organisation=organisation).count() == args.households
        assert Member.objects.filter(household__organisation=organisation).count() == member_rows
        total_rows = args.households + member_rows

        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            text_copy = copy_files_into_text_tables(cursor, hh_path, member_path)
            written, rows_written = rows_of_organisation(cursor, organisation.pk)
            table_copy = copy_into_tables_like_ours(cursor, written)

        print(
            f"import (household_import, through its commit's foreign-key checks): {ours:.2f} s, "
            f"{args.households / ours:,.0f} households/s, {total_rows / ours:,.0f} CSV rows/s; "
            f"{report['possible_duplicates']} possible duplicates flagged; {rows_written:,} rows written"
        )
        print(
            f"raw COPY of the rows written into tables like the real ones (same indexes, unique and "
            f"foreign-key checks): {table_copy:.2f} s, {rows_written / table_copy:,.0f} rows/s"
        )
        print(
            f"raw COPY of the two CSV files into TEMP tables of text (no index, no check): {text_copy:.2f} s, "
            f"{total_rows / text_copy:,.0f} rows/s"
        )
        print(
            f"ratio import / raw COPY into tables like ours: {ours / table_copy:.1f}x slower "
            f"(speed {table_copy / ours:.2f} of COPY; target >= 0.33); "
            f"import / COPY into text tables: {ours / text_copy:.1f}x"
        )
        transaction.set_rollback(True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
