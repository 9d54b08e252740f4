"""Writes of profiling: registration and edits of households, duplicates, vulnerability models,
community assessments and facilities. Imports are in ``profiling.importing`` (parsing) and
``household_import`` below (writing)."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from typing import IO

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max, ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record, changed, service, snapshot
from core.ids import reserve_ids
from core.models import AdminArea, AdminLevel, Job, Organisation
from core.pcodes import normalise_pcode
from core.scoping import scope_for
from core.services import job_create
from core.tabular import ImportFailed, RowProblem, Table, is_xlsx, read_table, sheet_names
from targeting.models import TargetArea
from targeting.selectors import area_is_targeted

from . import rules, selectors, staged_import
from .models import (
    BARRIER_CATEGORY,
    CRITICAL_SHELTER,
    WG_DOMAINS,
    CommunityAssessment,
    Consent,
    ConsentPurpose,
    DuplicatePair,
    DuplicateStatus,
    Facility,
    Household,
    LegalBasis,
    Member,
    Relationship,
    VulnerabilityModel,
)

HOUSEHOLD_AUDIT_FIELDS = (
    "settlement",
    "latitude",
    "longitude",
    "displacement_status",
    "arrival_date",
    "origin",
    "shelter_type",
    "head_name",
    "phone",
    "intention",
    "return_barriers",
    "has_income",
    "has_debt",
    "notes",
    "size",
    "vulnerability_score",
    "vulnerability_band",
    "version",
)
MEMBER_FIELDS = (
    "name",
    "sex",
    "date_of_birth",
    "date_of_birth_estimated",
    "relationship",
    *WG_DOMAINS,
    "has_disability",
    "chronic_illness",
    "pregnant_or_lactating",
    "documents",
)


# --- inputs and outcomes ----------------------------------------------------------------------------


@dataclass
class HouseholdInput:
    settlement: AdminArea
    displacement_status: str
    shelter_type: str
    arrival_date: datetime.date | None = None
    origin: AdminArea | None = None
    phone: str = ""
    intention: str = "undecided"
    return_barriers: Sequence[str] = ()
    has_income: bool = True
    has_debt: bool = False
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    notes: str = ""


@dataclass
class MemberInput:
    name: str
    sex: str
    relationship: str
    date_of_birth: datetime.date | None = None
    age: int | None = None
    wg: dict[str, int | None] = field(default_factory=dict)
    chronic_illness: bool = False
    pregnant_or_lactating: bool = False
    documents: Sequence[str] = ()
    id: int | None = None
    delete: bool = False


@dataclass
class ConsentInput:
    purpose: str
    given: bool
    legal_basis: str


class DuplicatesFound(Exception):
    """The household resembles ones already registered; the user must look at them before saving."""

    def __init__(self, candidates: list[selectors.DuplicateCandidate]):
        self.candidates = candidates
        super().__init__(f"{len(candidates)} possible duplicate(s)")


class EditConflict(Exception):
    """Someone saved the record after the editor opened it; nothing was written."""

    def __init__(self, current):
        self.current = current
        super().__init__(f"{current} was changed by someone else (now version {current.version})")


# --- helpers ----------------------------------------------------------------------------------------


def _household_reference(*, organisation: Organisation, pk: int) -> str:
    return f"{organisation.acronym[:20]}-{pk:07d}"


def _actor_organisation(actor) -> Organisation:
    scope = scope_for(actor)
    if scope is None:
        raise ValidationError({"settlement": _("You have no active membership, so you cannot register households.")})
    return Organisation.objects.get(pk=scope.data_owner_id)


def _check_settlement(*, actor, organisation: Organisation, settlement: AdminArea) -> None:
    scope = scope_for(actor)
    if settlement.level != AdminLevel.SETTLEMENT:
        raise ValidationError({"settlement": _("Choose a settlement (village or camp), not a district or province.")})
    if scope is None or not any(settlement.path.startswith(p) for p in scope.area_paths):
        raise ValidationError({"settlement": _("%(place)s is outside your areas.") % {"place": settlement}})
    if not area_is_targeted(area=settlement, organisation_id=organisation.pk):
        raise ValidationError(
            {
                "settlement": _(
                    "%(place)s is not inside an approved target area of your organisation; households are "
                    "registered only in target areas."
                )
                % {"place": settlement}
            }
        )


def _check_barriers(barriers: Sequence[str]) -> list[str]:
    unknown = [b for b in barriers if b not in BARRIER_CATEGORY]
    if unknown:
        raise ValidationError({"return_barriers": _("Unknown barrier(s): %(codes)s.") % {"codes": ", ".join(unknown)}})
    return list(dict.fromkeys(barriers))


def _check_consents(consents: Sequence[ConsentInput]) -> dict[str, ConsentInput]:
    by_purpose = {c.purpose: c for c in consents}
    missing = [p for p in ConsentPurpose.values if p not in by_purpose]
    errors: dict[str, str] = {}
    if missing:
        errors["consents"] = _("Record the answer for every purpose: %(purposes)s.") % {"purposes": ", ".join(missing)}
    for purpose, consent in by_purpose.items():
        if purpose not in ConsentPurpose.values:
            errors["consents"] = _("Unknown purpose %(purpose)s.") % {"purpose": purpose}
        elif consent.legal_basis not in LegalBasis.values:
            errors[f"consent_{purpose}"] = _("Choose the legal basis.")
    registration = by_purpose.get(ConsentPurpose.REGISTRATION)
    if registration and not registration.given and registration.legal_basis == LegalBasis.CONSENT:
        errors[f"consent_{ConsentPurpose.REGISTRATION}"] = _(
            "The household did not consent to registration. Do not register it, or record the other "
            "legal basis (e.g. vital interest) that allows it."
        )
    if errors:
        raise ValidationError(errors)
    return by_purpose


def _member_from_input(member: Member, data: MemberInput, *, today: datetime.date, index: int) -> Member:
    if data.date_of_birth is None and data.age is None:
        raise ValidationError({f"members[{index}].age": _("Give the date of birth or the age.")})
    if data.date_of_birth is not None and data.date_of_birth > today:
        raise ValidationError({f"members[{index}].date_of_birth": _("The date of birth is in the future.")})
    if data.age is not None and not 0 <= data.age <= 120:
        raise ValidationError({f"members[{index}].age": _("The age must be between 0 and 120.")})
    born, _age, estimated = rules.age_from(date_of_birth=data.date_of_birth, stated_age=data.age, on=today)
    member.name = data.name.strip()
    member.sex = data.sex
    member.relationship = data.relationship
    member.date_of_birth = born
    member.date_of_birth_estimated = estimated
    for domain in WG_DOMAINS:
        setattr(member, domain, data.wg.get(domain))
    member.has_disability = rules.wg_disability(data.wg.get(d) for d in WG_DOMAINS)
    member.chronic_illness = data.chronic_illness
    member.pregnant_or_lactating = data.pregnant_or_lactating
    member.documents = list(dict.fromkeys(data.documents))
    if member.pregnant_or_lactating and member.sex != "f":
        raise ValidationError({f"members[{index}].pregnant_or_lactating": _("Only a female member can be pregnant.")})
    try:
        member.full_clean(exclude=["household"])
    except ValidationError as error:
        raise ValidationError(
            {f"members[{index}].{name}": messages for name, messages in error.message_dict.items()}
        ) from None
    return member


def _check_one_head(members: Sequence[Member]) -> Member:
    heads = [m for m in members if m.relationship == Relationship.HEAD]
    if not members:
        raise ValidationError({"members": _("Add at least the head of household.")})
    if len(heads) != 1:
        raise ValidationError(
            {"members": _("Exactly one member must be the head of household (found %(n)s).") % {"n": len(heads)}}
        )
    return heads[0]


def _member_facts(member: Member, today: datetime.date) -> rules.MemberFacts:
    return rules.MemberFacts(
        sex=member.sex,
        age=rules.age_on(member.date_of_birth, today) if member.date_of_birth else None,
        relationship=member.relationship,
        wg_answers=tuple(getattr(member, d) for d in WG_DOMAINS),
        chronic_illness=member.chronic_illness,
        pregnant_or_lactating=member.pregnant_or_lactating,
        documents=tuple(member.documents or ()),
    )


def _household_facts(household: Household, members: Sequence[Member], today: datetime.date) -> rules.HouseholdFacts:
    return rules.HouseholdFacts(
        members=tuple(_member_facts(m, today) for m in members),
        critical_shelter=household.shelter_type in CRITICAL_SHELTER,
        has_income=household.has_income,
        has_debt=household.has_debt,
    )


def _spec_of(model: VulnerabilityModel) -> rules.VulnerabilitySpec:
    return rules.VulnerabilitySpec(
        weights=model.weights, parameters=model.parameters, bands=model.bands, version=model.version
    )


def _apply_score(household: Household, members: Sequence[Member], model: VulnerabilityModel) -> None:
    result = rules.vulnerability(_household_facts(household, members, timezone.localdate()), _spec_of(model))
    household.vulnerability_score = result.score
    household.vulnerability_band = result.band
    household.vulnerability_criteria = list(result.criteria)
    household.vulnerability_model = model


def _apply_head(household: Household, head: Member, size: int) -> None:
    household.head_name = head.name
    household.head_date_of_birth = head.date_of_birth
    household.head_birth_estimated = head.date_of_birth_estimated
    household.size = size


def _apply_data(household: Household, data: HouseholdInput) -> None:
    household.settlement = data.settlement
    household.displacement_status = data.displacement_status
    household.shelter_type = data.shelter_type
    household.arrival_date = data.arrival_date
    household.origin = data.origin
    household.phone = data.phone.strip()
    household.phone_key = rules.phone_key(data.phone)
    household.intention = data.intention
    household.return_barriers = _check_barriers(data.return_barriers)
    household.has_income = data.has_income
    household.has_debt = data.has_debt
    household.latitude = data.latitude
    household.longitude = data.longitude
    household.notes = data.notes


def _household_snapshot(household: Household, members: Sequence[Member], consents: dict[str, Consent]) -> dict:
    data = snapshot(household, HOUSEHOLD_AUDIT_FIELDS)
    data["members"] = {str(m.pk): snapshot(m, MEMBER_FIELDS) for m in members}
    data["consents"] = {p: {"given": c.given, "legal_basis": c.legal_basis} for p, c in sorted(consents.items())}
    return data


# --- vulnerability models ---------------------------------------------------------------------------


@service
def vulnerability_model_ensure(*, actor, organisation: Organisation) -> VulnerabilityModel:
    """The organisation's active model; the programme defaults become version 1 if there is none yet."""
    active = selectors.vulnerability_model_active(organisation_id=organisation.pk)
    if active is not None:
        return active
    model = VulnerabilityModel(
        organisation=organisation,
        version=(VulnerabilityModel.objects.filter(organisation=organisation).aggregate(v=Max("version"))["v"] or 0)
        + 1,
        weights=dict(rules.DEFAULT_WEIGHTS),
        parameters=dict(rules.DEFAULT_PARAMETERS),
        bands=[list(b) for b in rules.DEFAULT_BANDS],
        note="Programme defaults",
        is_active=True,
        activated_at=timezone.now(),
        created_by=actor if actor is not None and actor.pk else None,
    )
    model.full_clean()
    model.save()
    audit_record(actor=actor, action="vulnerability_model.create", target=model, after=snapshot(model))
    return model


