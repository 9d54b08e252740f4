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


class ScopedFieldsMixin:
    """Field-level rules for a serializer, from its ``Meta``:

    - ``hidden_for_roles = {"desk_officer": ["vulnerability_score"], ...}``: fields a role never receives;
    - ``scope_resource = "households"`` with ``personal_fields = [...]``: for a partner whose agreements
      do not allow identifiable data, those fields are removed and every id named in ``pseudonymised``
      (default ``["id"]``; related ids too, e.g. ``"household"``) is replaced by a stable pseudonym.
    """

    def _scope(self):
        from core.scoping import scope_for

        request = self.context.get("request")
        return scope_for(getattr(request, "user", None)) if request is not None else None

    def _deidentify(self, scope) -> bool:
        resource = getattr(self.Meta, "scope_resource", None)
        return bool(scope and scope.is_partner and resource and not scope.identifiable(resource))

    def get_fields(self):
        fields = super().get_fields()
        scope = self._scope()
        if scope is None:
            return fields
        hidden = set(getattr(self.Meta, "hidden_for_roles", {}).get(scope.role, ()))
        if self._deidentify(scope):
            hidden |= set(getattr(self.Meta, "personal_fields", ()))
        for name in hidden:
            fields.pop(name, None)
        return fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        scope = self._scope()
        if self._deidentify(scope):
            from core.privacy import pseudonym

            for name in getattr(self.Meta, "pseudonymised", ["id"]):
                if data.get(name) is not None:
                    kind = getattr(self.Meta, "pseudonym_kinds", {}).get(name, self.Meta.model._meta.label_lower)
                    data[name] = pseudonym(kind, data[name], scope.organisation_id)
        return data
