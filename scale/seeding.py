"""National-scale synthetic data across the stages, written with COPY.

Realistic shapes rather than uniform noise: returnee-heavy provinces, households of 1-14 people with
children and elders, Washington Group answers mostly "no difficulty", vulnerability bands skewed to
medium, assistance concentrated on the vulnerable, referrals and check-ins for a share of households.
Deterministic for a given seed. Additive: each run tags its references, so runs can be repeated.
"""

from __future__ import annotations

import datetime
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from core.models import AdminArea, AdminLevel, Membership, Organisation, OrganisationKind, Role

from .bulk import BulkWriter

FIRST_F = ["Zarghuna", "Mariam", "Fatima", "Nazia", "Shakila", "Gul", "Malalai", "Parwana", "Sima", "Roya"]
FIRST_M = ["Ahmad", "Mohammad", "Abdul", "Gul Agha", "Hamid", "Nasir", "Karim", "Rahim", "Jawid", "Sayed"]
FAMILY = ["Ahmadzai", "Noori", "Safi", "Hotak", "Rahimi", "Stanikzai", "Popal", "Yusufi", "Mohmand", "Wardak"]
STATUSES = ["returnee_abroad"] * 4 + ["returned_idp"] * 2 + ["idp"] * 3 + ["host"] * 1
SHELTERS = ["owned_house", "rented", "hosted", "damaged_house", "unfinished", "tent", "makeshift"]
BANDS = [("low", 0.2), ("medium", 0.4), ("high", 0.3), ("very_high", 0.1)]


@dataclass
class SeedReport:
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    def add(self, name: str, count: int, seconds: float) -> None:
        self.counts[name] = self.counts.get(name, 0) + count
        self.seconds[name] = self.seconds.get(name, 0.0) + seconds


@dataclass
class Context:
    rng: random.Random
    tag: str
    organisation: Organisation
    user: object
    settlements: list[AdminArea]
    today: datetime.date
    report: SeedReport
    say: Callable[[str], None]
    household_ids: list[int] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)


def _timed(context: Context, name: str, writer: BulkWriter, rows: Iterator[dict]) -> int:
    start = time.perf_counter()
    count = writer.write(rows)
    writer.reset_sequence()
    context.report.add(name, count, time.perf_counter() - start)
    context.say(f"  {name}: {count:,} rows in {time.perf_counter() - start:.1f} s")
    return count


def _ensure_places(context_say, settlements_per_district: int) -> list[AdminArea]:
    if not AdminArea.objects.filter(level=AdminLevel.ADMIN2).exists():
        call_command("load_admin_areas", verbosity=0)
    districts = list(AdminArea.objects.filter(level=AdminLevel.ADMIN2, country_code="AFG").order_by("pcode"))
    existing = set(
        AdminArea.objects.filter(level=AdminLevel.SETTLEMENT, pcode__contains="X").values_list("pcode", flat=True)
    )
    new = []
    for district in districts:
        for n in range(1, settlements_per_district + 1):
            pcode = f"{district.pcode}X{n:02d}"
            if pcode in existing:
                continue
            area = AdminArea(
                pcode=pcode,
                name=f"{district.name} village {n}",
                level=AdminLevel.SETTLEMENT,
                parent=district,
                country_code=district.country_code,
            )
            area.path = AdminArea.build_path(pcode, district.path)
            new.append(area)
    AdminArea.objects.bulk_create(new, batch_size=2000)
    context_say(f"  settlements: {len(new):,} new ({len(districts)} districts)")
    return list(AdminArea.objects.filter(level=AdminLevel.SETTLEMENT, pcode__contains="X").select_related("parent"))


def _ensure_actor() -> tuple[Organisation, object]:
    organisation = Organisation.objects.filter(acronym="IOM").first()
    if organisation is None:
        organisation = Organisation.objects.create(
            name="International Organization for Migration", acronym="IOM", kind=OrganisationKind.UN_AGENCY
        )
    user_model = get_user_model()
    user = user_model.objects.filter(username="seed.bot").first()
    if user is None:
        user = user_model.objects.create(username="seed.bot", is_active=False)
        user.set_unusable_password()
        user.save()
        Membership.objects.create(user=user, organisation=organisation, role=Role.FIELD_STAFF)
    return organisation, user