@service
def vulnerability_model_create(
    *,
    actor,
    weights: dict[str, float],
    parameters: dict[str, float],
    bands: list[list],
    note: str,
    activate: bool = True,
) -> tuple[VulnerabilityModel, Job | None]:
    """Save a manager's change as a new version; activating it rescores every household in a job."""
    organisation = _actor_organisation(actor)
    problems = rules.check_spec(weights, parameters, bands)
    if problems:
        raise ValidationError(problems)
    if not note.strip():
        raise ValidationError({"note": _("Say what changed and why; the note stays with the version.")})
    latest = VulnerabilityModel.objects.filter(organisation=organisation).aggregate(v=Max("version"))["v"] or 0
    model = VulnerabilityModel(
        organisation=organisation,
        version=latest + 1,
        weights={k: weights[k] for k in rules.CRITERIA if k in weights},
        parameters=parameters,
        bands=bands,
        note=note.strip(),
        created_by=actor,
    )
    model.full_clean()
    model.save()
    audit_record(actor=actor, action="vulnerability_model.create", target=model, after=snapshot(model))
    job = vulnerability_model_activate(actor=actor, model=model) if activate else None
    return model, job


@service
def vulnerability_model_activate(*, actor, model: VulnerabilityModel) -> Job:
    """Make ``model`` the one in force and queue the rescoring of the organisation's households."""
    before = VulnerabilityModel.objects.select_for_update().filter(organisation=model.organisation_id, is_active=True)
    previous = [m.version for m in before]
    before.update(is_active=False)
    model.is_active = True
    model.activated_at = timezone.now()
    model.save(update_fields=["is_active", "activated_at", "updated_at"])
    audit_record(
        actor=actor,
        action="vulnerability_model.activate",
        target=model,
        before={"active_versions": previous},
        after={"active_version": model.version},
    )
    job = job_create(
        actor=actor,
        kind="profiling.rescore",
        label=_("Rescoring households with vulnerability model v%(v)s") % {"v": model.version},
        params={"model_id": model.pk},
    )
    from .tasks import rescore_households_task

    transaction.on_commit(partial(rescore_households_task.delay, job.pk))
    return job


