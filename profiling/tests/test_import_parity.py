"""The set-based CSV import (``staged_import``) against the row-by-row one, on the same files.

Each case runs both paths inside a rolled-back block and compares everything a user sees: the report,
the problems (line, column, message), and the households, members, consents and duplicate pairs
written, field by field.
"""

import csv
import datetime
import io
import random
import sys

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from core.models import AuditEvent
from core.tabular import ImportFailed
from profiling import rules, services, staged_import
from profiling.models import Consent, DuplicatePair, Household, Member
from profiling.tests.factories import member_input, register, targeted
from profiling.tests.test_import import HOUSEHOLD_HEADER as KOBO_HOUSEHOLD_HEADER
from profiling.tests.test_import import MEMBER_HEADER as KOBO_MEMBER_HEADER

# The set-based path is PostgreSQL's (COPY, TEMP tables); elsewhere only the row-by-row path exists.
pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="the set-based import needs PostgreSQL")

# The Kobo-style layout of the row-by-row tests, with the member rows' own index and the optional columns.
HOUSEHOLD_HEADER = [*KOBO_HOUSEHOLD_HEADER, "_submission_time", "group_consent/legal_basis", "notes"]
MEMBER_HEADER = ["_index", *KOBO_MEMBER_HEADER]
NAMES = ["Gul Ahmad", "Gul Ahmed", "Mohammad Wali", "Muhammad Wali", "Zarmina Bibi", "Noor Jan", "Nur Jan", "Shabnam"]


def export(count=60, seed=3):
    """A Kobo-style pair with variety: every choice spelling, ages and birth dates, WG answers, sizes
    that meet the large-household rule, phones repeated and written in other digits, blank cells."""
    rng = random.Random(seed)
    today = timezone.localdate()
    households, members = [], []
    for n in range(1, count + 1):
        uuid = f"{'uuid:' if n % 7 == 0 else ''}sub-{n}"
        phone = rng.choice(["", f"0700{n:06d}", "+93 700 000 001", "۰۷۰۰۰۰۰۰۰۲", f" 070 {n:07d} "])
        households.append(
            {
                "_uuid": uuid,
                "_index": str(n),
                "_submission_time": rng.choice(["", "2025-03-04T09:10:00", "2025-03-04T09:10:00+04:30", "bad"]),
                "group_location/settlement_pcode": rng.choice(["AF0608S001", " af0608s001 ", "AF-0608S001"]),
                "group_hh/displacement_status": rng.choice(["returnee_abroad", "IDP", "Returnees", "host", "idps"]),
                "group_hh/arrival_date": rng.choice(["", "2024-02-10", "2023-12-31T08:00:00"]),
                "group_hh/origin_pcode": rng.choice(["", "AF0608", "af06"]),
                "group_hh/shelter_type": rng.choice(["tent", "rented", "Damaged house", "owned-house", "makeshift"]),
                "group_hh/phone": phone,
                "group_hh/hh_size": rng.choice(["", "2", "3", "9"]),
                "group_return/intention": rng.choice(["", "stay", "Return", "relocate"]),
                "group_return/return_barriers": rng.choice(
                    ["", "housing_destroyed armed_actors", "insecurity,insecurity;no_services"]
                ),
                "group_econ/has_income": rng.choice(["", "yes", "No", "0"]),
                "group_econ/has_debt": rng.choice(["", "yes", "n", "TRUE"]),
                "group_consent/consent_registration": rng.choice(["yes", "Yes", "1"]),
                "group_consent/consent_referral": rng.choice(["yes", "no"]),
                "group_consent/consent_partner_sharing": rng.choice(["yes", "no", "oui"]),
                "group_consent/legal_basis": rng.choice(["", "consent", "vital_interest"]),
                "_gps_latitude": rng.choice(["", "34.1", "-33.123456", "90"]),
                "_gps_longitude": rng.choice(["", "70.2", "-179.5"]),
                "notes": rng.choice(["", "  ok  ", "hé, “quoted”", 'say "hi", twice']),
            }
        )
        size = rng.choice([1, 2, 3, 8, 9])
        for i in range(size):
            head = i == 0
            age = rng.choice([8, 16, 17, 30, 59, 60, 70]) if head else rng.randint(0, 80)
            exact = rng.random() < 0.6
            born = datetime.date(today.year - age, rng.randint(1, 12), rng.randint(1, 28)) if exact else None
            sex = rng.choice(["f", "m", "female", "Male"])
            members.append(
                {
                    "_index": str(len(members) + 1),
                    "_parent_index": str(n),
                    "_submission__uuid": uuid,
                    "grp_member/name": rng.choice(NAMES) + (" Safi" if head else f" {i}"),
                    "grp_member/sex": sex,
                    "grp_member/relationship": "hoh" if head and n % 5 == 0 else ("head" if head else "son"),
                    "grp_member/date_of_birth": born.isoformat() if born else "",
                    "grp_member/age": "" if born else str(age),
                    **{f"grp_wg/{d}": rng.choice(["", "1", "2", "3", "4", "01"]) for d in services.WG_DOMAINS},
                    "grp_member/chronic_illness": rng.choice(["", "yes", "no"]),
                    "grp_member/pregnant_or_lactating": "yes" if sex in ("f", "female") and rng.random() < 0.2 else "",
                    "grp_member/documents": rng.choice(["", "tazkira", "tazkira passport"]),
                }
            )
    return households, members


