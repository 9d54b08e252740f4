"""Read-only shapes of assistance for partners and dashboards, with HXL hashtags for ``?format=hxl``."""

from __future__ import annotations

from rest_framework import serializers

from core.api.serializers import ScopedFieldsMixin

from .. import rules
from ..models import ActivityType, AssistanceRecord, CommunityProject, Indicator, IndicatorTarget


class ActivityTypeSerializer(serializers.ModelSerializer):
    default_currency = serializers.CharField(read_only=True, help_text="ISO 4217 code, or empty")

    class Meta:
        model = ActivityType
        fields = [
            "code",
            "sector",
            "name",
            "unit",
            "modality",
            "beneficiary",
            "repeat_window_days",
            "overlap_group",
            "grant_kind",
            "default_quantity",
            "default_amount",
            "default_currency",
            "is_active",
        ]
        hxl = {
            "code": "#activity+type",
            "sector": "#sector+code",
            "name": "#activity+type+name",
            "unit": "#indicator+unit",
            "modality": "#modality",
            "beneficiary": "#targeted+type",
            "repeat_window_days": "#x_window+days",
            "grant_kind": "#activity+grant",
            "default_amount": "#value+amount",
            "default_currency": "#currency",
        }


class AssistanceRecordSerializer(ScopedFieldsMixin, serializers.ModelSerializer):
    household_reference = serializers.CharField(source="household.reference", read_only=True)
    settlement = serializers.CharField(source="household.settlement.pcode", read_only=True)
    district = serializers.CharField(source="household.settlement.parent.pcode", default=None, read_only=True)
    displacement_status = serializers.CharField(source="household.displacement_status", read_only=True)
    sector = serializers.CharField(source="activity_type.sector", read_only=True)
    activity_type = serializers.CharField(source="activity_type.code", read_only=True)
    modality = serializers.CharField(source="activity_type.modality", read_only=True)
    implementing_organisation = serializers.CharField(source="implementing_organisation.acronym", read_only=True)
    donor = serializers.CharField(source="donor.acronym", default=None, read_only=True)
    programme = serializers.CharField(source="programme.code", default=None, read_only=True)

    class Meta:
        model = AssistanceRecord
        fields = [
            "id",
            "household",
            "household_reference",
            "member",
            "settlement",
            "district",
            "displacement_status",
            "sector",
            "activity_type",
            "modality",
            "status",
            "planned_date",
            "delivered_on",
            "blocked_until",
            "quantity",
            "amount",
            "currency",
            "implementing_organisation",
            "donor",
            "programme",
            "beneficiary_list",
            "updated_at",
        ]
        scope_resource = "assistance"
        personal_fields = ["household_reference", "settlement"]
        pseudonymised = ["id", "household", "member"]
        pseudonym_kinds = {"household": "profiling.household", "member": "profiling.member"}
        hxl = {
            "household": "#x_household+id",
            "household_reference": "#x_household+code",
            "settlement": "#loc+code",
            "district": "#adm2+code",
            "displacement_status": "#population+type",
            "sector": "#sector+code",
            "activity_type": "#activity+type",
            "modality": "#modality",
            "status": "#status",
            "planned_date": "#date+planned",
            "delivered_on": "#date+delivered",
            "quantity": "#value+quantity",
            "amount": "#value+amount",
            "currency": "#currency",
            "implementing_organisation": "#org+impl",
            "donor": "#org+funding",
            "programme": "#activity+programme",
            "updated_at": "#date+updated",
        }