@service
def households_rescore(
    *, actor, model: VulnerabilityModel, progress: Callable[[int, int], None] | None = None, batch_size: int = 2000
) -> dict:
    """Recompute score and band of every household of the model's organisation with ``model``.

    Works in batches of ids; the household ``version`` is not bumped (no one edited the household),
    so an edit form opened before the rescoring still saves.
    """
    spec = _spec_of(model)
    today = timezone.localdate()
    households = Household.objects.filter(organisation_id=model.organisation_id)
    total = households.count()
    ids = list(households.order_by("pk").values_list("pk", flat=True))
    done = changed_count = 0
    bands: dict[str, int] = {}
    for start in range(0, len(ids), batch_size):
        chunk = ids[start : start + batch_size]
        members_by_household: dict[int, list[Member]] = {}
        for member in Member.objects.filter(household_id__in=chunk).only(
            "household_id",
            "sex",
            "date_of_birth",
            "relationship",
            *WG_DOMAINS,
            "chronic_illness",
            "pregnant_or_lactating",
            "documents",
        ):
            members_by_household.setdefault(member.household_id, []).append(member)
        to_update = []
        for household in Household.objects.filter(pk__in=chunk).only(
            "pk",
            "shelter_type",
            "has_income",
            "has_debt",
            "vulnerability_score",
            "vulnerability_band",
            "vulnerability_criteria",
            "vulnerability_model_id",
        ):
            facts = _household_facts(household, members_by_household.get(household.pk, []), today)
            result = rules.vulnerability(facts, spec)
            bands[result.band] = bands.get(result.band, 0) + 1
            if (
                household.vulnerability_score != result.score
                or household.vulnerability_band != result.band
                or household.vulnerability_criteria != list(result.criteria)
                or household.vulnerability_model_id != model.pk
            ):
                household.vulnerability_score = result.score
                household.vulnerability_band = result.band
                household.vulnerability_criteria = list(result.criteria)
                household.vulnerability_model_id = model.pk
                to_update.append(household)
        Household.objects.bulk_update(
            to_update,
            ["vulnerability_score", "vulnerability_band", "vulnerability_criteria", "vulnerability_model"],
            batch_size=1000,
        )
        changed_count += len(to_update)
        done += len(chunk)
        if progress:
            progress(done, total)
    result = {"households": total, "changed": changed_count, "bands": bands, "version": model.version}
    audit_record(actor=actor, action="household.rescore", target=model, after=result)
    return result


# --- households ---------------------------------------------------------------------------------------


@service
def household_register(
    *,
    actor,
    data: HouseholdInput,
    members: Sequence[MemberInput],
    consents: Sequence[ConsentInput],
    acknowledged_duplicates: Collection[int] | None = None,
    submission_id: str | None = None,
) -> Household:
    """Register a household with its members and consents, scored with the active vulnerability model.

    Raises ``DuplicatesFound`` (writing nothing) when it resembles households already registered whose
    ids are not in ``acknowledged_duplicates``; once the user has looked at them and chosen to save
    anyway, each candidate is kept as a pair to review.
    """
    organisation = _actor_organisation(actor)
    _check_settlement(actor=actor, organisation=organisation, settlement=data.settlement)
    consent_inputs = _check_consents(consents)
    today = timezone.localdate()
    pk = reserve_ids(Household, 1)[0]
    household = Household(pk=pk, organisation=organisation, registered_by=actor, submission_id=submission_id or None)
    household.reference = _household_reference(organisation=organisation, pk=pk)
    _apply_data(household, data)
    member_rows = [
        _member_from_input(Member(household=household), m, today=today, index=i)
        for i, m in enumerate(members)
        if not m.delete
    ]
    head = _check_one_head(member_rows)
    _apply_head(household, head, len(member_rows))

    candidates = selectors.duplicate_candidates(
        organisation_id=organisation.pk,
        phone=household.phone,
        head_name=household.head_name,
        head_date_of_birth=household.head_date_of_birth,
        head_birth_estimated=household.head_birth_estimated,
        district_id=data.settlement.parent_id,
    )
    unseen = [c for c in candidates if c.household_id not in set(acknowledged_duplicates or ())]
    if unseen:
        raise DuplicatesFound(candidates)

    model = vulnerability_model_ensure(actor=actor, organisation=organisation)
    _apply_score(household, member_rows, model)
    household.full_clean()
    household.save(force_insert=True)
    Member.objects.bulk_create(member_rows)
    consent_rows = {
        purpose: Consent(
            household=household, purpose=purpose, given=c.given, legal_basis=c.legal_basis, recorded_by=actor
        )
        for purpose, c in consent_inputs.items()
    }
    Consent.objects.bulk_create(consent_rows.values())
    DuplicatePair.objects.bulk_create(
        [
            DuplicatePair(
                household=household,
                candidate_id=c.household_id,
                reasons=list(c.reasons),
                similarity=c.similarity,
                flagged_by=actor,
                found_on="registration",
            )
            for c in candidates
        ]
    )
    audit_record(
        actor=actor,
        action="household.register",
        target=household,
        after={
            **_household_snapshot(household, member_rows, consent_rows),
            "saved_despite_duplicates": [c.household_id for c in candidates],
        },
    )
    return household


@service
def household_update(
    *,
    actor,
    household: Household,
    expected_version: int,
    data: HouseholdInput,
    members: Sequence[MemberInput],
    consents: Sequence[ConsentInput],
) -> Household:
    """Save an edit made from ``expected_version``. If someone saved in between, raise ``EditConflict``
    with the stored record and write nothing, so the editor can compare and decide."""
    current = Household.objects.select_for_update().get(pk=household.pk)
    if current.version != expected_version:
        raise EditConflict(current)
    organisation = current.organisation
    if data.settlement.pk != current.settlement_id:
        _check_settlement(actor=actor, organisation=organisation, settlement=data.settlement)
    consent_inputs = _check_consents(consents)
    today = timezone.localdate()
    existing = {m.pk: m for m in current.members.all()}
    stored_consents = {c.purpose: c for c in current.consents.all()}
    before = _household_snapshot(current, list(existing.values()), stored_consents)

    _apply_data(current, data)
    keep: list[Member] = []
    to_delete: list[Member] = []
    for index, item in enumerate(members):
        if item.id is not None and item.id not in existing:
            raise ValidationError({"members": _("A member row does not belong to this household; reload the page.")})
        if item.delete:
            if item.id is not None:
                to_delete.append(existing[item.id])
            continue
        member = existing.get(item.id) if item.id is not None else Member(household=current)
        keep.append(_member_from_input(member, item, today=today, index=index))
    listed = {m.id for m in members if m.id is not None}
    keep.extend(m for pk, m in existing.items() if pk not in listed)
    head = _check_one_head(keep)
    _apply_head(current, head, len(keep))
    model = vulnerability_model_ensure(actor=actor, organisation=organisation)
    _apply_score(current, keep, model)
    current.version = expected_version + 1
    current.full_clean()
    current.save()
    if to_delete:
        try:
            Member.objects.filter(pk__in=[m.pk for m in to_delete]).delete()
        except ProtectedError:
            raise ValidationError(
                {"members": _("A member you removed has assistance or referrals recorded; keep the member.")}
            ) from None
    for member in keep:
        member.save()
    for purpose, item in consent_inputs.items():
        row = stored_consents.get(purpose)
        if row is None:
            stored_consents[purpose] = Consent.objects.create(
                household=current, purpose=purpose, given=item.given, legal_basis=item.legal_basis, recorded_by=actor
            )
        elif (row.given, row.legal_basis) != (item.given, item.legal_basis):
            row.given, row.legal_basis = item.given, item.legal_basis
            row.recorded_by, row.recorded_at = actor, timezone.now()
            row.save(update_fields=["given", "legal_basis", "recorded_by", "recorded_at", "updated_at"])
    after = _household_snapshot(current, keep, stored_consents)
    old, new = changed(before, after)
    flagged = _flag_duplicates_after_edit(actor=actor, household=current, changed_fields=set(new))
    if flagged:
        new["flagged_duplicates"] = flagged
    audit_record(actor=actor, action="household.update", target=current, before=old, after=new)
    return current