def as_csv(header, rows) -> io.BytesIO:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(header)
    writer.writerows([[row.get(h, "") for h in header] for row in rows])
    return io.BytesIO(text.getvalue().encode())


def import_pair(user, households, members, **options):
    """``household_import`` of the two files, by whichever path it takes."""
    return services.household_import(
        actor=user,
        households_file=as_csv(HOUSEHOLD_HEADER, households),
        households_name="households.csv",
        members_file=as_csv(MEMBER_HEADER, members),
        members_name="members.csv",
        **options,
    )


def outcome(user, households, members, *, staged, validate_only=False, member_header=MEMBER_HEADER, raw=None):
    """Run one path in a block that is rolled back; return what it reported and wrote."""
    used = []
    real = staged_import.household_import_staged

    def spy(**kwargs):
        report = real(**kwargs)
        used.append(report is not None)
        return report

    with transaction.atomic():
        original = staged_import.applies, staged_import.household_import_staged
        if not staged:
            staged_import.applies = lambda *args: False
        staged_import.household_import_staged = spy
        try:
            report = services.household_import(
                actor=user,
                households_file=io.BytesIO(raw) if raw else as_csv(HOUSEHOLD_HEADER, households),
                households_name="households.csv",
                members_file=as_csv(member_header, members),
                members_name="members.csv",
                validate_only=validate_only,
            )
            problems = None
        except ImportFailed as failed:
            report, problems = None, [(p.row, p.column, p.problem) for p in failed.problems]
        finally:
            staged_import.applies, staged_import.household_import_staged = original
        written = stored()
        transaction.set_rollback(True)
    return {"report": report, "problems": problems, "written": written}, bool(used and used[0])


def stored():
    skip = {"id", "created_at", "updated_at", "reference", "vulnerability_model_id", "import_job_id"}
    households = {}
    for h in Household.objects.filter(submission_id__isnull=False).order_by("id"):
        values = {f.attname: getattr(h, f.attname) for f in Household._meta.concrete_fields if f.attname not in skip}
        assert h.reference == f"{h.organisation.acronym}-{h.pk:07d}"
        if values["registered_at"] == h.created_at:
            values["registered_at"] = "now"
        households[h.submission_id] = values
    sid = {pk: s or ref for pk, s, ref in Household.objects.values_list("id", "submission_id", "reference")}
    members = [
        {f.attname: getattr(m, f.attname) for f in Member._meta.concrete_fields if f.attname not in skip}
        | {"household_id": sid[m.household_id]}
        for m in Member.objects.filter(household__submission_id__isnull=False).order_by("id")
    ]
    consents = [
        (sid[c.household_id], c.purpose, c.given, c.legal_basis, c.recorded_by_id)
        for c in Consent.objects.filter(household__submission_id__isnull=False).order_by("id")
    ]
    pairs = sorted(
        (
            (sid[p.household_id], sid[p.candidate_id], tuple(p.reasons), p.similarity, p.status, p.found_on)
            for p in DuplicatePair.objects.all()
        ),
        key=repr,
    )
    audits = [
        {k: v for k, v in a.after.items() if k not in ("first_id", "last_id")}
        for a in AuditEvent.objects.filter(action="household.import")
    ]
    return {"households": households, "members": members, "consents": consents, "pairs": pairs, "audits": audits}


