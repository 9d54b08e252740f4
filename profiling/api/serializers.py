from django.utils import timezone
from rest_framework import serializers

from core.api.serializers import ScopedFieldsMixin
from profiling import rules
from profiling.models import WG_DOMAINS, CommunityAssessment, Facility, Household, Member


class HouseholdSerializer(ScopedFieldsMixin, serializers.ModelSerializer):
    organisation = serializers.CharField(source="organisation.acronym", read_only=True)
    settlement_pcode = serializers.CharField(source="settlement.pcode", read_only=True)
    district_pcode = serializers.CharField(source="settlement.parent.pcode", read_only=True)
    origin_pcode = serializers.CharField(source="origin.pcode", default=None, read_only=True)
    duplicate_of = serializers.IntegerField(source="duplicate_of_id", read_only=True)

    class Meta:
        model = Household
        fields = [
            "id",
            "reference",
            "organisation",
            "settlement_pcode",
            "district_pcode",
            "latitude",
            "longitude",
            "displacement_status",
            "arrival_date",
            "origin_pcode",
            "shelter_type",
            "head_name",
            "phone",
            "intention",
            "return_barriers",
            "has_income",
            "has_debt",
            "size",
            "vulnerability_score",
            "vulnerability_band",
            "vulnerability_criteria",
            "duplicate_of",
            "registered_at",
            "updated_at",
            "version",
        ]
        scope_resource = "households"
        # Without an identifiable agreement a partner gets neither names, phones nor exact places.
        personal_fields = ["reference", "head_name", "phone", "latitude", "longitude"]
        # A CRC desk refers people; it does not need where they sleep or their finances.
        hidden_for_roles = {
            "desk_officer": ["latitude", "longitude", "has_income", "has_debt", "vulnerability_criteria"],
        }
        pseudonymised = ["id", "duplicate_of"]
        pseudonym_kinds = {"duplicate_of": "profiling.household"}
        hxl = {
            "id": "#household+id",
            "organisation": "#org+impl",
            "settlement_pcode": "#adm3+code",
            "district_pcode": "#adm2+code",
            "displacement_status": "#population+type",
            "arrival_date": "#date+arrival",
            "origin_pcode": "#adm2+code+origin",
            "shelter_type": "#shelter+type",
            "intention": "#intention",
            "size": "#affected+ind",
            "vulnerability_score": "#severity+score",
            "vulnerability_band": "#severity+band",
            "registered_at": "#date+registered",
        }


def _wg_field(domain: str):
    return serializers.IntegerField(
        read_only=True, allow_null=True, help_text=f"Washington Group answer for {domain[3:]}: 1-4, null if not asked"
    )


class MemberSerializer(ScopedFieldsMixin, serializers.ModelSerializer):
    # One plain integer per domain: the six share one scale, which would otherwise yield six enum names.
    wg_seeing = _wg_field("wg_seeing")
    wg_hearing = _wg_field("wg_hearing")
    wg_walking = _wg_field("wg_walking")
    wg_remembering = _wg_field("wg_remembering")
    wg_self_care = _wg_field("wg_self_care")
    wg_communicating = _wg_field("wg_communicating")
    household_reference = serializers.CharField(source="household.reference", read_only=True)
    age = serializers.SerializerMethodField()
    age_group = serializers.SerializerMethodField()

    class Meta:
        model = Member
        fields = [
            "id",
            "household",
            "household_reference",
            "name",
            "sex",
            "date_of_birth",
            "date_of_birth_estimated",
            "age",
            "age_group",
            "relationship",
            *WG_DOMAINS,
            "has_disability",
            "chronic_illness",
            "pregnant_or_lactating",
            "documents",
            "updated_at",
        ]
        scope_resource = "households"
        personal_fields = ["name", "date_of_birth", "household_reference"]
        pseudonymised = ["id", "household"]
        pseudonym_kinds = {"household": "profiling.household"}
        hxl = {
            "id": "#indiv+id",
            "household": "#household+id",
            "sex": "#indiv+sex",
            "age": "#indiv+age",
            "age_group": "#indiv+age+group",
            "has_disability": "#indiv+disabled",
        }

    def get_age(self, obj) -> int | None:
        return obj.age_on(timezone.localdate())

    def get_age_group(self, obj) -> str | None:
        return rules.age_group(obj.age_on(timezone.localdate()))


class AssessmentSerializer(ScopedFieldsMixin, serializers.ModelSerializer):
    area_pcode = serializers.CharField(source="area.pcode", read_only=True)
    target_area_pcode = serializers.CharField(source="target_area.area.pcode", read_only=True)

    class Meta:
        model = CommunityAssessment
        fields = [
            "id",
            "kind",
            "held_on",
            "title",
            "area_pcode",
            "target_area_pcode",
            "informant_role",
            "participants_female",
            "participants_male",
            "households_surveyed",
            "priority_sectors",
            "findings",
            "updated_at",
        ]
        scope_resource = "assessments"
        hxl = {"kind": "#assessment+type", "held_on": "#date", "area_pcode": "#adm+code", "findings": "#description"}


class FacilitySerializer(ScopedFieldsMixin, serializers.ModelSerializer):
    area_pcode = serializers.CharField(source="area.pcode", read_only=True)
    target_area_pcode = serializers.CharField(source="target_area.area.pcode", read_only=True)

    class Meta:
        model = Facility
        fields = [
            "id",
            "name",
            "facility_type",
            "sector",
            "status",
            "operator",
            "area_pcode",
            "target_area_pcode",
            "latitude",
            "longitude",
            "verified_on",
            "updated_at",
        ]
        scope_resource = "assessments"
        hxl = {
            "name": "#loc+name",
            "facility_type": "#service+type",
            "sector": "#sector+code",
            "status": "#status",
            "operator": "#org+name",
            "area_pcode": "#adm+code",
        }