def _flag_duplicates_after_edit(*, actor, household: Household, changed_fields: set[str]) -> list[int]:
    """An edit that changes the phone, the head or the place may reveal a duplicate: keep it for review
    (the edit itself goes through; the editor already knows the household)."""
    if not changed_fields & {"phone", "head_name", "settlement", "members"}:
        return []
    known = set(DuplicatePair.objects.filter(household=household).values_list("candidate_id", flat=True))
    known |= set(DuplicatePair.objects.filter(candidate=household).values_list("household_id", flat=True))
    candidates = selectors.duplicate_candidates(
        organisation_id=household.organisation_id,
        phone=household.phone,
        head_name=household.head_name,
        head_date_of_birth=household.head_date_of_birth,
        head_birth_estimated=household.head_birth_estimated,
        district_id=household.settlement.parent_id,
        exclude_ids=[household.pk, *known],
    )
    DuplicatePair.objects.bulk_create(
        [
            DuplicatePair(
                household=household,
                candidate_id=c.household_id,
                reasons=list(c.reasons),
                similarity=c.similarity,
                flagged_by=actor,
                found_on="edit",
            )
            for c in candidates
        ]
    )
    return [c.household_id for c in candidates]


@service
def consent_record(*, actor, household: Household, purpose: str, given: bool, legal_basis: str) -> Consent:
    """Record (or change) the household's answer for one purpose, e.g. at the CRC desk."""
    if purpose not in ConsentPurpose.values:
        raise ValidationError({"purpose": _("Unknown purpose.")})
    if legal_basis not in LegalBasis.values:
        raise ValidationError({"legal_basis": _("Choose the legal basis.")})
    row = Consent.objects.select_for_update().filter(household=household, purpose=purpose).first()
    before = {"given": row.given, "legal_basis": row.legal_basis} if row else None
    if row is None:
        row = Consent(household=household, purpose=purpose, recorded_by=actor)
    row.given, row.legal_basis, row.recorded_by, row.recorded_at = given, legal_basis, actor, timezone.now()
    row.full_clean()
    row.save()
    audit_record(
        actor=actor,
        action="consent.record",
        target=household,
        before={purpose: before} if before else None,
        after={purpose: {"given": given, "legal_basis": legal_basis}},
    )
    return row


@service
def duplicate_decide(*, actor, pair: DuplicatePair, status: str, note: str = "") -> DuplicatePair:
    """Mark a pair as the same household (the later one then points to the earlier) or as different."""
    if status not in (DuplicateStatus.DUPLICATE, DuplicateStatus.DISTINCT):
        raise ValidationError({"status": _("Choose 'same household' or 'different households'.")})
    pair = DuplicatePair.objects.select_for_update().get(pk=pair.pk)
    before = snapshot(pair, ["status", "decision_note"])
    household = Household.objects.select_for_update().get(pk=pair.household_id)
    if status == DuplicateStatus.DUPLICATE:
        if household.duplicate_of_id not in (None, pair.candidate_id):
            raise ValidationError(
                {"status": _("%(ref)s is already marked as a duplicate of another household.") % {"ref": household}}
            )
        household.duplicate_of_id = pair.candidate_id
    elif household.duplicate_of_id == pair.candidate_id:
        household.duplicate_of_id = None
    household.save(update_fields=["duplicate_of", "updated_at"])
    pair.status = status
    pair.decision_note = note.strip()
    pair.decided_by = actor
    pair.decided_at = timezone.now()
    pair.full_clean()
    pair.save(update_fields=["status", "decision_note", "decided_by", "decided_at", "updated_at"])
    audit_record(
        actor=actor,
        action="duplicate.decide",
        target=pair,
        before=before,
        after={
            **snapshot(pair, ["status", "decision_note"]),
            "household": pair.household_id,
            "candidate": pair.candidate_id,
        },
    )
    return pair


# --- community assessments and facilities ----------------------------------------------------------


def _check_target_area(*, actor, target_area: TargetArea, area: AdminArea) -> Organisation:
    organisation = _actor_organisation(actor)
    scope = scope_for(actor)
    if target_area.round.organisation_id != organisation.pk or target_area.round.status != "approved":
        raise ValidationError({"target_area": _("Choose an approved target area of your organisation.")})
    if not area.path.startswith(target_area.area.path):
        raise ValidationError(
            {"area": _("%(place)s is not inside %(target)s.") % {"place": area, "target": target_area.area}}
        )
    if not any(area.path.startswith(p) for p in scope.area_paths):
        raise ValidationError({"area": _("%(place)s is outside your areas.") % {"place": area}})
    return organisation


ASSESSMENT_FIELDS = (
    "target_area",
    "area",
    "kind",
    "held_on",
    "title",
    "facilitator",
    "informant_role",
    "participants_female",
    "participants_male",
    "households_surveyed",
    "priority_sectors",
    "findings",
)
FACILITY_FIELDS = (
    "target_area",
    "area",
    "name",
    "facility_type",
    "sector",
    "status",
    "operator",
    "latitude",
    "longitude",
    "verified_on",
    "notes",
)


def _check_assessment(assessment: CommunityAssessment) -> None:
    errors = {}
    if assessment.kind == "fgd" and assessment.participants_total == 0:
        errors["participants_female"] = _("A focus group discussion needs its participants by sex.")
    if assessment.kind == "household_survey" and assessment.households_surveyed == 0:
        errors["households_surveyed"] = _("Say how many households were surveyed.")
    if assessment.kind == "kii" and not assessment.informant_role.strip():
        errors["informant_role"] = _("Say who the key informant is (role, not name).")
    if assessment.held_on and assessment.held_on > timezone.localdate():
        errors["held_on"] = _("The date is in the future.")
    if errors:
        raise ValidationError(errors)


