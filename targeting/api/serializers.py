from rest_framework import serializers

from targeting.models import DtmDataset, DtmFigure, TargetArea


class DtmDatasetSerializer(serializers.ModelSerializer):
    admin_level = serializers.IntegerField(
        read_only=True, help_text="Level of the areas of the figures: 1 province, 2 district, 3 settlement."
    )

    class Meta:
        model = DtmDataset
        fields = [
            "id",
            "source",
            "round_label",
            "reporting_date",
            "admin_level",
            "country_code",
            "file_name",
            "file_sha256",
            "row_count",
            "figure_count",
            "unmatched_count",
            "created_at",
            "updated_at",
        ]


class DtmFigureSerializer(serializers.ModelSerializer):
    pcode = serializers.CharField(source="area.pcode", read_only=True)
    area_name = serializers.CharField(source="area.name", read_only=True)
    admin_level = serializers.IntegerField(source="area.level", read_only=True)
    parent_pcode = serializers.CharField(source="area.parent.pcode", default=None, read_only=True)
    dataset = serializers.IntegerField(source="dataset_id", read_only=True)
    source = serializers.CharField(source="dataset.source", read_only=True)

    class Meta:
        model = DtmFigure
        fields = [
            "id",
            "dataset",
            "source",
            "pcode",
            "area_name",
            "admin_level",
            "parent_pcode",
            "population_group",
            "unit",
            "period",
            "value",
        ]


class TargetAreaSerializer(serializers.ModelSerializer):
    pcode = serializers.CharField(source="area.pcode", read_only=True)
    area_name = serializers.CharField(source="area.name", read_only=True)
    admin_level = serializers.IntegerField(source="area.level", read_only=True)
    parent_pcode = serializers.CharField(source="area.parent.pcode", default=None, read_only=True)
    round = serializers.IntegerField(source="round_id", read_only=True)
    round_name = serializers.CharField(source="round.name", read_only=True)
    approved_at = serializers.DateTimeField(source="round.approved_at", read_only=True)

    class Meta:
        model = TargetArea
        fields = [
            "id",
            "pcode",
            "area_name",
            "admin_level",
            "parent_pcode",
            "round",
            "round_name",
            "approved_at",
            "rationale",
            "created_at",
            "updated_at",
        ]