def _target_all_districts(context: Context) -> None:
    """One approved round whose target areas are every seeded district, as a national programme would have."""
    from targeting.models import RoundStatus, ScoringModel, TargetArea, TargetingRound

    model, _ = ScoringModel.objects.get_or_create(
        organisation=context.organisation, name="National scale", version=1, defaults={"weights": {"total": 1}}
    )
    country = AdminArea.objects.get(pcode="AFG")
    targeting_round, created = TargetingRound.objects.get_or_create(
        organisation=context.organisation,
        name="National scale targeting",
        defaults={
            "area": country,
            "admin_level": AdminLevel.ADMIN2,
            "scoring_model": model,
            "status": RoundStatus.APPROVED,
            "approved_at": timezone.now(),
        },
    )
    if created:
        districts = {s.parent_id for s in context.settlements}
        TargetArea.objects.bulk_create(
            [TargetArea(round=targeting_round, area_id=d, rationale="National scale") for d in districts]
        )


def _dtm(context: Context) -> None:
    from targeting.models import DtmDataset, DtmFigure

    dataset, created = DtmDataset.objects.get_or_create(
        organisation=context.organisation,
        file_sha256=f"seed-{context.tag}".ljust(64, "0")[:64],
        defaults={
            "source": "afg_baseline",
            "round_label": f"Synthetic {context.tag}",
            "reporting_date": context.today,
            "admin_level": AdminLevel.SETTLEMENT,
            "file_name": f"seed-{context.tag}.csv",
        },
    )
    if not created:
        return
    rng = context.rng
    groups = ["arrival_idps", "returned_idps", "returnees_abroad", "fled_idps", "out_migrants"]
    writer = BulkWriter(DtmFigure)
    start = writer.next_id()

    def rows():
        pk = start
        for settlement in context.settlements:
            for group in groups:
                yield {
                    "id": pk,
                    "dataset_id": dataset.pk,
                    "area_id": settlement.pk,
                    "population_group": group,
                    "unit": "individuals",
                    "period": "2025",
                    "value": rng.randint(0, 4000),
                }
                pk += 1

    _timed(context, "dtm figures", writer, rows())


def _households(context: Context, count: int) -> None:
    from profiling.models import Household

    rng = context.rng
    writer = BulkWriter(Household)
    start = writer.next_id()
    context.household_ids = list(range(start, start + count))
    # Sizes are drawn first so households are written with them and members follow: no update pass.
    context.sizes = [max(1, min(14, int(rng.gauss(6, 2.5)))) for _ in range(count)]
    band_names = [b for b, _ in BANDS]
    band_weights = [w for _, w in BANDS]
    now = timezone.now()

    def rows():
        for offset, pk in enumerate(context.household_ids):
            settlement = context.settlements[rng.randrange(len(context.settlements))]
            female = rng.random() < 0.18
            head = f"{rng.choice(FIRST_F if female else FIRST_M)} {rng.choice(FAMILY)}"
            phone = f"07{rng.randrange(10**8):08d}"
            status = rng.choice(STATUSES)
            band = rng.choices(band_names, band_weights)[0]
            arrived = context.today - datetime.timedelta(days=rng.randrange(1, 900)) if status != "host" else None
            yield {
                "id": pk,
                "organisation_id": context.organisation.pk,
                "reference": f"{context.tag}-{offset:07d}",
                "settlement_id": settlement.pk,
                "displacement_status": status,
                "arrival_date": arrived,
                "shelter_type": rng.choice(SHELTERS),
                "head_name": head,
                "phone": phone,
                "phone_key": phone[-9:],
                "intention": "stay",
                "size": context.sizes[offset],
                "vulnerability_score": {"low": 2, "medium": 5, "high": 8, "very_high": 12}[band],
                "vulnerability_band": band,
                "registered_by_id": context.user.pk,
                "registered_at": now - datetime.timedelta(minutes=rng.randrange(0, 3 * 365 * 24 * 60)),
                "notes": "",
                "version": 1,
            }

    _timed(context, "households", writer, rows())