@service
def assessment_save(
    *, actor, assessment: CommunityAssessment | None, values: dict, expected_version: int | None = None
) -> CommunityAssessment:
    """Create (``assessment`` None) or edit a community assessment; edits use optimistic locking."""
    organisation = _check_target_area(actor=actor, target_area=values["target_area"], area=values["area"])
    if assessment is None:
        row = CommunityAssessment(organisation=organisation, recorded_by=actor)
        before = None
    else:
        row = CommunityAssessment.objects.select_for_update().get(pk=assessment.pk)
        if row.version != expected_version:
            raise EditConflict(row)
        before = snapshot(row, ASSESSMENT_FIELDS)
        row.version += 1
    for name in ASSESSMENT_FIELDS:
        if name in values:
            setattr(row, name, values[name])
    _check_assessment(row)
    row.full_clean()
    row.save()
    after = snapshot(row, ASSESSMENT_FIELDS)
    if before is None:
        audit_record(actor=actor, action="assessment.create", target=row, after=after)
    else:
        old, new = changed(before, after)
        audit_record(actor=actor, action="assessment.update", target=row, before=old, after=new)
    return row


@service
def facility_save(*, actor, facility: Facility | None, values: dict, expected_version: int | None = None) -> Facility:
    """Create or edit a mapped facility; edits use optimistic locking."""
    organisation = _check_target_area(actor=actor, target_area=values["target_area"], area=values["area"])
    if facility is None:
        row = Facility(organisation=organisation, recorded_by=actor)
        before = None
    else:
        row = Facility.objects.select_for_update().get(pk=facility.pk)
        if row.version != expected_version:
            raise EditConflict(row)
        before = snapshot(row, FACILITY_FIELDS)
        row.version += 1
    for name in FACILITY_FIELDS:
        if name in values:
            setattr(row, name, values[name])
    if row.verified_on and row.verified_on > timezone.localdate():
        raise ValidationError({"verified_on": _("The date is in the future.")})
    row.full_clean()
    row.save()
    after = snapshot(row, FACILITY_FIELDS)
    if before is None:
        audit_record(actor=actor, action="facility.create", target=row, after=after)
    else:
        old, new = changed(before, after)
        audit_record(actor=actor, action="facility.update", target=row, before=old, after=new)
    return row


# --- bulk import ------------------------------------------------------------------------------------

HOUSEHOLD_COPY_FIELDS = (
    "id",
    "created_at",
    "updated_at",
    "organisation_id",
    "reference",
    "settlement_id",
    "latitude",
    "longitude",
    "displacement_status",
    "arrival_date",
    "origin_id",
    "shelter_type",
    "head_name",
    "phone",
    "intention",
    "size",
    "vulnerability_score",
    "vulnerability_band",
    "registered_by_id",
    "registered_at",
    "submission_id",
    "version",
    "return_barriers",
    "has_income",
    "has_debt",
    "head_date_of_birth",
    "head_birth_estimated",
    "phone_key",
    "vulnerability_model_id",
    "vulnerability_criteria",
    "duplicate_of_id",
    "notes",
    "import_job_id",
)
MEMBER_COPY_FIELDS = (
    "created_at",
    "updated_at",
    "household_id",
    "name",
    "sex",
    "date_of_birth",
    "date_of_birth_estimated",
    "relationship",
    *WG_DOMAINS,
    "has_disability",
    "chronic_illness",
    "pregnant_or_lactating",
    "documents",
)
CONSENT_COPY_FIELDS = (
    "created_at",
    "updated_at",
    "household_id",
    "purpose",
    "given",
    "legal_basis",
    "recorded_by_id",
    "recorded_at",
)
PAIR_COPY_FIELDS = (
    "created_at",
    "updated_at",
    "household_id",
    "candidate_id",
    "reasons",
    "similarity",
    "status",
    "found_on",
    "flagged_by_id",
    "decision_note",
    "decided_by_id",
    "decided_at",
)
_JSON_FIELDS = frozenset({"return_barriers", "vulnerability_criteria", "documents", "reasons"})


class _Writer:
    """Rows into one table: PostgreSQL COPY (fast path) or ``bulk_create`` in batches elsewhere."""

    def __init__(self, model, fields: tuple[str, ...], *, enabled: bool):
        self.model = model
        self.fields = fields
        self.enabled = enabled
        self.count = 0
        self._json = [i for i, f in enumerate(fields) if f in _JSON_FIELDS]
        self._cursor = self._copy = self._copy_cm = None
        self._batch: list = []

    def __enter__(self):
        if self.enabled and connection.vendor == "postgresql":
            by_attname = {f.attname: f.column for f in self.model._meta.concrete_fields}
            columns = ", ".join(connection.ops.quote_name(by_attname[f]) for f in self.fields)
            self._cursor = connection.cursor()
            self._copy_cm = self._cursor.copy(
                f"COPY {connection.ops.quote_name(self.model._meta.db_table)} ({columns}) FROM STDIN"
            )
            self._copy = self._copy_cm.__enter__()
        return self

    def write(self, row: tuple) -> None:
        if not self.enabled:
            return
        self.count += 1
        if self._copy is not None:
            if self._json:
                row = list(row)
                for i in self._json:
                    row[i] = json.dumps(row[i]) if row[i] else "[]"
            self._copy.write_row(row)
            return
        self._batch.append(self.model(**dict(zip(self.fields, row, strict=True))))
        if len(self._batch) >= 2000:
            self.model.objects.bulk_create(self._batch)
            self._batch = []

    def __exit__(self, exc_type, exc, tb):
        if self._copy_cm is not None:
            self._copy_cm.__exit__(exc_type, exc, tb)
            self._cursor.close()
        elif self._batch and exc_type is None:
            self.model.objects.bulk_create(self._batch)
        return False


@dataclass(eq=False)
class _Parsed:
    line: int
    submission_id: str
    index: str
    settlement: AdminArea
    values: dict
    consents: list[tuple[str, bool, str]]
    head_fallback: tuple | None
    registered_at: datetime.datetime | None
    declared_size: int | None
    members: list[rules.MemberFacts] = field(default_factory=list)
    head: tuple | None = None  # (name, date of birth, estimated)
    pk: int | None = None


def _area_cache(actor, organisation: Organisation):
    scope = scope_for(actor)
    cache: dict[str, tuple[AdminArea | None, str]] = {}

    def settlement(pcode: str) -> tuple[AdminArea | None, str]:
        if pcode not in cache:
            area = AdminArea.objects.filter(pcode=pcode, is_active=True).first()
            if area is None:
                cache[pcode] = (None, f"{pcode} is not a known P-code")
            elif area.level != AdminLevel.SETTLEMENT:
                cache[pcode] = (None, f"{pcode} is not a settlement")
            elif not any(area.path.startswith(p) for p in scope.area_paths):
                cache[pcode] = (None, f"{pcode} is outside your areas")
            elif not area_is_targeted(area=area, organisation_id=organisation.pk):
                cache[pcode] = (None, f"{pcode} is not inside an approved target area of your organisation")
            else:
                cache[pcode] = (area, "")
        return cache[pcode]

    origins: dict[str, AdminArea | None] = {}

    def origin(pcode: str) -> AdminArea | None:
        if pcode not in origins:
            origins[pcode] = AdminArea.objects.filter(pcode=pcode).first()
        return origins[pcode]

    return settlement, origin


def _parse_registered_at(text: str) -> datetime.datetime | None:
    if not text:
        return None
    try:
        moment = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, datetime.UTC)
    return moment


