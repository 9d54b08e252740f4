"""Field-level rules: roles see only their fields; partners without identifiable agreements get pseudonyms."""

import datetime

from django.test import RequestFactory
from django.utils import timezone
from rest_framework import serializers

from core.api.serializers import ScopedFieldsMixin
from core.models import DataSharingAgreement
from core.privacy import pseudonym
from tests.scoping_app.models import Record


class RecordSerializer(ScopedFieldsMixin, serializers.ModelSerializer):
    class Meta:
        model = Record
        fields = ["id", "label", "area", "organisation"]
        scope_resource = "records"
        personal_fields = ["label"]
        hidden_for_roles = {"desk_officer": ["organisation"]}


def _serialize(user, record):
    request = RequestFactory().get("/")
    request.user = user
    return RecordSerializer(record, context={"request": request}).data


def _share(nrc, iom, places, *, identifiable):
    today = timezone.localdate()
    agreement = DataSharingAgreement.objects.create(
        partner=nrc,
        owner=iom,
        reference=f"DSA-{identifiable}",
        title="t",
        resources=["records"],
        identifiable=identifiable,
        valid_from=today - datetime.timedelta(days=1),
        valid_until=today + datetime.timedelta(days=1),
    )
    agreement.areas.set([places.khogyani])


def test_staff_see_every_field_except_those_hidden_for_their_role(places, iom, field_officer, desk_officer):
    record = Record.objects.create(label="Zarghuna's case", area=places.kaga, organisation=iom)
    assert set(_serialize(field_officer, record)) == {"id", "label", "area", "organisation"}
    assert set(_serialize(desk_officer, record)) == {"id", "label", "area"}


def test_partner_without_identifiable_agreement_gets_pseudonyms_and_no_personal_fields(places, iom, nrc, partner_user):
    _share(nrc, iom, places, identifiable=False)
    record = Record.objects.create(label="Zarghuna's case", area=places.kaga, organisation=iom)
    data = _serialize(partner_user, record)
    assert "label" not in data
    assert data["id"] == pseudonym("scoping_app.record", record.pk, nrc.pk)
    assert data["id"] != str(record.pk)


def test_identifiable_agreement_shows_the_record_as_it_is(places, iom, nrc, partner_user):
    _share(nrc, iom, places, identifiable=True)
    record = Record.objects.create(label="Zarghuna's case", area=places.kaga, organisation=iom)
    data = _serialize(partner_user, record)
    assert data["label"] == "Zarghuna's case"
    assert data["id"] == record.pk


def test_pseudonyms_are_stable_per_partner_and_differ_between_partners():
    assert pseudonym("profiling.household", 42, 7) == pseudonym("profiling.household", 42, 7)
    assert pseudonym("profiling.household", 42, 7) != pseudonym("profiling.household", 42, 8)
    assert pseudonym("profiling.household", 42, 7) != pseudonym("profiling.household", 43, 7)
