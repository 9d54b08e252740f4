"""Read-only shapes of movements and check-ins, with HXL hashtags for ``?format=hxl``. For a partner whose
agreement does not allow identifiable data, household references and exact places are removed and ids
pseudonymised."""

from __future__ import annotations

from rest_framework import serializers

from core.api.serializers import ScopedFieldsMixin

from ..models import CheckIn, MovementCase


class MovementCaseSerializer(ScopedFieldsMixin, serializers.ModelSerializer):
    household_reference = serializers.CharField(source="household.reference", read_only=True)
    settlement = serializers.CharField(source="household.settlement.pcode", read_only=True)
    origin = serializers.CharField(source="origin.pcode", read_only=True)
    destination = serializers.CharField(source="destination.pcode", read_only=True)
    arrival_place = serializers.CharField(source="arrival_place.pcode", default=None, read_only=True)

    class Meta:
        model = MovementCase
        fields = [
            "id",
            "reference",
            "household",
            "household_reference",
            "settlement",
            "intention",
            "origin",
            "destination",
            "barriers",
            "status",
            "registered_on",
            "departed_on",
            "transport",
            "departure_grant",
            "arrived_on",
            "arrival_place",
            "reinstallation_grant",
            "updated_at",
        ]
        scope_resource = "monitoring"
        personal_fields = ["reference", "household_reference", "settlement", "arrival_place"]
        pseudonymised = ["id", "household", "departure_grant", "reinstallation_grant"]
        pseudonym_kinds = {
            "household": "profiling.household",
            "departure_grant": "assistance.assistancerecord",
            "reinstallation_grant": "assistance.assistancerecord",
        }
        hxl = {
            "household": "#x_household+id",
            "household_reference": "#x_household+code",
            "settlement": "#loc+code",
            "intention": "#x_intention",
            "origin": "#adm+code+origin",
            "destination": "#adm+code+destination",
            "status": "#status",
            "departed_on": "#date+departure",
            "arrived_on": "#date+arrival",
            "updated_at": "#date+updated",
        }


class CheckInSerializer(ScopedFieldsMixin, serializers.ModelSerializer):
    household_reference = serializers.CharField(source="household.reference", read_only=True)
    settlement = serializers.CharField(source="household.settlement.pcode", read_only=True)
    district = serializers.CharField(source="household.settlement.parent.pcode", default=None, read_only=True)

    class Meta:
        model = CheckIn
        fields = [
            "id",
            "household",
            "household_reference",
            "settlement",
            "district",
            "movement",
            "wave",
            "arrived_on",
            "due_on",
            "due_until",
            "status",
            "attempts",
            "last_outcome",
            "answers",
            "redisplaced",
            "protection_risk",
            "completed_at",
            "updated_at",
        ]
        scope_resource = "monitoring"
        personal_fields = ["household_reference", "settlement", "answers", "protection_risk"]
        pseudonymised = ["id", "household", "movement"]
        pseudonym_kinds = {"household": "profiling.household", "movement": "monitoring.movementcase"}
        hxl = {
            "household": "#x_household+id",
            "household_reference": "#x_household+code",
            "settlement": "#loc+code",
            "district": "#adm2+code",
            "wave": "#x_wave",
            "due_on": "#date+due",
            "status": "#status",
            "attempts": "#x_attempts+num",
            "last_outcome": "#x_outcome",
            "redisplaced": "#x_redisplaced",
            "updated_at": "#date+updated",
        }
