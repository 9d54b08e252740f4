from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from caps.models import (
    Action,
    ActionStatus,
    Council,
    CouncilMember,
    CouncilRole,
    Currency,
    ParticipantGroup,
    Plan,
    PlanStatus,
    Priority,
    Sector,
    Sex,
    Workshop,
    WorkshopParticipation,
)
from caps.rules import participation_summary
from core.api.serializers import ScopedFieldsMixin


def code_field(choices, **kwargs) -> serializers.CharField:
    """A read-only code whose values are documented inline (inside ``allOf``), so that the enums of
    other stages' fields of the same name (``status``, ``role``...) never collide with these when the
    OpenAPI schema gathers enums into named components."""
    values = [value for value, _ in choices]
    if kwargs.pop("blank", False):
        values.append("")
    labels = "; ".join(f"{value}: {label}" for value, label in choices)
    schema = {"allOf": [{"type": "string", "enum": values}], "description": labels}

    @extend_schema_field(schema)
    class CodeField(serializers.CharField):
        pass

    return CodeField(read_only=True, **kwargs)


class TargetAreaFields(serializers.Serializer):
    """P-code and name of the target area, flattened onto each row."""

    target_area = serializers.IntegerField(source="target_area_id", read_only=True)
    area_pcode = serializers.CharField(source="target_area.area.pcode", read_only=True)
    area_name = serializers.CharField(source="target_area.area.name", read_only=True)
    organisation = serializers.CharField(source="target_area.round.organisation.acronym", read_only=True)


class CouncilMemberSerializer(ScopedFieldsMixin, serializers.ModelSerializer):
    sex = code_field(Sex.choices)
    role = code_field(CouncilRole.choices)
    population_group = code_field(ParticipantGroup.choices, blank=True)

    class Meta:
        model = CouncilMember
        fields = ["id", "name", "sex", "role", "population_group", "joined_on", "left_on"]
        scope_resource = "caps"
        personal_fields = ["name"]


class CouncilSerializer(TargetAreaFields, serializers.ModelSerializer):
    settlement_pcode = serializers.CharField(source="settlement.pcode", default=None, read_only=True)
    members = CouncilMemberSerializer(many=True, read_only=True)
    serving_women = serializers.IntegerField(source="women_count", read_only=True)
    serving_men = serializers.IntegerField(source="men_count", read_only=True)

    class Meta:
        model = Council
        fields = [
            "id",
            "name",
            "target_area",
            "area_pcode",
            "area_name",
            "organisation",
            "settlement_pcode",
            "registration_code",
            "established_on",
            "serving_women",
            "serving_men",
            "members",
            "updated_at",
        ]


class ParticipationSerializer(serializers.ModelSerializer):
    population_group = code_field(ParticipantGroup.choices, source="group")

    class Meta:
        model = WorkshopParticipation
        fields = ["population_group", "women", "men"]


class WorkshopSerializer(TargetAreaFields, serializers.ModelSerializer):
    participation = ParticipationSerializer(many=True, read_only=True)
    totals = serializers.SerializerMethodField()
    settlement_pcode = serializers.CharField(source="settlement.pcode", default=None, read_only=True)

    class Meta:
        model = Workshop
        fields = [
            "id",
            "target_area",
            "area_pcode",
            "area_name",
            "organisation",
            "council",
            "held_on",
            "place",
            "settlement_pcode",
            "facilitators",
            "notes",
            "participation",
            "totals",
            "updated_at",
        ]

    def get_totals(self, workshop) -> dict:
        summary = participation_summary((p.group, p.women, p.men) for p in workshop.participation.all())
        share = summary.women_share
        return {
            "women": summary.total.women,
            "men": summary.total.men,
            "total": summary.total.total,
            "women_share_percent": str(share) if share is not None else None,
        }


class ActionSerializer(serializers.ModelSerializer):
    responsible_organisation = serializers.CharField(
        source="responsible_organisation.acronym", default=None, read_only=True
    )
    currency = code_field(Currency.choices, blank=True)
    status = code_field(ActionStatus.choices)

    class Meta:
        model = Action
        fields = [
            "id",
            "description",
            "responsible_organisation",
            "responsible_other",
            "budget",
            "currency",
            "start_on",
            "end_on",
            "status",
            "updated_at",
        ]


class FlatActionSerializer(ActionSerializer):
    """An action with the priority and plan it belongs to, for partners and later stages."""

    priority = serializers.IntegerField(source="priority_id", read_only=True)
    priority_title = serializers.CharField(source="priority.title", read_only=True)
    sector = code_field(Sector.choices, source="priority.sector")
    plan = serializers.IntegerField(source="priority.plan_id", read_only=True)
    plan_status = code_field(PlanStatus.choices, source="priority.plan.status")
    area_pcode = serializers.CharField(source="priority.plan.target_area.area.pcode", read_only=True)

    class Meta(ActionSerializer.Meta):
        fields = [
            *ActionSerializer.Meta.fields,
            "priority",
            "priority_title",
            "sector",
            "plan",
            "plan_status",
            "area_pcode",
        ]


class PrioritySerializer(serializers.ModelSerializer):
    actions = ActionSerializer(many=True, read_only=True)
    sector = code_field(Sector.choices)

    class Meta:
        model = Priority
        fields = [
            "id",
            "position",
            "tied",
            "sector",
            "title",
            "description",
            "raised_by",
            "raised_by_note",
            "votes",
            "rank",
            "actions",
        ]


class PlanSerializer(TargetAreaFields, serializers.ModelSerializer):
    priorities = PrioritySerializer(many=True, read_only=True)
    workshops = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    approved_by = serializers.CharField(source="approved_by.username", default=None, read_only=True)
    status = code_field(PlanStatus.choices)

    class Meta:
        model = Plan
        fields = [
            "id",
            "title",
            "target_area",
            "area_pcode",
            "area_name",
            "organisation",
            "period_start",
            "period_end",
            "council",
            "workshops",
            "vision",
            "status",
            "version",
            "submitted_at",
            "approved_by",
            "approved_at",
            "approved_version",
            "implementation_started_at",
            "completed_at",
            "priorities",
            "updated_at",
        ]
