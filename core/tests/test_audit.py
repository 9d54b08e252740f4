"""Every service write leaves an audit event in the same transaction; audit events never change."""

import pytest
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.urls import reverse

from core import services
from core.audit import AuditMissing, audit_record, service
from core.models import AuditEvent, Membership, Organisation, Role


def test_a_service_that_writes_without_an_audit_event_is_rolled_back(db):
    @service
    def sloppy(*, name):
        Organisation.objects.create(name=name, acronym=name, kind="ingo")

    with pytest.raises(AuditMissing):
        sloppy(name="SLOPPY")
    assert not Organisation.objects.filter(acronym="SLOPPY").exists()


def test_a_service_that_audits_keeps_its_write(db):
    @service
    def careful(*, name):
        organisation = Organisation.objects.create(name=name, acronym=name, kind="ingo")
        audit_record(actor=None, action="organisation.create", target=organisation)

    careful(name="CAREFUL")
    assert Organisation.objects.filter(acronym="CAREFUL").exists()


def test_nested_service_audit_counts_for_the_outer_one(db):
    @service
    def inner(*, name):
        organisation = Organisation.objects.create(name=name, acronym=name, kind="ingo")
        audit_record(actor=None, action="organisation.create", target=organisation)

    @service
    def outer(*, name):
        inner(name=name)

    outer(name="NESTED")
    assert Organisation.objects.filter(acronym="NESTED").exists()


def test_user_create_is_audited_with_who_what_and_where(places, iom, admin_user):
    user = services.user_create(
        actor=admin_user,
        username="new.officer",
        email="new@example.org",
        password="a long enough pass phrase",
        organisation=iom,
        role=Role.FIELD_STAFF,
        areas=[places.khogyani],
    )
    event = AuditEvent.objects.get(action="user.create")
    assert event.actor == admin_user
    assert event.actor_organisation == iom
    assert event.target_id == str(user.pk)
    assert event.after == {
        "username": "new.officer",
        "organisation": iom.pk,
        "role": "field_staff",
        "areas": ["AF0608"],
    }
    assert "pass phrase" not in str(event.after)


def test_membership_update_records_only_what_changed(places, field_officer, admin_user, iom):
    membership = field_officer.membership
    services.membership_update(
        actor=admin_user, membership=membership, organisation=iom, role=Role.FIELD_STAFF, areas=[places.injil]
    )
    event = AuditEvent.objects.get(action="membership.update")
    assert event.before == {"areas": ["AF0608"]}
    assert event.after == {"areas": ["AF3202"]}


def test_staff_membership_without_area_is_refused_with_the_field_named(field_officer, admin_user, iom):
    with pytest.raises(ValidationError) as error:
        services.membership_update(
            actor=admin_user,
            membership=field_officer.membership,
            organisation=iom,
            role=Role.MANAGER,
            areas=[],
        )
    assert "areas" in error.value.message_dict
    assert Membership.objects.get(pk=field_officer.membership.pk).role == Role.FIELD_STAFF


def test_deactivation_ends_sessions_and_is_audited_with_reason(client, field_officer, admin_user):
    client.force_login(field_officer)
    assert Session.objects.count() == 1
    services.user_deactivate(actor=admin_user, user=field_officer, reason="left the programme")
    assert Session.objects.count() == 0
    event = AuditEvent.objects.get(action="user.deactivate")
    assert event.reason == "left the programme"
    assert event.after["sessions_ended"] == 1
    response = client.get(reverse("core:home"))
    assert response.status_code == 302


def test_web_audit_event_records_ip_user_agent_and_channel(client, admin_user):
    client.force_login(admin_user)
    client.post(
        reverse("core:preferences"),
        {"language": "ar", "calendar": "gregorian"},
        REMOTE_ADDR="10.1.2.3",
        HTTP_USER_AGENT="FieldTablet/1.0",
    )
    event = AuditEvent.objects.get(action="user.preferences")
    assert (event.ip_address, event.user_agent, event.channel) == ("10.1.2.3", "FieldTablet/1.0", "web")
    assert event.after == {"preferred_language": "ar"}


def test_audit_events_cannot_be_changed_or_deleted(db):
    event = audit_record(actor=None, action="test.event")
    event.action = "tampered"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(action="tampered")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL")
def test_database_refuses_raw_updates_of_audit_events(db):
    from django.db.utils import DatabaseError

    event = audit_record(actor=None, action="test.event")
    with (
        pytest.raises(DatabaseError, match="cannot be changed"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE core_auditevent SET action = 'x' WHERE id = %s", [event.pk])
    with (
        pytest.raises(DatabaseError, match="cannot be changed"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [event.pk])
