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


class UpdatedSinceFilterSet(django_filters.FilterSet):
    """Base filter set: ``updated_since`` (ISO 8601) returns rows changed at or after that instant."""

    updated_since = django_filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")


def text_q(text: str, *fields: str) -> Q:
    query = Q()
    for field in fields:
        query |= Q(**{f"{field}__icontains": text})
    return query
