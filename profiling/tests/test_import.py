"""Bulk import: our CSV layout and Kobo-style exports, validate-only, idempotent, all-or-nothing."""

import csv
import io

import openpyxl
import pytest

from core.models import AuditEvent, Job, JobStatus
from core.tabular import ImportFailed
from profiling import services
from profiling.models import Consent, DuplicatePair, Household, Member
from profiling.tests.factories import register, targeted

HOUSEHOLD_HEADER = [
    "_uuid",
    "_index",
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


def household_row(n, **overrides):
    row = {
        "_uuid": f"uuid-{n}",
        "_index": str(n),
        "group_location/settlement_pcode": "AF0608S001",
        "group_hh/displacement_status": "returnee_abroad",
        "group_hh/arrival_date": "2024-02-10",
        "group_hh/origin_pcode": "AF0608",
        "group_hh/shelter_type": "tent",
        "group_hh/phone": f"070{n:07d}",
        "group_hh/hh_size": "2",
        "group_return/intention": "stay",
        "group_return/return_barriers": "housing_destroyed armed_actors",
        "group_econ/has_income": "no",
        "group_econ/has_debt": "yes",
        "group_consent/consent_registration": "yes",
        "group_consent/consent_referral": "yes",
        "group_consent/consent_partner_sharing": "no",
        "_gps_latitude": "34.1",
        "_gps_longitude": "70.2",
    }
    row.update(overrides)
    return [row[h] for h in HOUSEHOLD_HEADER]


def member_rows(n, **overrides):
    head = {
        "_parent_index": str(n),
        "_submission__uuid": f"uuid-{n}",
        "grp_member/name": f"Head {n} Ahmadzai",
        "grp_member/sex": "female",
        "grp_member/relationship": "head",
        "grp_member/date_of_birth": f"19{50 + n % 40}-0{1 + n % 9}-1{n % 10}",
        "grp_member/age": "",
        "grp_wg/wg_seeing": "1",
        "grp_wg/wg_hearing": "1",
        "grp_wg/wg_walking": "3",
        "grp_wg/wg_remembering": "1",
        "grp_wg/wg_self_care": "1",
        "grp_wg/wg_communicating": "1",
        "grp_member/chronic_illness": "no",
        "grp_member/pregnant_or_lactating": "no",
        "grp_member/documents": "tazkira",
    }
    head.update(overrides)
    child = dict(
        head,
        **{
            "grp_member/name": f"Child {n}",
            "grp_member/relationship": "child",
            "grp_member/date_of_birth": "",
            "grp_member/age": "6",
            "grp_wg/wg_walking": "1",
            "grp_member/sex": "m",
            "grp_member/documents": "",
        },
    )
    return [[r[h] for h in MEMBER_HEADER] for r in (head, child)]


def as_csv(header, rows) -> io.BytesIO:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(header)
    writer.writerows(rows)
    return io.BytesIO(text.getvalue().encode())


def as_xlsx(households, members) -> io.BytesIO:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "ABR household profile"
    sheet.append(HOUSEHOLD_HEADER)
    for row in households:
        sheet.append(row)
    repeat = book.create_sheet("grp_member")
    repeat.append(MEMBER_HEADER)
    for row in members:
        repeat.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


@pytest.fixture
def open_khogyani(places, iom):
    return targeted(places.khogyani, iom)


def run_import(user, households, members=None, *, validate_only=False, xlsx=False):
    return services.household_import(
        actor=user,
        households_file=households,
        households_name="export.xlsx" if xlsx else "households.csv",
        members_file=members,
        members_name="members.csv" if members is not None else None,
        validate_only=validate_only,
    )


def test_kobo_csv_export_with_members_file_is_imported(field_officer, open_khogyani):
    households = as_csv(HOUSEHOLD_HEADER, [household_row(1), household_row(2)])
    members = as_csv(MEMBER_HEADER, member_rows(1) + member_rows(2))
    report = run_import(field_officer, households, members)
    assert report["households"] == 2
    assert report["members"] == 4
    household = Household.objects.get(submission_id="uuid-1")
    assert household.head_name == "Head 1 Ahmadzai"
    assert household.size == 2
    assert household.reference == f"IOM-{household.pk:07d}"
    assert household.return_barriers == ["housing_destroyed", "armed_actors"]
    assert household.origin.pcode == "AF0608"
    assert {"female_headed", "disability", "critical_shelter", "no_income", "debt"} <= set(
        household.vulnerability_criteria
    )
    child = household.members.get(relationship="child")
    assert child.date_of_birth_estimated
    assert child.age == 6
    assert household.members.get(relationship="head").has_disability
    assert Consent.objects.filter(household=household, given=True).count() == 2
    assert AuditEvent.objects.get(action="household.import").after["households"] == 2


def test_kobo_xlsx_with_repeat_group_on_the_second_sheet(field_officer, open_khogyani):
    book = as_xlsx([household_row(1), household_row(2)], member_rows(1) + member_rows(2))
    report = run_import(field_officer, book, xlsx=True)
    assert (report["households"], report["members"]) == (2, 4)
    assert Member.objects.filter(household__submission_id="uuid-2").count() == 2


def test_members_join_by_parent_index_when_there_is_no_uuid(field_officer, open_khogyani):
    header = [h for h in MEMBER_HEADER if h != "_submission__uuid"]
    rows = [r[:1] + r[2:] for r in member_rows(7)]
    report = run_import(field_officer, as_csv(HOUSEHOLD_HEADER, [household_row(7)]), as_csv(header, rows))
    assert report["members"] == 2


def test_validate_only_writes_nothing(field_officer, open_khogyani):
    report = run_import(
        field_officer,
        as_csv(HOUSEHOLD_HEADER, [household_row(1)]),
        as_csv(MEMBER_HEADER, member_rows(1)),
        validate_only=True,
    )
    assert report["validate_only"]
    assert report["households"] == 1
    assert report["members"] == 2
    assert not Household.objects.exists()
    assert not Member.objects.exists()
    from profiling.models import VulnerabilityModel

    assert not VulnerabilityModel.objects.exists()
    assert not AuditEvent.objects.exists()


def test_importing_the_same_export_twice_changes_nothing(field_officer, open_khogyani):
    def files():
        return as_csv(HOUSEHOLD_HEADER, [household_row(1), household_row(2)]), as_csv(
            MEMBER_HEADER, member_rows(1) + member_rows(2)
        )

    run_import(field_officer, *files())
    report = run_import(field_officer, *files())
    assert report["households"] == 0
    assert report["skipped_existing"] == 2
    assert Household.objects.count() == 2
    assert Member.objects.count() == 4


def test_one_bad_row_commits_nothing_and_every_problem_is_located(field_officer, open_khogyani):
    rows = [
        household_row(1),
        household_row(2, **{"group_hh/shelter_type": "castle", "group_hh/arrival_date": "10/02/2024"}),
        household_row(3, **{"group_location/settlement_pcode": "AF3202S002"}),
        household_row(1),
    ]
    members = member_rows(1) + member_rows(2) + member_rows(3, **{"grp_wg/wg_seeing": "5"})
    with pytest.raises(ImportFailed) as failed:
        run_import(field_officer, as_csv(HOUSEHOLD_HEADER, rows), as_csv(MEMBER_HEADER, members))
    problems = {(p.row, p.column): p.problem for p in failed.value.problems}
    assert "castle" in problems[(3, "group_hh/shelter_type")]
    assert "YYYY-MM-DD" in problems[(3, "group_hh/arrival_date")]
    assert "outside your areas" in problems[(4, "group_location/settlement_pcode")]
    assert "appears twice" in problems[(5, "_uuid")]
    assert "outside 1" in problems[(6, "grp_wg/wg_seeing")]
    assert not Household.objects.exists()
    assert not Member.objects.exists()
    assert not Consent.objects.exists()


def test_member_problems_roll_back_households_already_copied(field_officer, open_khogyani):
    members = [*member_rows(1), [*member_rows(2)[0][:1], "uuid-999", *member_rows(2)[0][2:]]]
    with pytest.raises(ImportFailed) as failed:
        run_import(
            field_officer,
            as_csv(HOUSEHOLD_HEADER, [household_row(1), household_row(2)]),
            as_csv(MEMBER_HEADER, members),
        )
    messages = [str(p) for p in failed.value.problems]
    assert any("no household row has uuid-999" in m for m in messages)
    assert any("no members" in m for m in messages)  # household 2 lost its only member
    assert not Member.objects.exists()
    assert not Household.objects.exists()


def test_missing_columns_are_reported_before_reading_rows(field_officer, open_khogyani):
    header = [h for h in HOUSEHOLD_HEADER if "consent_referral" not in h]
    with pytest.raises(ImportFailed) as failed:
        run_import(field_officer, as_csv(header, []))
    assert "consent_referral" in str(failed.value)


def test_head_without_members_sheet_comes_from_head_columns(field_officer, open_khogyani):
    header = [*HOUSEHOLD_HEADER, "head_name", "head_sex", "head_age"]
    rows = [[*household_row(1, **{"group_hh/hh_size": "1"}), "Karim Noori", "male", "44"]]
    report = run_import(field_officer, as_csv(header, rows))
    assert report["members"] == 1
    household = Household.objects.get()
    assert household.head_name == "Karim Noori"
    assert household.head_birth_estimated


def test_possible_duplicates_are_warnings_and_pairs(field_officer, places, open_khogyani):
    existing = register(field_officer, places.kaga, phone="0700000001")
    rows = [
        household_row(1, **{"group_hh/phone": "+93 700 000 001"}),
        household_row(2),
        household_row(3, **{"group_hh/phone": "0700000002"}),
    ]
    members = member_rows(1) + member_rows(2) + member_rows(3)
    report = run_import(field_officer, as_csv(HOUSEHOLD_HEADER, rows), as_csv(MEMBER_HEADER, members))
    texts = [w["problem"] for w in report["warnings"]]
    assert any(existing.reference in t for t in texts)
    assert any("line 3" in t for t in texts)  # row 3 has row 2's phone
    assert report["possible_duplicates"] == 2
    pair = DuplicatePair.objects.get(candidate=existing)
    assert pair.found_on == "import"
    assert pair.reasons == ["phone"]
    assert DuplicatePair.objects.filter(household__submission_id="uuid-3", candidate__submission_id="uuid-2").exists()


def test_size_mismatch_is_a_warning(field_officer, open_khogyani):
    rows = [household_row(1, **{"group_hh/hh_size": "5"})]
    report = run_import(field_officer, as_csv(HOUSEHOLD_HEADER, rows), as_csv(MEMBER_HEADER, member_rows(1)))
    assert report["warnings"][0]["column"] == "hh_size"


def test_import_job_runs_in_the_background_with_a_report(
    client, field_officer, open_khogyani, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    client.force_login(field_officer)
    households = SimpleUploadedFile("hh.csv", as_csv(HOUSEHOLD_HEADER, [household_row(1)]).getvalue())
    members = SimpleUploadedFile("m.csv", as_csv(MEMBER_HEADER, member_rows(1)).getvalue())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("profiling:household_import"), {"households": households, "members": members, "action": "check"}
        )
    job = Job.objects.get()
    assert response.url == reverse("core:job_detail", args=[job.pk])
    assert job.status == JobStatus.SUCCEEDED
    assert job.result["validate_only"]
    assert not Household.objects.exists()
    page = client.get(job.result["url"]).content.decode()
    assert "No problem found" in page
    households.seek(0)
    members.seek(0)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("profiling:household_import"), {"households": households, "members": members, "action": "import"}
        )
    job = Job.objects.latest("id")
    assert job.status == JobStatus.SUCCEEDED
    household = Household.objects.get()
    assert household.import_job == job
    from django.core.files.storage import default_storage

    assert default_storage.listdir("imports") == ([], [])  # uploads do not outlive the import
    assert household.reference in client.get(job.result["url"]).content.decode()


def test_failed_import_job_lists_problems(client, field_officer, open_khogyani, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    client.force_login(field_officer)
    bad = as_csv(HOUSEHOLD_HEADER, [household_row(1, **{"group_hh/displacement_status": "tourist"})])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("profiling:household_import"),
            {"households": SimpleUploadedFile("hh.csv", bad.getvalue()), "action": "import"},
        )
    job = Job.objects.get()
    assert job.status == JobStatus.FAILED
    assert any("tourist" in p["problem"] for p in job.result["problems"])
    assert not Household.objects.exists()


def test_copy_columns_cover_every_column_of_the_tables():
    def columns(model, exclude=()):
        return {f.attname for f in model._meta.concrete_fields} - set(exclude)

    assert set(services.HOUSEHOLD_COPY_FIELDS) == columns(Household)
    assert set(services.MEMBER_COPY_FIELDS) == columns(Member, {"id"})
    assert set(services.CONSENT_COPY_FIELDS) == columns(Consent, {"id"})