def assert_same(user, households, members, *, expect_staged, **options):
    slow, used_slow = outcome(user, households, members, staged=False, **options)
    fast, used_fast = outcome(user, households, members, staged=True, **options)
    assert fast["problems"] == slow["problems"]
    assert not used_slow
    assert used_fast == expect_staged
    assert fast["report"] == slow["report"]
    assert fast["written"]["households"] == slow["written"]["households"]
    for table in ("members", "consents", "pairs", "audits"):
        assert fast["written"][table] == slow["written"][table], table
    return fast


@pytest.fixture
def open_khogyani(places, iom):
    return targeted(places.khogyani, iom)


@pytest.fixture
def stored_households(field_officer, places, open_khogyani):
    """Households already registered that rows of the file resemble (phone, or name and birth)."""
    register(field_officer, places.kaga, phone="0700000001")
    year = timezone.localdate().year
    register(
        field_officer,
        places.kaga,
        phone="",
        members=[member_input(name="Gul Ahmed Safi", date_of_birth=None, age=16)],
    )
    register(field_officer, places.kaga, phone="", members=[member_input(name="Noor Jan Safi", age=None)])
    return year


def test_a_clean_export_gives_the_same_households_members_scores_and_duplicates(field_officer, stored_households):
    households, members = export()
    fast = assert_same(field_officer, households, members, expect_staged=True)
    report = fast["report"]
    assert report["households"] == 60
    assert report["possible_duplicates"] > 0
    assert any(w["column"] == "hh_size" for w in report["warnings"])
    written = fast["written"]["households"]
    assert {h["vulnerability_band"] for h in written.values()} >= {"medium", "high"}
    assert any(h["phone_key"] == rules.phone_key("۰۷۰۰۰۰۰۰۰۲") != "" for h in written.values())


def test_scores_match_the_rules_for_every_household(field_officer, stored_households):
    households, members = export(count=80, seed=11)
    outcome_ = assert_same(field_officer, households, members, expect_staged=True)
    assert outcome_["report"]["households"] == 80
    with transaction.atomic():
        import_pair(field_officer, households, members)
        spec = services._spec_of(
            services.selectors.vulnerability_model_active(organisation_id=field_officer_org(field_officer))
        )
        today = timezone.localdate()
        for household in Household.objects.filter(submission_id__startswith="sub-"):
            result = rules.vulnerability(
                services._household_facts(household, list(household.members.all()), today), spec
            )
            assert (household.vulnerability_score, household.vulnerability_band) == (result.score, result.band)
            assert household.vulnerability_criteria == list(result.criteria)
        transaction.set_rollback(True)


def field_officer_org(user):
    return services._actor_organisation(user).pk


def test_validate_only_gives_the_same_report_and_writes_nothing(field_officer, stored_households):
    households, members = export(count=30)
    fast = assert_same(field_officer, households, members, expect_staged=True, validate_only=True)
    assert fast["report"]["households"] == 30
    assert fast["written"]["households"] == {}
    assert fast["written"]["audits"] == []


@pytest.mark.parametrize("validate_only", [False, True])
def test_progress_moves_step_by_step_over_the_rows_of_both_files(field_officer, stored_households, validate_only):
    households, members = export(count=30, seed=4)
    seen = []
    with transaction.atomic():
        report = import_pair(
            field_officer, households, members, validate_only=validate_only, progress=lambda *step: seen.append(step)
        )
        transaction.set_rollback(True)
    assert report["households"] == 30
    rows = len(households) + len(members)
    assert {total for _done, total in seen} == {rows}
    done = [d for d, _total in seen]
    assert done == sorted(done)
    assert len(set(done)) == len(done)
    assert done[-1] == rows
    # a check stops after comparing; an import also reports each table it writes
    assert len(done) == (6 if validate_only else 10)


