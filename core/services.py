"""Writes of the core app: reference places, organisations, accounts and memberships."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from .areas_file import AreaRow
from .audit import audit_record, changed, service, snapshot
from .models import (
    AdminArea,
    AdminLevel,
    ApiToken,
    DataSharingAgreement,
    Job,
    Membership,
    Organisation,
    Role,
    TokenScope,
)
from .scoping import forget_scope
from .tabular import ImportFailed, RowProblem

User = get_user_model()

COUNTRY_NAMES = {"AFG": "Afghanistan", "IRQ": "Iraq"}
_AREA_FIELDS = ("name", "names", "level", "parent_id", "country_code", "valid_from", "path")


@dataclass(frozen=True)
class AreaLoadResult:
    created: int
    updated: int
    unchanged: int


@service
def admin_areas_load(*, actor, rows: Sequence[AreaRow], source: str) -> AreaLoadResult:
    """Create or update areas from validated rows, parents first. Loading the same rows twice changes nothing.

    Raises ``ImportFailed`` (and writes nothing) if a parent is neither in the rows nor already stored.
    """
    existing = {a.pcode: a for a in AdminArea.objects.all()}
    in_file = {row.pcode: row for row in rows}
    problems: list[RowProblem] = []
    created = updated = unchanged = 0

    # Countries are implied by the level-1 parents (AFG, IRQ) when the file does not list them.
    for row in rows:
        if row.level == 1 and row.parent_pcode not in existing and row.parent_pcode not in in_file:
            country = AdminArea(
                pcode=row.parent_pcode,
                name=COUNTRY_NAMES.get(row.parent_pcode, row.parent_pcode),
                level=AdminLevel.COUNTRY,
                country_code=row.parent_pcode[:3],
            )
            country.path = AdminArea.build_path(country.pcode, "")
            country.save()
            existing[country.pcode] = country
            created += 1

    for level in (1, 2, 3):
        to_create: list[AdminArea] = []
        to_update: list[AdminArea] = []
        for row in (r for r in rows if r.level == level):
            parent = existing.get(row.parent_pcode)
            if parent is None:
                problems.append(RowProblem(row.line, "parent", f"parent {row.parent_pcode} is not a known area"))
                continue
            if parent.level != level - 1:
                problems.append(
                    RowProblem(
                        row.line,
                        "parent",
                        f"parent {row.parent_pcode} is at level {parent.level}, expected {level - 1}",
                    )
                )
                continue
            values = {
                "name": row.name,
                "names": row.names,
                "level": level,
                "parent_id": parent.pk,
                "country_code": parent.country_code if level > 1 else row.parent_pcode[:3],
                "valid_from": row.valid_from,
                "path": AdminArea.build_path(row.pcode, parent.path),
            }
            area = existing.get(row.pcode)
            if area is None:
                area = AdminArea(pcode=row.pcode, **values)
                to_create.append(area)
            else:
                if not row.names:
                    values["names"] = area.names
                if all(getattr(area, k) == v for k, v in values.items()):
                    unchanged += 1
                    continue
                for key, value in values.items():
                    setattr(area, key, value)
                to_update.append(area)
            existing[row.pcode] = area
        if problems:
            break
        # bulk paths skip save(); the path was computed above.
        AdminArea.objects.bulk_create(to_create, batch_size=1000)
        AdminArea.objects.bulk_update(to_update, _AREA_FIELDS, batch_size=1000)
        created += len(to_create)
        updated += len(to_update)
        if to_create:
            # bulk_create on some backends does not set primary keys; read them back.
            ids = dict(AdminArea.objects.filter(pcode__in=[a.pcode for a in to_create]).values_list("pcode", "pk"))
            for area in to_create:
                area.pk = ids[area.pcode]
        if to_update:
            _rebuild_descendant_paths(to_update)

    if problems:
        raise ImportFailed(problems)
    result = AreaLoadResult(created=created, updated=updated, unchanged=unchanged)
    if created or updated:
        audit_record(
            actor=actor,
            action="admin_areas.load",
            after={"source": source, "created": created, "updated": updated, "unchanged": unchanged},
        )
    return result


def _rebuild_descendant_paths(areas: Iterable[AdminArea]) -> None:
    """After re-parenting, children must carry their new ancestors in their paths."""
    pending = list(areas)
    while pending:
        parents = {a.pk: a for a in pending}
        children = list(AdminArea.objects.filter(parent_id__in=parents))
        for child in children:
            child.path = AdminArea.build_path(child.pcode, parents[child.parent_id].path)
        AdminArea.objects.bulk_update(children, ["path"], batch_size=1000)
        pending = children


@service
def organisation_create(
    *, actor, name: str, acronym: str, kind: str, parent: Organisation | None = None, contact_email: str = ""
) -> Organisation:
    organisation = Organisation(name=name, acronym=acronym, kind=kind, parent=parent, contact_email=contact_email)
    organisation.full_clean()
    organisation.save()
    audit_record(actor=actor, action="organisation.create", target=organisation, after=snapshot(organisation))
    return organisation


def _check_membership(*, role: str, organisation: Organisation, areas: Sequence[AdminArea]) -> None:
    errors = {}
    if role not in Role.values:
        errors["role"] = _("Choose one of the listed roles.")
    if not organisation.is_active:
        errors["organisation"] = _("This organisation is no longer active.")
    if role != Role.PARTNER and not areas:
        errors["areas"] = _("Assign at least one area: staff see data only inside their areas.")
    if errors:
        raise ValidationError(errors)


@service
def user_create(
    *,
    actor,
    username: str,
    email: str,
    first_name: str = "",
    last_name: str = "",
    password: str | None,
    organisation: Organisation,
    role: str,
    areas: Sequence[AdminArea] = (),
) -> User:
    """Create an account with its membership. Without a password the account cannot sign in until one is set."""
    _check_membership(role=role, organisation=organisation, areas=areas)
    user = User(username=username, email=email, first_name=first_name, last_name=last_name)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    membership = Membership.objects.create(user=user, organisation=organisation, role=role)
    membership.areas.set(areas)
    audit_record(
        actor=actor,
        action="user.create",
        target=user,
        after={
            "username": username,
            "organisation": organisation.pk,
            "role": role,
            "areas": sorted(a.pcode for a in areas),
        },
    )
    return user


@service
def membership_update(
    *, actor, membership: Membership, organisation: Organisation, role: str, areas: Sequence[AdminArea]
) -> Membership:
    """Change what a user may do and where. Takes effect on the user's next request."""
    _check_membership(role=role, organisation=organisation, areas=areas)
    before = {
        **snapshot(membership, ["organisation", "role"]),
        "areas": sorted(membership.areas.values_list("pcode", flat=True)),
    }
    membership.organisation = organisation
    membership.role = role
    membership.full_clean()
    membership.save(update_fields=["organisation", "role", "updated_at"])
    membership.areas.set(areas)
    after = {**snapshot(membership, ["organisation", "role"]), "areas": sorted(a.pcode for a in areas)}
    old, new = changed(before, after)
    audit_record(actor=actor, action="membership.update", target=membership, before=old, after=new)
    forget_scope(membership.user)
    return membership