def _members(context: Context) -> None:
    from profiling.models import Member

    rng = context.rng
    writer = BulkWriter(Member)
    start = writer.next_id()

    def rows():
        pk = start
        for household_id, size in zip(context.household_ids, context.sizes, strict=True):
            for n in range(size):
                adult = n < 2
                born = context.today - datetime.timedelta(
                    days=rng.randrange(18 * 365, 70 * 365) if adult else rng.randrange(0, 18 * 365)
                )
                wg = [1, 1, 1, 1, 1, 1]
                if rng.random() < 0.08:
                    wg[rng.randrange(6)] = rng.choice([3, 4])
                yield {
                    "id": pk,
                    "household_id": household_id,
                    "name": f"{rng.choice(FIRST_F + FIRST_M)} {rng.choice(FAMILY)}",
                    "sex": "f" if rng.random() < 0.5 else "m",
                    "date_of_birth": born,
                    "relationship": "head" if n == 0 else ("spouse" if n == 1 else "child"),
                    "wg_seeing": wg[0],
                    "wg_hearing": wg[1],
                    "wg_walking": wg[2],
                    "wg_remembering": wg[3],
                    "wg_self_care": wg[4],
                    "wg_communicating": wg[5],
                    "has_disability": max(wg) >= 3,
                    "documents": ["tazkira"] if adult and rng.random() < 0.7 else [],
                }
                pk += 1

    _timed(context, "members", writer, rows())


def _consents(context: Context) -> None:
    from profiling.models import Consent

    rng = context.rng
    writer = BulkWriter(Consent)
    start = writer.next_id()
    now = timezone.now()

    def rows():
        pk = start
        for household_id in context.household_ids:
            for purpose in ("registration", "referral", "partner_sharing"):
                given = purpose == "registration" or rng.random() < 0.8
                yield {
                    "id": pk,
                    "household_id": household_id,
                    "purpose": purpose,
                    "given": given,
                    "legal_basis": "consent",
                    "recorded_by_id": context.user.pk,
                    "recorded_at": now,
                }
                pk += 1

    _timed(context, "consents", writer, rows())


def _assistance(context: Context) -> None:
    from assistance.models import ActivityType, AssistanceRecord
    from assistance.rules import blocked_until

    rng = context.rng
    activities = list(
        ActivityType.objects.filter(is_active=True, beneficiary="household").values(
            "pk", "default_currency", "repeat_window_days"
        )
    )
    if not activities:
        return
    writer = BulkWriter(AssistanceRecord)
    start = writer.next_id()

    def rows():
        pk = start
        for household_id in context.household_ids:
            # distinct activities per household: the database refuses a repeat inside its window
            for activity in rng.sample(activities, rng.choice((0, 0, 1, 1, 2, 3))):
                delivered = context.today - datetime.timedelta(days=rng.randrange(1, 700))
                yield {
                    "id": pk,
                    "household_id": household_id,
                    "activity_type_id": activity["pk"],
                    "status": "delivered",
                    "planned_date": delivered,
                    "delivered_on": delivered,
                    "blocked_until": blocked_until(delivered, activity["repeat_window_days"]),
                    "quantity": 1,
                    "currency": activity["default_currency"] or "AFN",
                    "implementing_organisation_id": context.organisation.pk,
                    "planned_by_id": context.user.pk,
                    "delivered_by_id": context.user.pk,
                    "notes": "",
                    "cancelled_reason": "",
                }
                pk += 1

    _timed(context, "assistance records", writer, rows())


def checkin_rows(
    *, rng: random.Random, today: datetime.date, arrivals, organisation_id: int, start_id: int
) -> Iterator[dict]:
    """Three check-ins per arrived household (``arrivals``: ``(household_id, arrived_on, movement_id,
    assigned_to_id)``), in
    the state a running programme leaves them: past windows mostly concluded (reached, some refused or
    unreachable, a few still open and already reminded), the open windows reminded unless they opened
    today, the later waves upcoming."""
    from monitoring import rules

    outcomes = [("completed", "reached")] * 17 + [("refused", "refused"), ("unreachable", "not_reached")]
    pk = start_id
    for household_id, arrived_on, movement_id, assigned_to_id in arrivals:
        for due in rules.schedule(arrived_on):
            row = {
                "id": pk,
                "organisation_id": organisation_id,
                "household_id": household_id,
                "movement_id": movement_id,
                "wave": due.wave,
                "arrived_on": arrived_on,
                "due_on": due.due_on,
                "due_until": due.due_until,
                "assigned_to_id": assigned_to_id,
                "status": "open",
                "attempts": 0,
                "last_outcome": "",
                "answers": {},
                "notes": "",
            }
            if due.due_until < today and rng.random() < 0.93:
                status, outcome = rng.choice(outcomes)
                attempts = 1 if outcome == "reached" else rng.randint(1, 5)
                done = datetime.datetime.combine(due.due_on, datetime.time(9), tzinfo=datetime.UTC)
                row.update(status=status, last_outcome=outcome, attempts=attempts, completed_at=done)
                row["last_attempt_at"] = done
                row["reminded_for"] = due.due_on
            elif due.due_on < today:
                row["reminded_for"] = due.due_on
            yield row
            pk += 1


