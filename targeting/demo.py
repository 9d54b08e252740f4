"""Demo targeting: two rounds of a DTM baseline mobility assessment for the districts of Nangarhar (AF06)
and Herat (AF32), a scoring model, and an approved round whose target areas are Khogyani (AF0608) and
Injil (AF3202), the demo programme's active areas.

The DTM files are written in the published layout (header row, HXL row, ``<Category><Year>`` columns)
and imported through the importer, so the demo exercises the real path. Loading twice changes nothing:
the same bytes are the same import, and the round is looked up by name.
"""

from __future__ import annotations

import csv
import datetime
import io
import random

from core.demo import DemoProgramme
from core.models import AdminArea, AdminLevel

from . import services
from .models import DtmSource, ScoringModel, TargetingRound

MODEL_NAME = "ABR district targeting"
ROUND_NAME = "2025 district targeting, Nangarhar and Herat"
CATEGORIES = [
    ("ArrivalIDPs", "#affected+idps+arrived+ind"),
    ("FledIDPs", "#affected+idps+fled+ind"),
    ("ReturneeIDPs", "#affected+idps+returned+ind"),
    ("RetFromAbroad", "#affected+returnees+abroad+ind"),
    ("OutMigrants", "#affected+migrants+out+ind"),
]
EARLIER_PERIODS = ["2012_18", "2019", "2020", "2021", "2022", "2023"]
LATEST_PERIODS = [*EARLIER_PERIODS, "2024"]
# Districts with a large caseload in DTM reporting: returns from Pakistan (east), IDP sites near Herat city.
HIGH_CASELOAD = {"AF0608": 3.2, "AF0601": 2.4, "AF0616": 1.8, "AF3202": 3.0, "AF3201": 2.2, "AF3214": 1.5}
RETURN_HEAVY = {"AF0608", "AF0616", "AF0615", "AF3202"}
RATIONALES = {
    "AF0608": (
        "Highest returnee caseload in Nangarhar: returns from Pakistan since 2023 on top of returned IDPs; "
        "CDCs active in Kaga and Mamakhel; road access from Jalalabad."
    ),
    "AF3202": (
        "Largest IDP and returnee caseload in Herat outside the city, with informal sites around Shaidayee; "
        "new arrivals since the last round; CRC planned in Injil."
    ),
}


def _district_rows(districts: list[AdminArea], periods: list[str], seed: int) -> list[list]:
    generator = random.Random(seed)
    rows = []
    for district in districts:
        factor = HIGH_CASELOAD.get(district.pcode, 1.0)
        row = [district.parent.name, district.parent.pcode, district.name, district.pcode]
        for category, _tag in CATEGORIES:
            for period in periods:
                base = {"ArrivalIDPs": 900, "FledIDPs": 250, "ReturneeIDPs": 400, "RetFromAbroad": 700}.get(
                    category, 150
                )
                if category == "RetFromAbroad" and district.pcode in RETURN_HEAVY:
                    base *= 2.5
                if period == "2012_18":
                    base *= 4  # seven years in one column
                if period in ("2023", "2024") and category == "RetFromAbroad":
                    base *= 3  # the returns from Pakistan
                row.append(int(base * factor * generator.uniform(0.4, 1.3)))
        rows.append(row)
    return rows


def dtm_file(periods: list[str], seed: int) -> bytes:
    """A district sheet of the DTM Afghanistan baseline mobility assessment for Nangarhar and Herat."""
    districts = list(
        AdminArea.objects.filter(level=AdminLevel.ADMIN2, parent__pcode__in=["AF06", "AF32"])
        .select_related("parent")
        .order_by("pcode")
    )
    header = ["ADM1NameEnglish", "ADM1Code", "ADM2NameEnglish", "ADM2Code"]
    tags = ["#adm1+name", "#adm1+code", "#adm2+name", "#adm2+code"]
    for category, tag in CATEGORIES:
        for period in periods:
            header.append(f"{category}{period}")
            tags.append(tag)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerow(tags)
    writer.writerows(_district_rows(districts, periods, seed))
    return buffer.getvalue().encode("utf-8")


def load(demo: DemoProgramme) -> None:
    manager = demo.users["manager"]
    organisation = demo.organisations["IOM"]
    earlier = services.dtm_dataset_import(
        actor=manager,
        data=dtm_file(EARLIER_PERIODS, seed=18),
        file_name="afg_bma_round18_districts_nangarhar_herat.csv",
        source=DtmSource.AFG_BASELINE,
        round_label="Round 18",
        reporting_date=datetime.date(2024, 12, 31),
    ).dataset
    latest = services.dtm_dataset_import(
        actor=manager,
        data=dtm_file(LATEST_PERIODS, seed=19),
        file_name="afg_bma_round19_districts_nangarhar_herat.csv",
        source=DtmSource.AFG_BASELINE,
        round_label="Round 19",
        reporting_date=datetime.date(2025, 6, 30),
    ).dataset

    model = ScoringModel.objects.filter(
        organisation=organisation, name=MODEL_NAME, is_active=True
    ).first() or services.scoring_model_create(
        actor=manager,
        name=MODEL_NAME,
        description="Caseload first, then the share of returnees and new arrivals since the previous DTM round.",
        weights={"total": 2, "returnee_share": 1, "growth_people": 1},
    )
    if TargetingRound.objects.filter(organisation=organisation, name=ROUND_NAME).exists():
        return
    round_ = services.round_create(
        actor=manager,
        name=ROUND_NAME,
        area=AdminArea.objects.get(pcode="AFG"),
        admin_level=AdminLevel.ADMIN2,
        scoring_model=model,
        datasets=[latest],
        comparison_dataset=earlier,
    )
    services.round_score(actor=manager, targeting_round=round_)
    for pcode, rationale in RATIONALES.items():
        services.target_area_select(
            actor=manager, targeting_round=round_, area=AdminArea.objects.get(pcode=pcode), rationale=rationale
        )
    services.round_approve(
        actor=manager,
        targeting_round=round_,
        rationale="DTM baseline mobility assessment round 19 compared with round 18; one district per province "
        "where the programme can start with its CRCs this year.",
    )
