"""Serializers of the referrals API. Partners receive the person's contact details on referrals addressed
to them (shared under the household's consent, or the audited override); the household's and member's
ids are pseudonymised and its reference withheld unless an agreement makes referrals identifiable."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from caps.api.serializers import code_field
from core.api.serializers import ScopedFieldsMixin
from core.sectors import Sector
from referrals import rules
from referrals.models import (
    AgeGroup,
    Channel,
    Complaint,
    ComplaintCategory,
    ComplaintKind,
    ComplaintStatus,
    EventKind,
    Referral,
    ReferralEvent,
    ReferralStatus,
    Service,
    Sex,
    Urgency,
    Visit,
)

RECEIVER_ACTIONS = ("accept", "decline", "start", "provide")
UPDATE_ACTIONS = (*RECEIVER_ACTIONS, "feedback", "message")


class ServiceSerializer(ScopedFieldsMixin, serializers.ModelSerializer):
    sector = code_field(Sector.choices)
    provider = serializers.CharField(source="provider.acronym", read_only=True)
    provider_name = serializers.CharField(source="provider.name", read_only=True)
    areas = serializers.SerializerMethodField(help_text="P-codes of the areas covered (each covers its descendants)")

    class Meta:
        model = Service
        fields = [
            "id",
            "name",
            "provider",
            "provider_name",
            "sector",
            "description",
            "areas",
            "criteria",
            "contact_name",
            "contact_phone",
            "contact_email",
            "address",
            "opening_hours",
            "accepts_referrals",
            "updated_at",
        ]
        hxl = {
            "name": "#service+name",
            "provider": "#org+impl+code",
            "provider_name": "#org+impl+name",
            "sector": "#sector+code",
            "areas": "#adm+code",
            "contact_phone": "#contact+phone",
            "contact_email": "#contact+email",
        }

    def get_areas(self, obj) -> list[str]:
        return sorted(a.pcode for a in obj.areas.all())


class ReferralEventSerializer(serializers.ModelSerializer):
    kind = code_field(EventKind.choices)
    from_status = code_field(ReferralStatus.choices, blank=True)
    to_status = code_field(ReferralStatus.choices, blank=True)
    actor = serializers.CharField(source="actor.get_full_name", read_only=True)
    organisation = serializers.CharField(source="actor_organisation.acronym", read_only=True)

    class Meta:
        model = ReferralEvent
        fields = ["occurred_at", "kind", "from_status", "to_status", "note", "actor", "organisation"]


class ReferralSerializer(ScopedFieldsMixin, serializers.ModelSerializer):
    status = code_field(ReferralStatus.choices)
    urgency = code_field(Urgency.choices)
    sector = code_field(Sector.choices)
    client_sex = code_field(Sex.choices, blank=True)
    client_age_group = code_field(AgeGroup.choices, blank=True)
    service_name = serializers.CharField(source="service.name", read_only=True)
    provider = serializers.CharField(source="receiving_organisation.acronym", read_only=True)
    referred_from = serializers.CharField(source="referred_from.acronym", read_only=True)
    referred_by = serializers.CharField(source="referred_by.get_full_name", read_only=True)
    area_pcode = serializers.CharField(source="area.pcode", read_only=True)
    area_name = serializers.CharField(source="area.name", read_only=True)
    household_reference = serializers.CharField(source="household.reference", default=None, read_only=True)
    overdue = serializers.SerializerMethodField()
    days_overdue = serializers.SerializerMethodField()
    timeline = ReferralEventSerializer(source="events", many=True, read_only=True)

    class Meta:
        model = Referral
        fields = [
            "id",
            "reference",
            "status",
            "overdue",
            "days_overdue",
            "urgency",
            "deadline",
            "sector",
            "service",
            "service_name",
            "provider",
            "referred_from",
            "referred_by",
            "area_pcode",
            "area_name",
            "household",
            "member",
            "household_reference",
            "client_name",
            "client_sex",
            "client_age_group",
            "client_phone",
            "reason",
            "sensitive",
            "consent_recorded",
            "consent_override_reason",
            "sent_at",
            "responded_at",
            "decline_reason",
            "provided_at",
            "closed_at",
            "last_feedback_at",
            "updated_at",
            "timeline",
        ]
        scope_resource = "referrals"
        personal_fields = ["household_reference"]
        pseudonymised = ["household", "member"]
        pseudonym_kinds = {"household": "profiling.household", "member": "profiling.member"}
        hidden_for_roles = {"partner": ["consent_override_reason"]}
        hxl = {
            "reference": "#x_referral+ref",
            "status": "#status",
            "urgency": "#severity",
            "deadline": "#date+deadline",
            "sector": "#sector+code",
            "service_name": "#service+name",
            "provider": "#org+impl",
            "referred_from": "#org+referring",
            "area_pcode": "#adm+code",
            "area_name": "#adm+name",
            "household": "#household+id",
            "client_sex": "#indiv+sex",
            "client_age_group": "#indiv+age+group",
            "sent_at": "#date+sent",
            "closed_at": "#date+closed",
        }

    def _today(self):
        if "today" not in self.context:
            self.context["today"] = timezone.localdate()
        return self.context["today"]

    def get_overdue(self, obj) -> bool:
        return rules.is_overdue(deadline=obj.deadline, status=obj.status, today=self._today())

    def get_days_overdue(self, obj) -> int:
        return rules.days_overdue(deadline=obj.deadline, status=obj.status, today=self._today())


class ReferralUpdateSerializer(serializers.Serializer):
    """What a receiving organisation posts: a step of the workflow, feedback, or a message."""

    action = serializers.ChoiceField(
        choices=UPDATE_ACTIONS,
        help_text="accept, decline (needs reason), start, provide (service provided), feedback or message (need note)",
    )
    reason = serializers.CharField(required=False, allow_blank=True, max_length=4000, default="")
    note = serializers.CharField(required=False, allow_blank=True, max_length=4000, default="")

    def validate(self, data):
        if data["action"] == "decline" and not data.get("reason", "").strip():
            raise serializers.ValidationError({"reason": [_("Say why the referral is declined.")]})
        if data["action"] in ("feedback", "message") and not data.get("note", "").strip():
            raise serializers.ValidationError({"note": [_("Write the feedback or message.")]})
        return data


class VisitSerializer(ScopedFieldsMixin, serializers.ModelSerializer):
    visitor_sex = code_field(Sex.choices, blank=True)
    visitor_age_group = code_field(AgeGroup.choices, blank=True)
    centre = serializers.CharField(source="centre.name", read_only=True)
    centre_pcode = serializers.CharField(source="centre.area.pcode", read_only=True)
    visitor_settlement_pcode = serializers.CharField(source="visitor_settlement.pcode", default=None, read_only=True)

    class Meta:
        model = Visit
        fields = [
            "id",
            "centre",
            "centre_pcode",
            "visited_at",
            "household",
            "member",
            "visitor_name",
            "visitor_sex",
            "visitor_age_group",
            "visitor_phone",
            "visitor_settlement_pcode",
            "purposes",
            "updated_at",
        ]
        hxl = {
            "centre": "#loc+name",
            "centre_pcode": "#adm+code",
            "visited_at": "#date",
            "household": "#household+id",
            "visitor_sex": "#indiv+sex",
            "visitor_age_group": "#indiv+age+group",
            "purposes": "#x_purpose",
        }


class ComplaintSerializer(ScopedFieldsMixin, serializers.ModelSerializer):
    kind = code_field(ComplaintKind.choices)
    channel = code_field(Channel.choices)
    category = code_field(ComplaintCategory.choices)
    status = code_field(ComplaintStatus.choices)
    complainant_sex = code_field(Sex.choices, blank=True)
    complainant_age_group = code_field(AgeGroup.choices, blank=True)
    area_pcode = serializers.CharField(source="area.pcode", read_only=True)
    centre = serializers.CharField(source="centre.name", default=None, read_only=True)
    focal_point = serializers.CharField(source="assigned_to.get_full_name", default=None, read_only=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Complaint
        fields = [
            "id",
            "reference",
            "kind",
            "channel",
            "category",
            "sensitive",
            "status",
            "overdue",
            "area_pcode",
            "centre",
            "received_on",
            "due_on",
            "focal_point",
            "description",
            "anonymous",
            "complainant_name",
            "complainant_phone",
            "complainant_sex",
            "complainant_age_group",
            "household",
            "response",
            "responded_on",
            "closed_on",
            "complainant_satisfied",
            "updated_at",
        ]
        scope_resource = "complaints"
        personal_fields = ["complainant_name", "complainant_phone", "description", "response"]
        hxl = {
            "reference": "#x_complaint+ref",
            "kind": "#x_feedback+type",
            "channel": "#x_channel",
            "category": "#x_feedback+category",
            "status": "#status",
            "area_pcode": "#adm+code",
            "received_on": "#date+received",
            "complainant_sex": "#indiv+sex",
            "complainant_age_group": "#indiv+age+group",
            "closed_on": "#date+closed",
        }

    def get_overdue(self, obj) -> bool:
        return rules.complaint_overdue(due_on=obj.due_on, status=obj.status, today=timezone.localdate())