@pytest.mark.parametrize("staged", [True, False])
def test_the_import_checks_foreign_keys_itself_and_defers_them_again(
    field_officer, stored_households, monkeypatch, staged
):
    """Keys are checked before the import ends (for its progress bar, not after it at commit); the rest of
    the transaction keeps Django's deferred checking, so a row may still point at one written later."""
    if not staged:
        monkeypatch.setattr(staged_import, "applies", lambda *args: False)
    households, members = export(count=5, seed=2)
    with transaction.atomic():
        stored = Member.objects.first()
        with transaction.atomic():
            with connection.cursor() as cursor:  # a dangling key, only caught when checked
                cursor.execute("UPDATE profiling_member SET household_id = -1 WHERE id = %s", [stored.pk])
            with pytest.raises(IntegrityError):
                import_pair(field_officer, households, members)
            transaction.set_rollback(True)
        report = import_pair(field_officer, households, members)
        assert report["households"] == 5
        with connection.cursor() as cursor:
            cursor.execute("UPDATE profiling_member SET household_id = -1 WHERE id = %s", [stored.pk])
            cursor.execute(
                "UPDATE profiling_member SET household_id = %s WHERE id = %s", [stored.household_id, stored.pk]
            )
        transaction.set_rollback(True)


def test_every_deferrable_constraint_is_initially_deferred(db):
    """``_check_written_keys`` ends with ``SET CONSTRAINTS ALL DEFERRED``: that is each constraint's own
    mode only while none is deferrable and initially immediate."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT conname FROM pg_constraint WHERE condeferrable AND NOT condeferred")
        assert cursor.fetchall() == []


def test_members_keyed_by_parent_index(field_officer, stored_households):
    households, members = export(count=25, seed=5)
    header = [h for h in MEMBER_HEADER if h != "_submission__uuid"]
    assert_same(field_officer, households, members, expect_staged=True, member_header=header)


def test_reimport_skips_what_is_stored(field_officer, stored_households):
    households, members = export(count=20, seed=9)
    first = [h["_uuid"].removeprefix("uuid:") for h in households[:12]]
    keep = [m for m in members if m["_submission__uuid"].removeprefix("uuid:") in first]
    services.household_import(
        actor=field_officer,
        households_file=as_csv(HOUSEHOLD_HEADER, households[:12]),
        households_name="households.csv",
        members_file=as_csv(MEMBER_HEADER, keep),
        members_name="members.csv",
    )
    fast = assert_same(field_officer, households, members, expect_staged=True)
    assert fast["report"]["skipped_existing"] == 12
    assert fast["report"]["households"] == 8
    header = [h for h in MEMBER_HEADER if h != "_submission__uuid"]
    fast = assert_same(field_officer, households, members, expect_staged=True, member_header=header)
    assert fast["report"]["skipped_existing"] == 12


BAD_HOUSEHOLD = [
    {"_uuid": ""},
    {"_uuid": "sub-1"},
    {"_uuid": "x" * 65},
    {"group_location/settlement_pcode": "AF3202S002"},
    {"group_location/settlement_pcode": "AF0608"},
    {"group_location/settlement_pcode": "ZZ99"},
    {"group_hh/origin_pcode": "ZZ99"},
    {"group_hh/displacement_status": "tourist"},
    {"group_hh/shelter_type": ""},
    {"group_hh/arrival_date": "10/02/2024"},
    {"group_hh/arrival_date": "2999-01-01"},
    {"group_hh/phone": "0" * 21},
    {"group_hh/hh_size": "0"},
    {"group_return/intention": "maybe"},
    {"group_return/return_barriers": "dragons"},
    {"group_econ/has_income": "perhaps"},
    {"group_consent/consent_referral": ""},
    {"group_consent/consent_registration": "no"},
    {"group_consent/legal_basis": "whim"},
    {"_gps_latitude": "91"},
    {"_gps_longitude": "east"},
]
BAD_MEMBER = [
    {"_submission__uuid": "sub-999", "_parent_index": "999"},
    {"grp_member/name": ""},
    {"grp_member/name": "n" * 201},
    {"grp_member/sex": "x"},
    {"grp_member/relationship": "cousin"},
    {"grp_member/relationship": "head"},
    {"grp_member/date_of_birth": "1990-02-30"},
    {"grp_member/date_of_birth": "", "grp_member/age": ""},
    {"grp_member/date_of_birth": " ", "grp_member/age": "\t"},
    {"grp_member/age": "121", "grp_member/date_of_birth": ""},
    {"grp_wg/wg_seeing": "5"},
    {"grp_member/chronic_illness": "often"},
    {"grp_member/pregnant_or_lactating": "yes", "grp_member/sex": "m"},
    {"grp_member/documents": "visa"},
]


@pytest.mark.parametrize("change", BAD_HOUSEHOLD)
def test_a_bad_household_row_gives_the_same_problems_and_writes_nothing(field_officer, stored_households, change):
    households, members = export(count=6)
    households[3] = households[3] | change
    fast = assert_same(field_officer, households, members, expect_staged=False)
    assert fast["problems"]
    assert fast["written"]["households"] == {}


@pytest.mark.parametrize("latitude", ["1e1", "+34.5", ".5", "34.1234567"])
def test_coordinates_sql_does_not_read_are_read_row_by_row(field_officer, stored_households, latitude):
    households, members = export(count=6)
    households[2] = households[2] | {"_gps_latitude": latitude}
    fast = assert_same(field_officer, households, members, expect_staged=False)
    assert fast["report"]["households"] == 6


@pytest.mark.parametrize("change", BAD_MEMBER)
def test_a_bad_member_row_gives_the_same_problems_and_writes_nothing(field_officer, stored_households, change):
    households, members = export(count=6)
    second = next(i for i, m in enumerate(members) if m["grp_member/relationship"] not in ("head", "hoh"))
    members[second] = members[second] | change
    fast = assert_same(field_officer, households, members, expect_staged=False)
    assert fast["problems"]
    assert fast["written"]["members"] == []


def test_households_without_members_or_head(field_officer, stored_households):
    households, members = export(count=6)
    parent = members[-1]["_submission__uuid"]
    fast = assert_same(
        field_officer, households, [m for m in members if m["_submission__uuid"] != parent], expect_staged=False
    )
    assert any("no members" in p[2] for p in fast["problems"])
    households, members = export(count=6)
    members = [m | {"grp_member/relationship": "spouse"} for m in members]
    fast = assert_same(field_officer, households, members, expect_staged=False)
    assert any("no member is the head" in p[2] for p in fast["problems"])


@pytest.mark.parametrize("damage", ["bare quote", "short row", "blank line", "not utf-8"])
def test_files_only_the_csv_reader_reads_the_same_way(field_officer, stored_households, damage):
    """A quote inside a bare cell, a short row, an empty line, other encodings: the CSV reader's
    reading (and its messages) wins."""
    households, members = export(count=4)
    text = as_csv(HOUSEHOLD_HEADER, households).getvalue()
    raw = {
        "bare quote": text.replace(b"sub-2,", b'sub-2 "b",', 1),
        "short row": text + b"sub-99,99\r\n",
        "blank line": text + b"\r\n",
        "not utf-8": text.replace(b"sub-3,", b"sub-\xe9,", 1),
    }[damage]
    assert_same(field_officer, households, members, expect_staged=False, raw=raw)


@pytest.mark.parametrize("filler", ["", " ", "\u00a0", "\t"])
def test_rows_of_empty_or_whitespace_cells_are_skipped_as_the_csv_reader_skips_them(
    field_officer, stored_households, filler
):
    """Spreadsheets export trailing rows of empty cells; whatever the first cell holds, they are no row."""
    households, members = export(count=6, seed=8)
    blank = dict.fromkeys(HOUSEHOLD_HEADER, filler)
    households = [households[0], blank, *households[1:], blank]
    members = [*members, dict.fromkeys(MEMBER_HEADER, filler), dict.fromkeys(MEMBER_HEADER, "") | {"_index": filler}]
    fast = assert_same(field_officer, households, members, expect_staged=True)
    assert fast["report"]["households"] == 6


def test_trimming_in_sql_removes_what_str_strip_removes():
    assert "".join(c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace()) == staged_import._WHITESPACE


def test_members_with_an_empty_parent_index_are_not_joined_to_households_without_index(
    field_officer, stored_households
):
    households, members = export(count=5, seed=4)
    households = [h | {"_index": ""} for h in households]
    header = [h for h in MEMBER_HEADER if h != "_submission__uuid"]
    members = [m | {"_parent_index": ""} for m in members]
    fast = assert_same(field_officer, households, members, expect_staged=False, member_header=header)
    assert fast["problems"]