def _monitoring(context: Context) -> None:
    """Facilitated movements for a quarter of the returnees who arrived, and three check-ins for every
    arrived returnee, as monitoring's daily task schedules them."""
    from monitoring.models import CheckIn, MovementCase
    from profiling.models import RETURNEE_STATUSES, Household

    rng = context.rng
    arrived = list(
        Household.objects.filter(
            pk__gte=context.household_ids[0] if context.household_ids else 0,
            pk__lte=context.household_ids[-1] if context.household_ids else 0,
            displacement_status__in=RETURNEE_STATUSES,
            arrival_date__isnull=False,
        )
        .order_by("pk")
        .values_list("pk", "arrival_date", "settlement_id", "settlement__parent_id")
        .iterator(chunk_size=10_000)
    )
    movements = BulkWriter(MovementCase)
    start = movements.next_id()
    moved: dict[int, int] = {}

    def movement_rows():
        pk = start
        for household_id, arrived_on, settlement_id, _district_id in arrived:
            if rng.random() >= 0.25:
                continue
            moved[household_id] = pk
            yield {
                "id": pk,
                "reference": f"MV-{context.tag}-{pk:07d}",
                "organisation_id": context.organisation.pk,
                "household_id": household_id,
                "intention": "return",
                "origin_id": context.settlements[rng.randrange(len(context.settlements))].parent_id,
                "destination_id": settlement_id,
                "barriers": [],
                "status": "arrived",
                "caseworker_id": context.user.pk,
                "registered_by_id": context.user.pk,
                "registered_on": arrived_on - datetime.timedelta(days=30),
                "departed_on": arrived_on - datetime.timedelta(days=1),
                "transport": "bus",
                "arrived_on": arrived_on,
                "arrival_place_id": settlement_id,
                "notes": "",
            }
            pk += 1

    _timed(context, "movements", movements, movement_rows())
    writer = BulkWriter(CheckIn)
    rows = checkin_rows(
        rng=rng,
        today=context.today,
        arrivals=((h, a, moved.get(h), context.user.pk) for h, a, _s, _d in arrived),
        organisation_id=context.organisation.pk,
        start_id=writer.next_id(),
    )
    _timed(context, "check-ins", writer, rows)


# Each stage's part of the seed, in stage order; later stages append theirs (referrals, monitoring).
REFERRAL_STATUSES = [("closed", 0.45), ("service_provided", 0.15), ("in_progress", 0.1), ("accepted", 0.1)]
REFERRAL_STATUSES += [("declined", 0.05), ("sent", 0.15)]
REFERRAL_SERVICES = [
    ("PRO", "Legal counselling and civil documentation"),
    ("HEA", "Primary health care"),
    ("PRO-CPN", "Child protection case management"),
    ("PRO-GBV", "GBV case management"),
    ("ERY", "Livelihoods and vocational training"),
    ("SHL", "Shelter repair"),
]


def _referral_services(context: Context) -> list[tuple[int, int, str, bool]]:
    """A partner's services covering every seeded country: ``(id, provider id, sector, sensitive)``."""
    from referrals.models import Service
    from referrals.rules import is_sensitive

    partner = Organisation.objects.filter(acronym="NRC").first() or Organisation.objects.create(
        name="Norwegian Refugee Council", acronym="NRC", kind=OrganisationKind.INGO
    )
    countries = list(AdminArea.objects.filter(level=AdminLevel.COUNTRY))
    services = []
    for sector, name in REFERRAL_SERVICES:
        service, _created = Service.objects.get_or_create(
            provider=partner, name=name, defaults={"maintained_by": context.organisation, "sector": sector}
        )
        service.areas.add(*countries)
        services.append((service.pk, partner.pk, service.sector, is_sensitive(sector=service.sector, flagged=False)))
    return services