class _DuplicateIndex:
    """Households already registered (and those earlier in the file), indexed for the duplicate rules.

    Exact birth dates are bucketed by (district, date), so a row is compared with the handful of heads
    born the same day; dates estimated from an age by (district, year), compared within a year. Names
    are stored normalised with their words sorted, so a plain ratio equals ``rules.name_similarity``.
    """

    def __init__(self):
        self.by_phone: dict[str, object] = {}
        self.exact: dict[tuple, tuple[list[str], list]] = {}
        self.exact_by_year: dict[tuple, tuple[list[str], list]] = {}
        self.estimated_by_year: dict[tuple, tuple[list[str], list]] = {}

    @staticmethod
    def _key(name: str) -> str:
        return " ".join(sorted(rules.normalise_name(name).split()))

    def add(self, ref, *, phone_key: str, district_id: int, head_name: str, born, estimated: bool) -> None:
        if phone_key:
            self.by_phone.setdefault(phone_key, ref)
        if born is None:
            return
        key = self._key(head_name)
        buckets = (
            [self.estimated_by_year.setdefault((district_id, born.year), ([], []))]
            if estimated
            else [
                self.exact.setdefault((district_id, born), ([], [])),
                self.exact_by_year.setdefault((district_id, born.year), ([], [])),
            ]
        )
        for names, meta in buckets:
            names.append(key)
            meta.append((ref, born, estimated))

    def find(self, *, phone_key: str, district_id: int, head_name: str, born, estimated: bool) -> list[tuple]:
        from rapidfuzz import fuzz, process

        found: dict = {}
        if phone_key and phone_key in self.by_phone:
            found[self.by_phone[phone_key]] = (["phone"], 0)
        if born is not None:
            years = (born.year - 1, born.year, born.year + 1)
            buckets = [self.estimated_by_year.get((district_id, y)) for y in years]
            if estimated:
                buckets += [self.exact_by_year.get((district_id, y)) for y in years]
            else:
                buckets.append(self.exact.get((district_id, born)))
            query = self._key(head_name)
            for bucket in buckets:
                if not bucket:
                    continue
                names, meta = bucket
                for _name, score, position in process.extract(
                    query, names, scorer=fuzz.ratio, score_cutoff=rules.NAME_SIMILARITY_THRESHOLD, limit=None
                ):
                    ref, other_born, other_estimated = meta[position]
                    if ref in found and "name_dob_district" in found[ref][0]:
                        continue
                    if rules.births_match(born, estimated, other_born, other_estimated):
                        reasons, _s = found.get(ref, ([], 0))
                        found[ref] = ([*reasons, "name_dob_district"], round(score))
        return [(ref, reasons, score) for ref, (reasons, score) in found.items()]