class CommunityProjectSerializer(ScopedFieldsMixin, serializers.ModelSerializer):
    place = serializers.CharField(source="area.pcode", read_only=True)
    district = serializers.SerializerMethodField()
    implementing_organisation = serializers.CharField(source="implementing_organisation.acronym", read_only=True)
    donor = serializers.CharField(source="donor.acronym", default=None, read_only=True)
    programme = serializers.CharField(source="programme.code", default=None, read_only=True)
    people_reached = serializers.IntegerField(read_only=True)
    reached_f = serializers.SerializerMethodField()
    reached_m = serializers.SerializerMethodField()

    class Meta:
        model = CommunityProject
        fields = [
            "reference",
            "name",
            "project_type",
            "sector",
            "place",
            "district",
            "status",
            "progress_percent",
            "budget",
            "currency",
            "start_date",
            "planned_end_date",
            "completed_on",
            "implementing_organisation",
            "donor",
            "programme",
            "cap_action",
            "households_reached",
            "people_reached",
            "reached_f",
            "reached_m",
            "reached_f_0_5",
            "reached_f_6_17",
            "reached_f_18_59",
            "reached_f_60",
            "reached_m_0_5",
            "reached_m_6_17",
            "reached_m_18_59",
            "reached_m_60",
            "reached_with_disability",
            "updated_at",
        ]
        scope_resource = "assistance"
        pseudonymised = []
        hxl = {
            "reference": "#activity+code",
            "name": "#activity+name",
            "project_type": "#activity+type",
            "sector": "#sector+code",
            "place": "#loc+code",
            "district": "#adm2+code",
            "status": "#status",
            "progress_percent": "#indicator+progress+pct",
            "budget": "#value+budget",
            "currency": "#currency",
            "start_date": "#date+start",
            "completed_on": "#date+end",
            "implementing_organisation": "#org+impl",
            "donor": "#org+funding",
            "cap_action": "#x_cap+action",
            "households_reached": "#reached+hh",
            "people_reached": "#reached+ind",
            "reached_f": "#reached+f",
            "reached_m": "#reached+m",
            "reached_f_0_5": "#reached+f+infants",
            "reached_f_6_17": "#reached+f+children",
            "reached_f_18_59": "#reached+f+adults",
            "reached_f_60": "#reached+f+elderly",
            "reached_m_0_5": "#reached+m+infants",
            "reached_m_6_17": "#reached+m+children",
            "reached_m_18_59": "#reached+m+adults",
            "reached_m_60": "#reached+m+elderly",
            "reached_with_disability": "#reached+disabled",
            "updated_at": "#date+updated",
        }

    def get_district(self, project) -> str | None:
        area = project.area
        if area.level == 3 and area.parent_id:
            return area.parent.pcode
        return area.pcode if area.level == 2 else None

    def get_reached_f(self, project) -> int:
        return project.reached_by("f")

    def get_reached_m(self, project) -> int:
        return project.reached_by("m")


class IndicatorSerializer(serializers.ModelSerializer):
    activity_types = serializers.SlugRelatedField(many=True, slug_field="code", read_only=True)

    class Meta:
        model = Indicator
        fields = ["code", "name", "sector", "unit", "count_by", "activity_types", "project_types", "is_active"]
        hxl = {
            "code": "#indicator+code",
            "name": "#indicator+name",
            "sector": "#sector+code",
            "unit": "#indicator+unit",
            "count_by": "#indicator+type",
        }


class IndicatorTargetSerializer(ScopedFieldsMixin, serializers.ModelSerializer):
    """A target with its reached figure; the view computes reached for a whole page at once."""

    indicator = serializers.CharField(source="indicator.code", read_only=True)
    indicator_name = serializers.CharField(source="indicator.name", read_only=True)
    sector = serializers.CharField(source="indicator.sector", read_only=True)
    unit = serializers.CharField(source="indicator.unit", read_only=True)
    count_by = serializers.CharField(source="indicator.count_by", read_only=True)
    programme = serializers.CharField(source="programme.code", default=None, read_only=True)
    area = serializers.CharField(source="area.pcode", read_only=True)
    area_level = serializers.IntegerField(source="area.level", read_only=True)
    reached = serializers.SerializerMethodField()
    percent = serializers.SerializerMethodField()
    disaggregation = serializers.SerializerMethodField()

    class Meta:
        model = IndicatorTarget
        fields = [
            "id",
            "indicator",
            "indicator_name",
            "sector",
            "unit",
            "count_by",
            "programme",
            "area",
            "area_level",
            "period_start",
            "period_end",
            "target",
            "reached",
            "percent",
            "disaggregation",
            "updated_at",
        ]
        scope_resource = "assistance"
        pseudonymised = []
        hxl = {
            "indicator": "#indicator+code",
            "indicator_name": "#indicator+name",
            "sector": "#sector+code",
            "unit": "#indicator+unit",
            "programme": "#activity+programme",
            "area": "#adm2+code",
            "period_start": "#date+start",
            "period_end": "#date+end",
            "target": "#targeted",
            "reached": "#reached",
            "percent": "#indicator+pct",
        }

    def _reached(self, target) -> rules.Reached:
        return self.context.get("reached", {}).get(target.pk, rules.Reached())

    def get_reached(self, target) -> int:
        return self._reached(target).total

    def get_percent(self, target) -> str | None:
        value = rules.percent(self._reached(target).total, target.target)
        return str(value) if value is not None else None

    def get_disaggregation(self, target) -> dict:
        return self._reached(target).breakdown