def _end_sessions(user) -> int:
    """Delete every server-side session that belongs to ``user``. Sessions store the user id encoded."""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()
            ended += 1
    return ended


@service
def user_deactivate(*, actor, user, reason: str) -> None:
    """Stop an account: it can no longer sign in and its open sessions end now."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the account is being deactivated.")})
    if user.pk == actor.pk:
        raise ValidationError({"user": _("You cannot deactivate your own account.")})
    user.is_active = False
    user.save(update_fields=["is_active"])
    ended = _end_sessions(user)
    ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    audit_record(
        actor=actor,
        action="user.deactivate",
        target=user,
        before={"is_active": True},
        after={"is_active": False, "sessions_ended": ended},
        reason=reason,
    )


@service
def user_reactivate(*, actor, user) -> None:
    user.is_active = True
    user.save(update_fields=["is_active"])
    audit_record(
        actor=actor,
        action="user.reactivate",
        target=user,
        before={"is_active": False},
        after={"is_active": True},
    )


@service
def user_set_preferences(*, actor, language: str, calendar: str):
    """A user's own display preferences: language of the interface and calendar of dates."""
    before = snapshot(actor, ["preferred_language", "calendar"])
    actor.preferred_language = language
    actor.calendar = calendar
    actor.full_clean(exclude=["password"])
    actor.save(update_fields=["preferred_language", "calendar"])
    old, new = changed(before, snapshot(actor, ["preferred_language", "calendar"]))
    audit_record(actor=actor, action="user.preferences", target=actor, before=old, after=new)
    return actor


