"""Filters shared by list endpoints: a P-code at any level, and ``updated_since`` for incremental sync."""

import django_filters
from django.db.models import Q

from core.models import AdminArea
from core.pcodes import normalise_pcode


class AreaPcodeFilter(django_filters.CharFilter):
    """Rows whose area lies inside the area with this P-code (country, province, district or settlement).

    An unknown P-code matches nothing rather than everything.
    """

    def filter(self, qs, value):
        if not value:
            return qs
        path = AdminArea.objects.filter(pcode=normalise_pcode(value)).values_list("path", flat=True).first()
        if path is None:
            return qs.none()
        return qs.filter(**{f"{self.field_name}__path__startswith": path})


class BoundedIsoDateTimeField(django_filters.fields.IsoDateTimeField):
    """ISO 8601 instants the database can hold: years 1900-2999 and real UTC offsets (at most 14 hours)."""

    def to_python(self, value):
        import datetime

        from django import forms

        parsed = super().to_python(value)
        if parsed is None:
            return None
        offset = parsed.utcoffset() or datetime.timedelta(0)
        if not 1900 <= parsed.year <= 2999:
            raise forms.ValidationError("Give a date between 1900 and 2999.", code="invalid")
        if abs(offset) > datetime.timedelta(hours=14):
            raise forms.ValidationError("A UTC offset is at most 14 hours.", code="invalid")
        return parsed


class BoundedIsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = BoundedIsoDateTimeField


class UpdatedSinceFilterSet(django_filters.FilterSet):
    """Base filter set: ``updated_since`` (ISO 8601) returns rows changed at or after that instant."""

    updated_since = BoundedIsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")


def text_q(text: str, *fields: str) -> Q:
    query = Q()
    for field in fields:
        query |= Q(**{f"{field}__icontains": text})
    return query