@service
def household_import(
    *,
    actor,
    households_file: IO[bytes],
    households_name: str,
    members_file: IO[bytes] | None = None,
    members_name: str | None = None,
    validate_only: bool = False,
    job: Job | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict:
    """Import households (and members from a second sheet or file) all-or-nothing.

    Every row is checked and every problem reported by line and column; if there is any, nothing is
    written (``ImportFailed``). Households whose submission id is already stored are skipped, so the
    same export can be imported twice. Possible duplicates of stored households (or of earlier rows)
    do not stop the import: they are reported as warnings and kept as pairs to review. With
    ``validate_only`` nothing is written whatever the outcome.
    """
    from . import importing

    organisation = _actor_organisation(actor)
    today = timezone.localdate()
    now = timezone.now()
    problems = importing.Problems()
    settlement_of, origin_of = _area_cache(actor, organisation)
    if not validate_only and connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # one import per organisation at a time
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [0x4842, organisation.pk])
    if staged_import.applies(connection, households_name, members_file, members_name):
        report = staged_import.household_import_staged(
            actor=actor,
            organisation=organisation,
            households_file=households_file,
            households_name=households_name,
            members_file=members_file,
            members_name=members_name,
            validate_only=validate_only,
            job=job,
            progress=progress,
            today=today,
            now=now,
            areas=(settlement_of, origin_of),
        )
        if report is not None:
            return report
        households_file.seek(0)  # a row needs a message, or the file a reading, that only the path below gives
        members_file.seek(0)

    table = read_table(households_file, filename=households_name)
    columns = importing.map_columns(table, importing.HOUSEHOLD_COLUMNS)
    absent = importing.missing_columns(columns, importing.REQUIRED_HOUSEHOLD, importing.HOUSEHOLD_COLUMNS)
    if absent:
        raise ImportFailed([RowProblem(1, "", f"missing column {name}") for name in absent])
    _add_registered_at_column(table, columns)

    parsed: dict[str, _Parsed] = {}
    by_index: dict[str, _Parsed] = {}
    rows_done = 0
    for line, cells in table.rows:
        row = importing.Row(table, columns, line, cells, problems)
        submission_id = row.required("submission_id").removeprefix("uuid:")
        if submission_id in parsed:
            row.fail(
                "submission_id",
                f"{submission_id} appears twice in the file (first on line {parsed[submission_id].line})",
            )
            continue
        if len(submission_id) > 64:
            row.fail("submission_id", "is longer than 64 characters")
            continue
        pcode = normalise_pcode(row.required("settlement"))
        area, problem = settlement_of(pcode) if pcode else (None, "")
        if problem:
            row.fail("settlement", problem)
        origin = None
        origin_code = normalise_pcode(row.text("origin"))
        if origin_code:
            origin = origin_of(origin_code)
            if origin is None:
                row.fail("origin", f"{origin_code} is not a known P-code")
        consents = []
        default_basis = row.choice("legal_basis", importing.LEGAL_BASIS, required=False, default=LegalBasis.CONSENT)
        for purpose, column in importing.CONSENT_COLUMNS.items():
            given = row.boolean(column)
            if given is None:
                if row.text(column) == "":
                    row.fail(column, "is empty: record the household's answer")
                continue
            consents.append((purpose, given, default_basis))
        registration = next((c for c in consents if c[0] == ConsentPurpose.REGISTRATION), None)
        if registration and not registration[1] and registration[2] == LegalBasis.CONSENT:
            row.fail("consent_registration", "the household did not consent to registration")
        phone = row.text("phone")
        if len(phone) > 20:
            row.fail("phone", "is longer than 20 characters")
        head_fallback = None
        if row.text("head_name") and row.text("head_sex"):
            head_born = row.date("head_date_of_birth", today=today)
            head_age = row.integer("head_age", low=0, high=120)
            head_fallback = (
                row.text("head_name")[:200],
                row.choice("head_sex", importing.SEX),
                head_born,
                head_age,
            )
        values = {
            "displacement_status": row.choice("displacement_status", importing.STATUS),
            "shelter_type": row.choice("shelter_type", importing.SHELTER),
            "intention": row.choice("intention", importing.INTENTION, required=False, default="undecided"),
            "arrival_date": row.date("arrival_date", today=today),
            "origin_id": origin.pk if origin else None,
            "phone": phone[:20],
            "return_barriers": row.choices("return_barriers", importing.BARRIERS),
            "has_income": row.boolean("has_income", default=True),
            "has_debt": row.boolean("has_debt", default=False),
            "latitude": row.decimal("latitude", low=-90, high=90),
            "longitude": row.decimal("longitude", low=-180, high=180),
            "notes": row.text("notes"),
        }
        item = _Parsed(
            line=line,
            submission_id=submission_id,
            index=row.text("index"),
            settlement=area,
            values=values,
            consents=consents,
            head_fallback=head_fallback,
            registered_at=_parse_registered_at(row.text("registered_at")),
            declared_size=row.integer("hh_size", low=1, high=200),
        )
        parsed[submission_id] = item
        if item.index:
            by_index[item.index] = item
        rows_done += 1
        if progress and rows_done % 5000 == 0:
            progress(rows_done, 0)

    # Already imported (idempotent re-runs): skip ours, refuse another organisation's.
    skipped: set[str] = set()
    ids = list(parsed)
    for start in range(0, len(ids), 5000):
        for submission_id, owner in Household.objects.filter(submission_id__in=ids[start : start + 5000]).values_list(
            "submission_id", "organisation_id"
        ):
            if owner == organisation.pk:
                skipped.add(submission_id)
            else:
                problems.error(
                    parsed[submission_id].line,
                    "submission_id",
                    f"{submission_id} is already registered by another organisation",
                )
    new = [p for p in parsed.values() if p.submission_id not in skipped]
    writing = not validate_only and problems.error_count == 0
    if writing:
        for item, pk in zip(new, reserve_ids(Household, len(new)), strict=True):
            item.pk = pk

    member_writer = _Writer(Member, MEMBER_COPY_FIELDS, enabled=writing)
    member_count = 0
    with member_writer:
        members_table = _members_table(households_file, households_name, members_file, members_name)
        if members_table is not None:
            member_count = _import_members(
                members_table,
                parsed,
                by_index,
                skipped,
                problems,
                member_writer,
                today=today,
                now=now,
                progress=progress,
                done=rows_done,
            )
        for item in new:
            if item.members or item.head_fallback is None:
                continue
            name, sex, born, age = item.head_fallback
            if born is None and age is None:
                problems.error(item.line, "head_age", "give the head's date of birth or age")
                continue
            born, age, estimated = rules.age_from(date_of_birth=born, stated_age=age, on=today)
            member_writer.write(
                (now, now, item.pk, name, sex, born, estimated, "head", *([None] * 6), False, False, False, [])
            )
            item.members.append(rules.MemberFacts(sex=sex, age=age, relationship="head"))
            item.head = (name, born, estimated)
            member_count += 1

    for item in new:
        if not item.members:
            problems.error(item.line, "", "the household has no members: give at least its head")
        elif item.head is None:
            problems.error(item.line, "", "no member is the head of household")
        elif item.declared_size is not None and item.declared_size != len(item.members):
            problems.warn(item.line, "hh_size", importing.size_warning(item.declared_size, len(item.members)))

    duplicates = _import_duplicates(organisation, new, problems)
    if problems.error_count:
        raise ImportFailed(_with_summary(problems))

    # A check (validate-only) writes nothing, not even the first model version.
    model = (
        selectors.vulnerability_model_active(organisation_id=organisation.pk)
        if validate_only
        else vulnerability_model_ensure(actor=actor, organisation=organisation)
    )
    spec = _spec_of(model) if model else rules.VulnerabilitySpec(weights=rules.DEFAULT_WEIGHTS)
    household_writer = _Writer(Household, HOUSEHOLD_COPY_FIELDS, enabled=writing)
    consent_writer = _Writer(Consent, CONSENT_COPY_FIELDS, enabled=writing)
    bands: dict[str, int] = {}
    with household_writer:
        for item in new:
            values = item.values
            result = rules.vulnerability(
                rules.HouseholdFacts(
                    members=tuple(item.members),
                    critical_shelter=values["shelter_type"] in CRITICAL_SHELTER,
                    has_income=values["has_income"],
                    has_debt=values["has_debt"],
                ),
                spec,
            )
            bands[result.band] = bands.get(result.band, 0) + 1
            head_name, head_born, head_estimated = item.head
            household_writer.write(
                (
                    item.pk,
                    now,
                    now,
                    organisation.pk,
                    _household_reference(organisation=organisation, pk=item.pk) if item.pk else "",
                    item.settlement.pk,
                    values["latitude"],
                    values["longitude"],
                    values["displacement_status"],
                    values["arrival_date"],
                    values["origin_id"],
                    values["shelter_type"],
                    head_name,
                    values["phone"],
                    values["intention"],
                    len(item.members),
                    result.score,
                    result.band,
                    actor.pk,
                    item.registered_at or now,
                    item.submission_id,
                    1,
                    values["return_barriers"],
                    values["has_income"],
                    values["has_debt"],
                    head_born,
                    head_estimated,
                    rules.phone_key(values["phone"]),
                    model.pk if model else None,
                    list(result.criteria),
                    None,
                    values["notes"],
                    job.pk if job else None,
                )
            )
    with consent_writer:
        for item in new:
            for purpose, given, basis in item.consents:
                consent_writer.write((now, now, item.pk, purpose, given, basis, actor.pk, now))
    if writing and duplicates:
        _write_import_pairs(
            actor=actor,
            now=now,
            pairs=(
                (item.pk, other.pk if isinstance(other, _Parsed) else other, reasons, score)
                for item, other, reasons, score in duplicates
            ),
        )
    report = {
        "validate_only": validate_only,
        "households": len(new),
        "members": member_count,
        "skipped_existing": len(skipped),
        "possible_duplicates": len(duplicates),
        "bands": bands,
        "warning_count": problems.warning_count,
        "warnings": [vars(w) for w in problems.warnings],
    }
    if writing:
        _audit_import(
            actor=actor,
            job=job,
            files=(households_name, members_name),
            households=len(new),
            members=member_count,
            skipped=len(skipped),
            duplicates=len(duplicates),
            ids=[p.pk for p in new],
        )
        _check_written_keys()
    if progress:
        progress(rows_done + member_count, rows_done + member_count)
    return report


def _write_import_pairs(*, actor, now, pairs) -> None:
    """The possible duplicates an import found, as pairs to review: (household id, candidate id, reasons,
    similarity). Both import paths write them here."""
    with _Writer(DuplicatePair, PAIR_COPY_FIELDS, enabled=True) as writer:
        for household_id, candidate_id, reasons, score in pairs:
            row = (now, now, household_id, candidate_id, reasons, score, DuplicateStatus.PENDING, "import")
            writer.write((*row, actor.pk, "", None, None))


