"""Shapes of the 5W rows and indicator results, with HXL hashtags for ``?format=hxl``."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..exports import FIVEW_HXL, RESULT_HXL


@extend_schema_field({"oneOf": [{"type": "integer"}, {"type": "string", "example": "<5"}]})
class CountField(serializers.Field):
    """A count, or ``<N`` when it was hidden for sharing."""

    def to_representation(self, value):
        return value


class FiveWRowSerializer(serializers.Serializer):
    organisation = serializers.CharField()
    organisation_name = serializers.CharField()
    sector = serializers.CharField()
    activity_code = serializers.CharField()
    activity = serializers.CharField()
    adm1_code = serializers.CharField()
    adm1_name = serializers.CharField()
    adm2_code = serializers.CharField()
    adm2_name = serializers.CharField()
    month = serializers.CharField()
    households = CountField()
    individuals = CountField()
    f_children = CountField()
    f_adults = CountField()
    m_children = CountField()
    m_adults = CountField()
    with_disability = CountField()

    class Meta:
        fields = [
            "organisation",
            "organisation_name",
            "sector",
            "activity_code",
            "activity",
            "adm1_code",
            "adm1_name",
            "adm2_code",
            "adm2_name",
            "month",
            "households",
            "individuals",
            "f_children",
            "f_adults",
            "m_children",
            "m_adults",
            "with_disability",
        ]
        hxl = dict(zip(fields, FIVEW_HXL, strict=True))


class IndicatorResultSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    sector = serializers.CharField()
    unit = serializers.CharField()
    target = serializers.IntegerField()
    reached = CountField()
    female = CountField()
    male = CountField()
    percent = serializers.DecimalField(max_digits=8, decimal_places=1, allow_null=True)

    class Meta:
        fields = ["code", "name", "sector", "unit", "target", "reached", "female", "male", "percent"]
        hxl = dict(zip(fields, RESULT_HXL, strict=True))
