from rest_framework import serializers

from core.models import AdminArea, Organisation


class AdminAreaSerializer(serializers.ModelSerializer):
    parent_pcode = serializers.CharField(source="parent.pcode", default=None, read_only=True)

    class Meta:
        model = AdminArea
        fields = ["pcode", "name", "names", "level", "parent_pcode", "country_code", "valid_from"]
        hxl = {
            "pcode": "#adm+code",
            "name": "#adm+name",
            "level": "#geo+admin_level",
            "parent_pcode": "#adm+code+parent",
            "country_code": "#country+code",
            "valid_from": "#date+start",
        }


class OrganisationSerializer(serializers.ModelSerializer):
    parent = serializers.CharField(source="parent.acronym", default=None, read_only=True)

    class Meta:
        model = Organisation
        fields = ["acronym", "name", "kind", "parent"]
        hxl = {"acronym": "#org+acronym", "name": "#org+name", "kind": "#org+type", "parent": "#org+parent"}
