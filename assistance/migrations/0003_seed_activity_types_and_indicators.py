"""The activity types and indicators of an area-based response programme, by HDX sector.

Repeat windows follow common programme practice (shelter and latrines once in five years, winterization
once a winter, food and cash monthly, return grants once); a programme changes them on the activity
types page. Loading is idempotent and never overwrites a type or indicator that already exists.
"""

from django.db import migrations

# code, sector, name, unit, modality, given to, repeat window (days; None: once), overlap group, grant
ACTIVITY_TYPES = [
    ("shl-repair", "SHL", "Shelter repair", "house", "in_kind", "household", 1825, "shelter", ""),
    (
        "shl-construction",
        "SHL",
        "Shelter construction (one-room shelter)",
        "shelter",
        "in_kind",
        "household",
        1825,
        "shelter",
        "",
    ),
    (
        "shl-winterization-kit",
        "SHL",
        "Winterization kit (blankets, heating fuel)",
        "kit",
        "in_kind",
        "household",
        300,
        "winterization",
        "",
    ),
    ("shl-winterization-cash", "SHL", "Winterization cash", "transfer", "cash", "household", 300, "winterization", ""),
    ("shl-nfi-kit", "SHL", "Non-food item kit", "kit", "in_kind", "household", 180, "", ""),
    ("shl-rent", "SHL", "Rental subsidy", "month", "cash", "household", 30, "", ""),
    ("wsh-latrine", "WSH", "Household latrine construction", "latrine", "in_kind", "household", 1825, "", ""),
    ("wsh-hygiene-kit", "WSH", "Hygiene kit", "kit", "in_kind", "household", 90, "", ""),
    ("ery-apprenticeship", "ERY", "Apprenticeship", "placement", "service", "individual", 730, "", ""),
    ("ery-tvet", "ERY", "Vocational training (TVET)", "course", "service", "individual", 730, "", ""),
    ("ery-job-placement", "ERY", "Job placement", "placement", "service", "individual", 365, "", ""),
    ("ery-msme-startup", "ERY", "Business start-up grant (MSME)", "business", "cash", "household", 1095, "msme", ""),
    (
        "ery-msme-expansion",
        "ERY",
        "Business expansion / asset replacement (MSME)",
        "business",
        "in_kind",
        "household",
        1095,
        "msme",
        "",
    ),
    ("ery-employment-retention", "ERY", "Employment retention support", "worker", "cash", "individual", 365, "", ""),
    ("ery-cash-for-work", "ERY", "Cash-for-work", "days worked", "cash", "individual", 30, "", ""),
    ("hea-phc", "HEA", "Primary health care consultation", "consultation", "service", "individual", 0, "", ""),
    (
        "pro-mhpss",
        "PRO",
        "Mental health and psychosocial support (MHPSS)",
        "session",
        "service",
        "individual",
        0,
        "",
        "",
    ),
    ("pro-civil-documentation", "PRO", "Civil documentation support", "document", "service", "individual", 365, "", ""),
    (
        "pro-hlp-counselling",
        "PRO-HLP",
        "Housing, land and property counselling",
        "session",
        "service",
        "household",
        0,
        "",
        "",
    ),
    ("fsc-food-parcel", "FSC", "Food parcel (monthly ration)", "parcel", "in_kind", "household", 30, "food", ""),
    ("fsc-food-voucher", "FSC", "Food voucher", "voucher", "voucher", "household", 30, "food", ""),
    ("edu-learning-kit", "EDU", "Learning kit", "kit", "in_kind", "individual", 300, "", ""),
    ("mpc-cash", "MPC", "Multi-purpose cash", "transfer", "cash", "household", 30, "", ""),
    ("grant-departure", "MPC", "Departure grant", "grant", "cash", "household", None, "", "departure"),
    ("grant-reinstallation", "MPC", "Reinstallation grant", "grant", "cash", "household", None, "", "reinstallation"),
    ("grant-reintegration", "ERY", "Reintegration grant", "grant", "cash", "household", None, "", "reintegration"),
]

# code, sector, name, unit, counted as, activity types, project types
INDICATORS = [
    (
        "SHL-01",
        "SHL",
        "Households whose shelter was repaired or built",
        "households",
        "households",
        ["shl-repair", "shl-construction"],
        [],
    ),
    (
        "SHL-02",
        "SHL",
        "Households receiving winterization assistance",
        "households",
        "households",
        ["shl-winterization-kit", "shl-winterization-cash"],
        [],
    ),
    ("WSH-01", "WSH", "Households with a latrine built", "households", "households", ["wsh-latrine"], []),
    ("WSH-02", "WSH", "Water points completed", "water points", "projects", [], ["water_point"]),
    ("ERY-01", "ERY", "People placed in apprenticeships", "people", "individuals", ["ery-apprenticeship"], []),
    (
        "ERY-02",
        "ERY",
        "Businesses (MSMEs) started or expanded",
        "businesses",
        "households",
        ["ery-msme-startup", "ery-msme-expansion"],
        [],
    ),
    (
        "ERY-03",
        "ERY",
        "Workers whose employment was retained",
        "people",
        "individuals",
        ["ery-employment-retention"],
        [],
    ),
    ("ERY-04", "ERY", "People placed in jobs", "people", "individuals", ["ery-job-placement"], []),
    ("HEA-01", "HEA", "Health centres built or rehabilitated", "health centres", "projects", [], ["health_centre"]),
    (
        "HEA-02",
        "HEA",
        "People served by new or rehabilitated health centres",
        "people",
        "project_people",
        [],
        ["health_centre"],
    ),
    ("PRO-01", "PRO", "People receiving MHPSS", "people", "individuals", ["pro-mhpss"], []),
    (
        "MPC-01",
        "MPC",
        "Returnee households receiving return grants",
        "households",
        "households",
        ["grant-departure", "grant-reinstallation", "grant-reintegration"],
        [],
    ),
]


def seed(apps, schema_editor):
    ActivityType = apps.get_model("assistance", "ActivityType")
    Indicator = apps.get_model("assistance", "Indicator")
    for order, (code, sector, name, unit, modality, beneficiary, window, group, grant) in enumerate(ACTIVITY_TYPES):
        ActivityType.objects.get_or_create(
            code=code,
            defaults={
                "sector": sector,
                "name": name,
                "unit": unit,
                "modality": modality,
                "beneficiary": beneficiary,
                "repeat_window_days": window,
                "overlap_group": group,
                "grant_kind": grant,
                "order": order * 10,
            },
        )
    for code, sector, name, unit, count_by, activity_codes, project_types in INDICATORS:
        indicator, created = Indicator.objects.get_or_create(
            code=code,
            defaults={
                "sector": sector,
                "name": name,
                "unit": unit,
                "count_by": count_by,
                "project_types": project_types,
            },
        )
        if created and activity_codes:
            indicator.activity_types.set(ActivityType.objects.filter(code__in=activity_codes))


def unseed(apps, schema_editor):
    ActivityType = apps.get_model("assistance", "ActivityType")
    Indicator = apps.get_model("assistance", "Indicator")
    Indicator.objects.filter(code__in=[i[0] for i in INDICATORS], targets__isnull=True).delete()
    ActivityType.objects.filter(
        code__in=[a[0] for a in ACTIVITY_TYPES], records__isnull=True, lists__isnull=True, indicators__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("assistance", "0002_delivery_window_exclusion")]

    operations = [migrations.RunPython(seed, unseed)]