def _referrals(context: Context) -> None:
    """Referrals for one household in eight, to a partner's services, in the states a CRC desk leaves
    them: most answered and closed, some still waiting (a share past their deadline), a few sensitive."""
    from profiling.models import Household
    from referrals.models import Referral

    rng = context.rng
    if not context.household_ids:
        return
    services = _referral_services(context)
    # Read before the COPY starts: the connection cannot fetch from a cursor while it streams a COPY.
    heads = list(
        Household.objects.filter(pk__gte=context.household_ids[0], pk__lte=context.household_ids[-1])
        .alias(eighth=F("pk") % 8)
        .filter(eighth=0)
        .order_by("pk")
        .values_list("pk", "settlement_id", "head_name", "phone")
    )
    statuses, weights = zip(*REFERRAL_STATUSES, strict=True)
    writer = BulkWriter(Referral)
    start = writer.next_id()
    now = timezone.now()

    def rows():
        pk = start
        for household_id, settlement_id, head_name, phone in heads:
            service_id, provider_id, sector, sensitive = rng.choice(services)
            sent = now - datetime.timedelta(days=rng.randrange(0, 400), minutes=rng.randrange(0, 1440))
            status = rng.choices(statuses, weights)[0]
            answered = sent + datetime.timedelta(days=rng.randrange(0, 4)) if status != "sent" else None
            yield {
                "id": pk,
                "reference": f"REF-{context.tag}-{pk}",
                "organisation_id": context.organisation.pk,
                "referred_from_id": context.organisation.pk,
                "area_id": settlement_id,
                "household_id": household_id,
                "client_name": head_name,
                "client_sex": rng.choice("fm"),
                "client_age_group": "18-59",
                "client_phone": phone,
                "service_id": service_id,
                "receiving_organisation_id": provider_id,
                "sector": sector,
                "reason": "Needs the service; seen at the community resource centre.",
                "urgency": rng.choice(("high", "normal", "normal", "low")),
                "deadline": (sent + datetime.timedelta(days=10)).date(),
                "sensitive": sensitive,
                "status": status,
                "consent_recorded": True,
                "consent_override_reason": "",
                "referred_by_id": context.user.pk,
                "sent_at": sent,
                "responded_at": answered,
                "decline_reason": "No capacity in this district." if status == "declined" else "",
                "provided_at": answered if status in ("service_provided", "closed") else None,
                "closed_at": answered if status == "closed" else None,
                "closure_note": "",
            }
            pk += 1

    _timed(context, "referrals", writer, rows())


def _analyze(context: Context) -> None:
    """Fresh planner statistics: a million rows written by COPY are invisible to the planner until
    autovacuum gets round to them, and until then every page plans as if the tables were empty."""
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    context.say(f"  analyze: {time.perf_counter() - started:.1f} s")


STAGES: list[Callable[[Context], None]] = [_dtm, _members, _consents, _assistance, _monitoring, _referrals]


def seed(*, households: int, seed: int = 7, settlements_per_district: int = 5, say=print) -> SeedReport:
    """Write ``households`` synthetic households and everything the later stages hang on them."""
    report = SeedReport()
    started = time.perf_counter()
    say(f"Seeding {households:,} households")
    with transaction.atomic():
        organisation, user = _ensure_actor()
        settlements = _ensure_places(say, settlements_per_district)
        context = Context(
            rng=random.Random(seed),
            tag=f"S{seed}{timezone.now():%y%m%d%H%M%S}",
            organisation=organisation,
            user=user,
            settlements=settlements,
            today=timezone.localdate(),
            report=report,
            say=say,
        )
        _target_all_districts(context)
        _households(context, households)
        for stage in STAGES:
            stage(context)
    _analyze(context)
    report.seconds["total"] = time.perf_counter() - started
    say(f"Done in {report.seconds['total']:.1f} s")
    return report