@service
def job_create(*, actor, kind: str, label: str, params: dict | None = None) -> Job:
    """Record that ``actor`` asked for background work; the caller queues the task on commit."""
    membership = getattr(actor, "membership", None)
    job = Job.objects.create(
        kind=kind,
        label=label[:200],
        created_by=actor,
        organisation_id=membership.organisation_id if membership else None,
        params=params or {},
    )
    audit_record(actor=actor, action="job.create", target=job, after={"kind": kind, "params": params or {}})
    return job


RECOVERY_CODE_COUNT = 10


@service
def mfa_totp_begin(*, actor):
    """An unconfirmed authenticator for ``actor`` (reused if one is pending), to show as a QR code."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=actor, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=actor, name="Authenticator app", confirmed=False)
        audit_record(actor=actor, action="mfa.totp_begin", target=actor)
    return device


@service
def mfa_totp_confirm(*, actor, token: str) -> list[str]:
    """Confirm the pending authenticator with a code it shows; returns fresh recovery codes (shown once)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=actor, confirmed=False).first()
    if device is None or not device.verify_token(token.strip().replace(" ", "")):
        raise ValidationError({"token": _("That code is not right. Enter the 6 digits your app shows now.")})
    TOTPDevice.objects.filter(user=actor, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _issue_recovery_codes(actor)
    audit_record(actor=actor, action="mfa.totp_confirm", target=actor)
    return codes


def _issue_recovery_codes(user) -> list[str]:
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    device, _created = StaticDevice.objects.get_or_create(user=user, name="Recovery codes")
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@service
def mfa_recovery_codes_renew(*, actor) -> list[str]:
    """New recovery codes; the old ones stop working."""
    codes = _issue_recovery_codes(actor)
    audit_record(actor=actor, action="mfa.recovery_codes_renew", target=actor)
    return codes


@service
def mfa_verify(*, actor, token: str):
    """Check a code from the authenticator or an unused recovery code; returns the device that took it.

    A recovery code works once. Failures are audited as well as successes.
    """
    from django_otp import devices_for_user, verify_token

    cleaned = token.strip().replace(" ", "")
    for device in devices_for_user(actor, confirmed=True):
        verified = verify_token(actor, device.persistent_id, cleaned)
        if verified is not None:
            audit_record(actor=actor, action="mfa.verify", target=actor, after={"device": type(verified).__name__})
            return verified
    audit_record(actor=actor, action="mfa.verify_failed", target=actor)
    return None


RETENTION_BATCH = 1000


@service
def retention_sweep(*, actor=None, now=None) -> dict[str, int]:
    """Anonymise every record whose retention period has ended, in batches; one audit event per rule."""
    import datetime

    from .retention import retention_days, retention_rules

    now = now or timezone.now()
    done: dict[str, int] = {}
    for rule in retention_rules():
        cutoff = now - datetime.timedelta(days=retention_days(rule))
        total = 0
        while True:
            batch = list(rule.expired(cutoff).order_by("pk").values_list("pk", flat=True)[:RETENTION_BATCH])
            if not batch:
                break
            total += rule.anonymise(rule.expired(cutoff).filter(pk__in=batch))
        done[rule.key] = total
        if total:
            audit_record(
                actor=actor,
                action="retention.anonymise",
                after={"rule": rule.key, "records": total, "cutoff": cutoff.isoformat()},
            )
    return done


MAX_TOKEN_DAYS = 366


@service
def api_token_create(
    *,
    actor,
    organisation: Organisation,
    name: str,
    scopes: Sequence[str],
    areas: Sequence[AdminArea] = (),
    expires_at,
    rate_per_minute: int = 120,
) -> tuple[ApiToken, str]:
    """A token for a partner system, acting through its own partner account limited to ``areas``.

    Returns the token and its secret; the secret is not stored and cannot be shown again.
    """
    import secrets

    from .api.authentication import CREDENTIAL_MARK, hash_secret

    errors = {}
    unknown = sorted(set(scopes) - set(TokenScope.values))
    if unknown:
        errors["scopes"] = _("Unknown scope(s): %(s)s.") % {"s": ", ".join(unknown)}
    if not scopes:
        errors["scopes"] = _("Choose at least one scope.")
    now = timezone.now()
    if expires_at <= now:
        errors["expires_at"] = _("The expiry date must be in the future.")
    elif (expires_at - now).days > MAX_TOKEN_DAYS:
        errors["expires_at"] = _("A token lives at most a year; issue a new one when it ends.")
    if not organisation.is_active:
        errors["organisation"] = _("This organisation is no longer active.")
    if errors:
        raise ValidationError(errors)
    prefix = secrets.token_hex(4)
    secret = f"{CREDENTIAL_MARK}{prefix}_{secrets.token_urlsafe(32).replace('_', '-')}"
    account = User(username=f"token-{organisation.acronym.lower()}-{prefix}", email="", is_active=True)
    account.set_unusable_password()
    account.save()
    membership = Membership.objects.create(user=account, organisation=organisation, role=Role.PARTNER)
    membership.areas.set(areas)
    token = ApiToken.objects.create(
        organisation=organisation,
        user=account,
        name=name,
        prefix=prefix,
        key_hash=hash_secret(secret),
        scopes=sorted(set(scopes)),
        expires_at=expires_at,
        created_by=actor,
        rate_per_minute=rate_per_minute,
    )
    audit_record(
        actor=actor,
        action="api_token.create",
        target=token,
        after={
            "organisation": organisation.pk,
            "name": name,
            "scopes": token.scopes,
            "areas": sorted(a.pcode for a in areas),
            "expires_at": expires_at,
        },
    )
    return token, secret


@service
def api_token_revoke(*, actor, token: ApiToken, reason: str) -> ApiToken:
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the token is revoked.")})
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
        audit_record(actor=actor, action="api_token.revoke", target=token, reason=reason)
    return token


@service
def agreement_save(
    *,
    actor,
    agreement: DataSharingAgreement | None = None,
    partner: Organisation,
    owner: Organisation,
    reference: str,
    title: str,
    resources: Sequence[str],
    areas: Sequence[AdminArea],
    identifiable: bool,
    valid_from,
    valid_until,
    signed_on=None,
    is_active: bool = True,
) -> DataSharingAgreement:
    """Create or change a data-sharing agreement; the change takes effect on the partner's next request."""
    creating = agreement is None
    agreement = agreement or DataSharingAgreement()
    before = (
        {} if creating else {**snapshot(agreement), "areas": sorted(agreement.areas.values_list("pcode", flat=True))}
    )
    agreement.partner = partner
    agreement.owner = owner
    agreement.reference = reference
    agreement.title = title
    agreement.resources = sorted(set(resources))
    agreement.identifiable = identifiable
    agreement.valid_from = valid_from
    agreement.valid_until = valid_until
    agreement.signed_on = signed_on
    agreement.is_active = is_active
    if not areas:
        raise ValidationError({"areas": _("Name the areas the agreement covers.")})
    if partner == owner:
        raise ValidationError({"partner": _("An agreement is between two organisations.")})
    agreement.full_clean()
    agreement.save()
    agreement.areas.set(areas)
    after = {**snapshot(agreement), "areas": sorted(a.pcode for a in areas)}
    old, new = changed(before, after)
    audit_record(
        actor=actor,
        action="agreement.create" if creating else "agreement.update",
        target=agreement,
        before=old,
        after=new,
    )
    return agreement
