"""The plan as a document: the facts a community signs, as plain JSON-safe data.

``plan_document`` reads a plan loaded by ``selectors.plan_for_document``; the same structure is stored
in ``Plan.signed_document`` when a manager approves, so the signed version can be shown, printed and
downloaded exactly as it was. ``present`` turns either into what the page and the spreadsheet show
(labels in the reader's language, dates and amounts as Python values, summaries from ``caps.rules``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .models import (
    ActionStatus,
    CouncilRole,
    Currency,
    ParticipantGroup,
    Plan,
    PlanStatus,
    RaisedBy,
    Sex,
)
from .rules import ParticipationSummary, budget_totals, composition_summary, participation_summary
from .sectors import sector_label

DOCUMENT_FORMAT = 1


def _iso(value: datetime.date | datetime.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _person(user) -> str | None:
    if user is None:
        return None
    return user.get_full_name() or user.username


def plan_document(plan: Plan) -> dict[str, Any]:
    """The plan's content as JSON-safe data (codes, ISO dates, amounts as strings)."""
    target = plan.target_area
    council = plan.council
    return {
        "format": DOCUMENT_FORMAT,
        "plan": {
            "id": plan.pk,
            "title": plan.title,
            "period_start": _iso(plan.period_start),
            "period_end": _iso(plan.period_end),
            "vision": plan.vision,
            "status": plan.status,
            "version": plan.version,
        },
        "target_area": {
            "pcode": target.area.pcode,
            "name": target.area.name,
            "level": target.area.level,
            "parent": target.area.parent.name if target.area.parent_id else "",
            "rationale": target.rationale,
        },
        "organisation": {"acronym": target.round.organisation.acronym, "name": target.round.organisation.name},
        "council": None
        if council is None
        else {
            "id": council.pk,
            "name": council.name,
            "registration_code": council.registration_code,
            "members": [
                {"name": m.name, "sex": m.sex, "role": m.role}
                for m in sorted(council.members.all(), key=lambda m: (_role_order(m.role), m.name, m.pk))
                if m.left_on is None
            ],
        },
        "workshops": [
            {
                "id": w.pk,
                "held_on": _iso(w.held_on),
                "place": w.place,
                "settlement": w.settlement.name if w.settlement_id else "",
                "facilitators": w.facilitators,
                "participation": [[p.group, p.women, p.men] for p in w.participation.all()],
            }
            for w in sorted(plan.workshops.all(), key=lambda w: (w.held_on, w.pk))
        ],
        "priorities": [
            {
                "id": p.pk,
                "position": p.position,
                "tied": p.tied,
                "sector": p.sector,
                "title": p.title,
                "description": p.description,
                "raised_by": list(p.raised_by),
                "raised_by_note": p.raised_by_note,
                "votes": p.votes,
                "rank": p.rank,
                "actions": [
                    {
                        "id": a.pk,
                        "description": a.description,
                        "responsible": a.responsible,
                        "budget": str(a.budget) if a.budget is not None else None,
                        "currency": a.currency,
                        "start_on": _iso(a.start_on),
                        "end_on": _iso(a.end_on),
                        "status": a.status,
                    }
                    for a in p.actions.all()
                ],
            }
            for p in plan.priorities.all()
        ],
        "approval": {
            "approved_by": _person(plan.approved_by),
            "approved_at": _iso(plan.approved_at),
            "version": plan.approved_version,
        },
    }


def _role_order(role: str) -> int:
    values = list(CouncilRole.values)
    return values.index(role) if role in values else len(values)


def _label(choices, code: str) -> str:
    return str(dict(choices).get(code, code))


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


@dataclass(frozen=True)
class PresentedAction:
    id: int
    description: str
    responsible: str
    budget: Decimal | None
    currency: str
    start_on: datetime.date | None
    end_on: datetime.date | None
    status: str
    status_label: str


@dataclass(frozen=True)
class PresentedPriority:
    id: int
    position: int
    tied: bool
    sector: str
    sector_label: str
    title: str
    description: str
    raised_by: list[str]
    raised_by_note: str
    votes: int | None
    rank: int | None
    actions: list[PresentedAction]


