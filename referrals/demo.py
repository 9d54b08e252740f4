"""Demo referrals: the CRCs of Khogyani and Injil, the service directory (IOM's protection and livelihoods
units, NRC legal aid, BRAC livelihoods, UNICEF child protection), today's walk-ins, referrals of the demo
households in Khogyani (one overdue, one sensitive, one answered with feedback) and the complaints register.

Everything goes through the services, as at a real desk. Two things a demo cannot wait for are set after:
the overdue referral is dated back twelve days, and the permissions a protection manager would hold
(sensitive cases, consent override, PSEA focal point) are given to the demo manager. Running it twice
changes nothing: each entry is looked up first.
"""

from __future__ import annotations

import datetime

from django.contrib.auth.models import Permission
from django.utils import timezone

from core import services as core_services
from core.audit import audit_record
from core.models import Role
from profiling.models import Household

from . import services
from .models import Complaint, FollowUp, Referral, ReferralEvent, ResourceCentre, Service, Visit

CENTRES = [
    ("Khogyani CRC", "AF0608", "Kaga bazaar, next to the district office", "Sat-Wed 08:00-16:00, Thu 08:00-12:00"),
    ("Injil CRC", "AF3202", "Karizak road, Injil district centre", "Sat-Wed 08:00-16:00"),
]

SERVICES = [
    # provider, name, sector, areas, criteria, contact
    (
        "IOM-PRO",
        "Protection case management",
        "PRO",
        ["AF06", "AF32"],
        "Individuals at risk: separated families, persons with serious protection concerns, "
        "survivors referred with consent.",
        ("Protection duty officer", "0700 100 200", "protection.duty@example.org"),
    ),
    (
        "IOM-PRO",
        "Psychosocial support sessions",
        "PRO",
        ["AF0608"],
        "Adults and adolescents showing distress after displacement or return.",
        ("PSS counsellor", "0700 100 201", "pss@example.org"),
    ),
    (
        "IOM-LH",
        "Vocational training and job placement",
        "ERY",
        ["AF0608", "AF3202"],
        "Working-age returnees and IDPs without a regular income; one person per household.",
        ("Livelihoods officer", "0700 100 300", "livelihoods@example.org"),
    ),
    (
        "NRC",
        "ICLA legal counselling on housing, land and property",
        "PRO-HLP",
        ["AF06", "AF32"],
        "Households facing eviction, land disputes or occupied property.",
        ("ICLA team leader", "0799 200 100", "icla.nangarhar@example.org"),
    ),
    (
        "NRC",
        "ICLA civil documentation (tazkira)",
        "PRO",
        ["AF06"],
        "People without a tazkira or with missing birth registration.",
        ("ICLA documentation desk", "0799 200 101", "icla.docs@example.org"),
    ),
    (
        "BRAC",
        "Small business grants",
        "ERY",
        ["AF0608"],
        "Women-headed households and returnees with a viable business plan.",
        ("BRAC field office", "0788 300 100", "brac.khogyani@example.org"),
    ),
    (
        "UNICEF",
        "Child protection case management",
        "PRO-CPN",
        ["AF06", "AF32"],
        "Children at risk: child labour, separated or unaccompanied children, violence.",
        ("CP case worker on duty", "0777 400 100", "cp.referrals@example.org"),
    ),
]

PROTECTION_USER = ("protection.khogyani", "Zahra", "Popal", Role.FIELD_STAFF, "IOM-PRO", "AF0608")


def load(demo) -> None:
    manager = demo.users.get("manager")
    desk = demo.users.get("desk.khogyani")
    partner = demo.users.get("partner.nrc")
    if manager is None or desk is None or "AF0608" not in demo.districts:
        return
    _permissions(manager)
    _protection_caseworker(demo)
    centres = _centres(demo, manager)
    directory = _directory(demo, manager)
    households = list(
        Household.objects.filter(
            organisation=demo.organisations["IOM"],
            submission_id__startswith="demo-household-",
            settlement__parent__pcode="AF0608",
            duplicate_of__isnull=True,
        ).order_by("submission_id")
    )
    if len(households) < 4 or centres.get("Khogyani CRC") is None:
        return
    _walk_ins(desk, centres["Khogyani CRC"], households)
    _referrals(demo, desk, manager, partner, households, directory, centres["Khogyani CRC"])
    _complaints(demo, desk, manager, centres["Khogyani CRC"], households)