def _check_written_keys() -> None:
    """Check the foreign keys of the rows just written now, not at commit: for a large import they take a
    quarter of its time, which its progress should show, not spend after its last step. Checking is then
    deferred again, as Django's constraints are."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _audit_import(*, actor, job, files, households, members, skipped, duplicates, ids) -> None:
    """The one audit event of an import (both paths write the same): files, counts and the range of ids."""
    audit_record(
        actor=actor,
        action="household.import",
        target=job,
        after={
            "file": files[0],
            "members_file": files[1] or "",
            "households": households,
            "members": members,
            "skipped_existing": skipped,
            "possible_duplicates": duplicates,
            "first_id": min(ids, default=None),
            "last_id": max(ids, default=None),
        },
    )


def _add_registered_at_column(table: Table, columns: dict[str, int]) -> None:
    """Kobo's ``_submission_time`` (or ours) becomes the registration time; it is optional."""
    from . import importing

    keys = [importing.column_key(h) for h in table.headers]
    for alias in ("_submission_time", "registered_at", "end"):
        if alias in keys:
            columns["registered_at"] = keys.index(alias)
            return


def _with_summary(problems) -> list[RowProblem]:
    errors = list(problems.errors)
    if problems.error_count > len(errors):
        errors.append(RowProblem(0, "", f"... and {problems.error_count - len(errors)} more problems"))
    return errors


def _members_table(households_file, households_name, members_file, members_name) -> Table | None:
    if members_file is not None:
        return read_table(members_file, filename=members_name or "members.csv")
    if is_xlsx(households_name):
        households_file.seek(0)
        names = sheet_names(households_file)
        if len(names) > 1:
            households_file.seek(0)
            return read_table(households_file, filename=households_name, sheet=names[1])
    return None


_WG_ANSWERS = {"": None, "1": 1, "2": 2, "3": 3, "4": 4}


def _import_members(table, parsed, by_index, skipped, problems, writer, *, today, now, progress, done) -> int:
    from . import importing

    columns = importing.map_columns(table, importing.MEMBER_COLUMNS)
    absent = importing.missing_columns(columns, importing.REQUIRED_MEMBER, importing.MEMBER_COLUMNS)
    if "parent_uuid" in columns:
        key_name, lookup = "parent_uuid", parsed
    elif "parent_index" in columns:
        key_name, lookup = "parent_index", by_index
    else:
        absent.append("_submission__uuid or _parent_index (the household each member belongs to)")
    if absent:
        for name in absent:
            problems.error(1, table.sheet or "members", f"missing column {name}")
        return 0
    count = 0
    row = importing.Row(table, columns, 0, [], problems)  # one reader, moved from row to row
    wg_columns = [columns.get(d) for d in WG_DOMAINS]
    for line, cells in table.rows:
        row.line, row.cells = line, cells
        key = row.text(key_name).removeprefix("uuid:")
        if key in skipped:
            continue
        item = lookup.get(key)
        if item is None:
            row.fail(key_name, f"no household row has {key or 'an empty key'}")
            continue
        if item.submission_id in skipped:  # keyed by _parent_index: the household is already stored
            continue
        name = row.required("name")
        if len(name) > 200:
            row.fail("name", "is longer than 200 characters")
        sex = row.choice("sex", importing.SEX)
        relationship = row.choice("relationship", importing.RELATIONSHIP)
        born = row.date("date_of_birth", today=today)
        stated = row.integer("age", low=0, high=120)
        if born is None and stated is None and not (row.text("date_of_birth") or row.text("age")):
            row.fail("age", "give the date of birth or the age")
        wg = []
        for domain, index in zip(WG_DOMAINS, wg_columns, strict=True):
            text = cells[index].strip() if index is not None and index < len(cells) else ""
            answer = _WG_ANSWERS.get(text, _WG_ANSWERS)
            wg.append(row.integer(domain, low=1, high=4) if answer is _WG_ANSWERS else answer)
        chronic = bool(row.boolean("chronic_illness", default=False))
        pregnant = bool(row.boolean("pregnant_or_lactating", default=False))
        if pregnant and sex == "m":
            row.fail("pregnant_or_lactating", "is yes for a male member")
        documents = row.choices("documents", importing.DOCUMENTS)
        born, age, estimated = rules.age_from(date_of_birth=born, stated_age=stated, on=today)
        if relationship == "head":
            if item.head is not None:
                row.fail("relationship", f"a second head of household for line {item.line}")
            item.head = (name[:200], born, estimated)
        item.members.append(
            rules.MemberFacts(
                sex=sex,
                age=age,
                relationship=relationship,
                wg_answers=tuple(wg),
                chronic_illness=chronic,
                pregnant_or_lactating=pregnant,
                documents=tuple(documents),
            )
        )
        writer.write(
            (
                now,
                now,
                item.pk,
                name[:200],
                sex,
                born,
                estimated,
                relationship,
                *wg,
                rules.wg_disability(wg),
                chronic,
                pregnant,
                documents,
            )
        )
        count += 1
        if progress and count % 20000 == 0:
            progress(done + count, 0)
    return count


def _import_duplicates(organisation: Organisation, new: list[_Parsed], problems) -> list[tuple]:
    """Possible duplicates among stored households and earlier rows of the file: warnings, and pairs."""
    from . import importing

    index = _DuplicateIndex()
    stored = selectors.duplicate_heads_of_organisation(organisation_id=organisation.pk)
    references = {}
    for pk, reference, key, district, name, born, estimated in stored.iterator(chunk_size=5000):
        references[pk] = reference
        index.add(pk, phone_key=key, district_id=district, head_name=name, born=born, estimated=estimated)
    found = []
    for item in new:
        if item.head is None or item.settlement is None:
            continue
        name, born, estimated = item.head
        key = rules.phone_key(item.values["phone"])
        district = item.settlement.parent_id
        for other, reasons, score in index.find(
            phone_key=key, district_id=district, head_name=name, born=born, estimated=estimated
        ):
            what = f"line {other.line}" if isinstance(other, _Parsed) else references[other]
            problems.warn(item.line, "", importing.duplicate_warning(what, reasons))
            found.append((item, other, reasons, score))
        index.add(item, phone_key=key, district_id=district, head_name=name, born=born, estimated=estimated)
    return found


@service
def household_import_start(
    *,
    actor,
    households_upload,
    members_upload=None,
    validate_only: bool,
) -> Job:
    """Keep the uploaded files for the worker and queue the import (or the check) as a job."""
    from django.core.files.storage import default_storage

    stamp = timezone.now().strftime("%Y%m%d%H%M%S")
    stored = default_storage.save(f"imports/{actor.pk}-{stamp}-{households_upload.name}", households_upload)
    members_stored = (
        default_storage.save(f"imports/{actor.pk}-{stamp}-{members_upload.name}", members_upload)
        if members_upload
        else ""
    )
    label = _("Checking %(file)s") if validate_only else _("Importing %(file)s")
    job = job_create(
        actor=actor,
        kind="profiling.import",
        label=label % {"file": households_upload.name},
        params={
            "households": stored,
            "households_name": households_upload.name,
            "members": members_stored,
            "members_name": members_upload.name if members_upload else "",
            "validate_only": validate_only,
        },
    )
    from .tasks import import_households_task

    transaction.on_commit(partial(import_households_task.delay, job.pk))
    return job