@dataclass(frozen=True)
class PresentedWorkshop:
    id: int
    held_on: datetime.date | None
    place: str
    settlement: str
    facilitators: list[str]
    participation: ParticipationSummary


@dataclass(frozen=True)
class PresentedMember:
    name: str
    role: str
    sex: str
    sex_label: str
    role_label: str


@dataclass
class PresentedDocument:
    plan: dict[str, Any]
    period_start: datetime.date | None
    period_end: datetime.date | None
    status_label: str
    target_area: dict[str, Any]
    organisation: dict[str, Any]
    council: dict[str, Any] | None
    members: list[PresentedMember]
    composition: ParticipationSummary | None
    workshops: list[PresentedWorkshop]
    participation: ParticipationSummary
    priorities: list[PresentedPriority]
    budget_totals: list[tuple[str, Decimal]]
    approved_by: str | None
    approved_at: datetime.datetime | None
    approved_version: int | None


def present(document: dict[str, Any]) -> PresentedDocument:
    """What a reader sees of a document (live or signed): labels, dates, summaries and totals."""
    council = document.get("council")
    members = []
    composition = None
    if council is not None:
        members = [
            PresentedMember(
                m["name"], m["role"], m["sex"], _label(Sex.choices, m["sex"]), _label(CouncilRole.choices, m["role"])
            )
            for m in council["members"]
        ]
        composition = composition_summary(((m["role"], m["sex"]) for m in council["members"]), roles=CouncilRole.values)
    workshops = [
        PresentedWorkshop(
            id=w["id"],
            held_on=_date(w["held_on"]),
            place=w["place"],
            settlement=w["settlement"],
            facilitators=[line.strip() for line in w["facilitators"].splitlines() if line.strip()],
            participation=participation_summary(tuple(row) for row in w["participation"]),
        )
        for w in document["workshops"]
    ]
    priorities = []
    all_actions = []
    for p in document["priorities"]:
        actions = []
        for a in p["actions"]:
            budget = Decimal(a["budget"]) if a["budget"] is not None else None
            actions.append(
                PresentedAction(
                    id=a["id"],
                    description=a["description"],
                    responsible=a["responsible"],
                    budget=budget,
                    currency=a["currency"],
                    start_on=_date(a["start_on"]),
                    end_on=_date(a["end_on"]),
                    status=a["status"],
                    status_label=_label(ActionStatus.choices, a["status"]),
                )
            )
            all_actions.append((a["currency"], budget, a["status"]))
        priorities.append(
            PresentedPriority(
                id=p["id"],
                position=p["position"],
                tied=p["tied"],
                sector=p["sector"],
                sector_label=sector_label(p["sector"]),
                title=p["title"],
                description=p["description"],
                raised_by=[_label(RaisedBy.choices, code) for code in p["raised_by"]],
                raised_by_note=p["raised_by_note"],
                votes=p["votes"],
                rank=p["rank"],
                actions=actions,
            )
        )
    approval = document.get("approval") or {}
    approved_at = approval.get("approved_at")
    return PresentedDocument(
        plan=document["plan"],
        period_start=_date(document["plan"]["period_start"]),
        period_end=_date(document["plan"]["period_end"]),
        status_label=_label(PlanStatus.choices, document["plan"]["status"]),
        target_area=document["target_area"],
        organisation=document["organisation"],
        council=council,
        members=members,
        composition=composition,
        workshops=workshops,
        participation=participation_summary(tuple(row) for w in document["workshops"] for row in w["participation"]),
        priorities=priorities,
        budget_totals=budget_totals(all_actions),
        approved_by=approval.get("approved_by"),
        approved_at=datetime.datetime.fromisoformat(approved_at) if approved_at else None,
        approved_version=approval.get("version"),
    )


def group_label(code: str) -> str:
    return _label(ParticipantGroup.choices, code)


def currency_label(code: str) -> str:
    return _label(Currency.choices, code)