def _permissions(manager) -> None:
    """The demo manager is also the protection lead: sensitive cases, consent override, PSEA focal point."""
    wanted = Permission.objects.filter(
        content_type__app_label="core", codename__in=["view_sensitive", "override_consent", "psea_focal_point"]
    )
    missing = [p for p in wanted if not manager.user_permissions.filter(pk=p.pk).exists()]
    if missing:
        manager.user_permissions.add(*missing)
        audit_record(
            actor=None,
            action="demo.permissions",
            target=manager,
            after={"granted": sorted(p.codename for p in missing)},
        )
    for cache in ("_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        if hasattr(manager, cache):
            delattr(manager, cache)


def _protection_caseworker(demo) -> None:
    from django.contrib.auth import get_user_model

    username, first, last, role, organisation, area = PROTECTION_USER
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        user = core_services.user_create(
            actor=None,
            username=username,
            email=f"{username}@example.org",
            first_name=first,
            last_name=last,
            password=demo.password,
            organisation=demo.organisations[organisation],
            role=role,
            areas=[demo.districts[area]],
        )
    demo.users[username] = user


def _centres(demo, manager) -> dict[str, ResourceCentre]:
    centres = {}
    for name, pcode, address, hours in CENTRES:
        centre = ResourceCentre.objects.filter(organisation=demo.organisations["IOM"], name=name).first()
        if centre is None and pcode in demo.districts:
            centre = services.centre_save(
                actor=manager,
                name=name,
                area=demo.districts[pcode],
                address=address,
                phone="0700 000 111",
                opening_hours=hours,
            )
        centres[name] = centre
    return centres


def _directory(demo, manager) -> dict[str, Service]:
    from core.models import AdminArea

    directory = {}
    for acronym, name, sector, codes, criteria, (contact, phone, email) in SERVICES:
        provider = demo.organisations.get(acronym)
        if provider is None:
            continue
        entry = Service.objects.filter(provider=provider, name=name).first()
        if entry is None:
            entry = services.service_save(
                actor=manager,
                provider=provider,
                areas=list(AdminArea.objects.filter(pcode__in=codes)),
                values={
                    "name": name,
                    "sector": sector,
                    "criteria": criteria,
                    "contact_name": contact,
                    "contact_phone": phone,
                    "contact_email": email,
                    "opening_hours": "Sat-Wed 08:00-16:00",
                    "address": "Jalalabad office" if acronym != "IOM-PRO" else "Khogyani CRC, room 2",
                },
            )
        directory[name] = entry
    return directory


def _walk_ins(desk, centre, households) -> None:
    if Visit.objects.filter(centre=centre).exists():
        return
    now = timezone.now()
    services.visit_record(
        actor=desk,
        centre=centre,
        household=households[0],
        purposes=["referral", "information"],
        notes="Asked about the eviction notice the landlord gave last week.",
        visited_at=now - datetime.timedelta(hours=2),
    )
    services.visit_record(
        actor=desk,
        centre=centre,
        household=households[2],
        purposes=["follow_up"],
        visited_at=now - datetime.timedelta(hours=1),
    )
    services.visit_record(
        actor=desk,
        centre=centre,
        visitor=services.VisitorInput(
            name="Freshta Wardak",
            sex="f",
            age_group="18-59",
            phone="0700 321 654",
            consent_referral=True,
            consent_partner_sharing=False,
        ),
        purposes=["referral", "registration"],
        notes="Arrived from Pakistan three weeks ago; not yet registered. Looking for work.",
        visited_at=now - datetime.timedelta(minutes=30),
    )


def _refer(actor, household, service, **kwargs) -> Referral | None:
    if service is None or Referral.objects.filter(household=household, service=service).exists():
        return None
    return services.referral_create(actor=actor, household=household, service=service, **kwargs)


def _referrals(demo, desk, manager, partner, households, directory, centre) -> None:
    legal = directory.get("ICLA legal counselling on housing, land and property")
    documents = directory.get("ICLA civil documentation (tazkira)")
    case_management = directory.get("Protection case management")
    child_protection = directory.get("Child protection case management")
    training = directory.get("Vocational training and job placement")

    # 1. Legal aid for the eviction: NRC accepted and wrote back.
    answered = _refer(
        desk,
        households[0],
        legal,
        reason="Landlord gave a verbal eviction notice; the family holds a rental agreement. Needs legal advice.",
        urgency="high",
        consent_given_now=True,
    )
    if answered is not None and partner is not None:
        services.referral_transition(actor=partner, referral=answered, verb="accept")
        services.referral_feedback(
            actor=partner,
            referral=answered,
            note="Counselling session held on the rental agreement; mediation with the landlord planned.",
        )

    # 2. Civil documentation, sent twelve days ago and never answered: overdue.
    overdue = _refer(
        desk,
        households[1],
        documents,
        reason="Two children without tazkira; needed for school enrolment.",
        urgency="normal",
        consent_given_now=True,
    )
    if overdue is not None:
        sent = timezone.now() - datetime.timedelta(days=12)
        Referral.objects.filter(pk=overdue.pk).update(sent_at=sent, deadline=sent.date() + datetime.timedelta(days=10))
        ReferralEvent.objects.filter(referral=overdue).update(occurred_at=sent)
        FollowUp.objects.filter(referral=overdue).update(due_on=sent.date() + datetime.timedelta(days=11))

    # 3. A child at risk, found at the desk: sensitive, visible to the protection lead only.
    child = households[2].members.filter(relationship="child").first()
    _refer(
        desk,
        households[2],
        child_protection,
        member=child,
        reason="Child reported working at the brick kiln instead of attending school; mother asked for help.",
        urgency="high",
        consent_given_now=True,
    )

    # 4. Internal case management, in progress with IOM's protection unit.
    internal = _refer(
        manager,
        households[3],
        case_management,
        reason="Head of household with a serious illness and no adult support; family at risk of separation.",
        urgency="normal",
        consent_given_now=True,
    )
    caseworker = demo.users.get("protection.khogyani")
    if internal is not None and caseworker is not None:
        services.referral_transition(actor=caseworker, referral=internal, verb="accept")
        services.referral_transition(actor=caseworker, referral=internal, verb="start")

    # 5. The walk-in who is not yet registered: to IOM's livelihoods unit (inside the organisation).
    walk_in = Visit.objects.filter(centre=centre, household__isnull=True, visitor_name="Freshta Wardak").first()
    if walk_in is not None and training is not None and not Referral.objects.filter(visit=walk_in).exists():
        services.referral_create(
            actor=desk,
            household=None,
            visit=walk_in,
            service=training,
            reason="Tailor by trade; looking for work or a training to restart.",
            urgency="low",
        )


def _complaints(demo, desk, manager, centre, households) -> None:
    if Complaint.objects.filter(organisation=demo.organisations["IOM"]).exists():
        return
    today = timezone.localdate()
    kaga = demo.settlements.get("AF0608S001") or centre.area
    answered = services.complaint_register(
        actor=desk,
        data=services.ComplaintInput(
            kind="complaint",
            channel="help_desk",
            category="eligibility",
            description="Registered two months ago but not on the winter assistance list.",
            area=kaga,
            centre=centre,
            received_on=today - datetime.timedelta(days=6),
            complainant_name=households[1].head_name,
            complainant_phone=households[1].phone,
            complainant_sex="m",
            complainant_age_group="18-59",
            household=households[1],
            assigned_to=desk,
        ),
    )
    services.complaint_respond(
        actor=desk,
        complaint=answered,
        response="Checked the list: the household was scored after the cut-off and is on next month's distribution.",
        responded_on=today - datetime.timedelta(days=2),
    )
    services.complaint_register(
        actor=desk,
        data=services.ComplaintInput(
            kind="complaint",
            channel="complaint_box",
            category="assistance_quality",
            description="Blankets in the last distribution were thin and too few for large families.",
            area=kaga,
            centre=centre,
            received_on=today - datetime.timedelta(days=16),
            anonymous=True,
        ),
    )
    services.complaint_register(
        actor=desk,
        data=services.ComplaintInput(
            kind="feedback",
            channel="community_meeting",
            category="appreciation",
            description="Elders thanked the team for the new hand pump in Mamakhel.",
            area=demo.settlements.get("AF0608S002") or kaga,
            received_on=today - datetime.timedelta(days=3),
            anonymous=True,
        ),
    )
    services.complaint_register(
        actor=desk,
        data=services.ComplaintInput(
            kind="complaint",
            channel="hotline",
            category="psea",
            description="Caller said a distribution volunteer asked a widow for favours in exchange for a token.",
            area=kaga,
            received_on=today,
            anonymous=True,
        ),
    )
