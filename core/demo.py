"""The demo programme's foundation: organisations, settlements in the two active districts, one user per role.

Each stage app may add its own ``demo.py`` with ``load(demo: DemoProgramme)``; ``manage.py load_demo``
calls them left to right. Every loader is idempotent: running the demo twice changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model

from . import services
from .models import AdminArea, AdminLevel, Organisation, OrganisationKind, Role

User = get_user_model()

ORGANISATIONS = [
    # acronym, name, kind, parent acronym
    ("IOM", "International Organization for Migration", OrganisationKind.UN_AGENCY, None),
    ("IOM-PRO", "IOM Protection Unit", OrganisationKind.INTERNAL_UNIT, "IOM"),
    ("IOM-LH", "IOM Livelihoods Unit", OrganisationKind.INTERNAL_UNIT, "IOM"),
    ("NRC", "Norwegian Refugee Council", OrganisationKind.INGO, None),
    ("BRAC", "BRAC", OrganisationKind.INGO, None),
    ("UNICEF", "United Nations Children's Fund", OrganisationKind.UN_AGENCY, None),
]

SETTLEMENTS = {
    "AF0608": [("AF0608S001", "Kaga"), ("AF0608S002", "Mamakhel"), ("AF0608S003", "Wazir Tangi")],
    "AF3202": [("AF3202S001", "Shaidayee"), ("AF3202S002", "Karizak"), ("AF3202S003", "Pashdan")],
}

USERS = [
    # username, first, last, role, organisation, areas
    ("field.khogyani", "Farida", "Ahmadzai", Role.FIELD_STAFF, "IOM", ["AF0608"]),
    ("field.injil", "Nasir", "Rahimi", Role.FIELD_STAFF, "IOM", ["AF3202"]),
    ("desk.khogyani", "Mariam", "Safi", Role.DESK_OFFICER, "IOM", ["AF0608"]),
    ("manager", "Karim", "Noori", Role.MANAGER, "IOM", ["AF06", "AF32"]),
    ("partner.nrc", "Sofia", "Lind", Role.PARTNER, "NRC", []),
    ("admin", "Amina", "Yusufi", Role.ADMIN, "IOM", ["AFG", "IRQ"]),
]


@dataclass
class DemoProgramme:
    organisations: dict[str, Organisation] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    settlements: dict[str, AdminArea] = field(default_factory=dict)
    districts: dict[str, AdminArea] = field(default_factory=dict)
    password: str = ""


def load() -> DemoProgramme:
    demo = DemoProgramme(password=settings.ABR_DEMO_PASSWORD)
    for acronym, name, kind, parent in ORGANISATIONS:
        organisation = Organisation.objects.filter(acronym=acronym).first()
        if organisation is None:
            organisation = services.organisation_create(
                actor=None, name=name, acronym=acronym, kind=kind, parent=demo.organisations.get(parent)
            )
        demo.organisations[acronym] = organisation

    for district_code, settlements in SETTLEMENTS.items():
        district = AdminArea.objects.get(pcode=district_code)
        demo.districts[district_code] = district
        for pcode, name in settlements:
            area = AdminArea.objects.filter(pcode=pcode).first()
            if area is None:
                area = AdminArea.objects.create(
                    pcode=pcode,
                    name=name,
                    level=AdminLevel.SETTLEMENT,
                    parent=district,
                    country_code=district.country_code,
                )
            demo.settlements[pcode] = area

    for username, first, last, role, organisation, area_codes in USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = services.user_create(
                actor=None,
                username=username,
                email=f"{username}@example.org",
                first_name=first,
                last_name=last,
                password=demo.password,
                organisation=demo.organisations[organisation],
                role=role,
                areas=list(AdminArea.objects.filter(pcode__in=area_codes)),
            )
        demo.users[username] = user
    return demo
