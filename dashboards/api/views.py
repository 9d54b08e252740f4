"""Read endpoints of the reports: 5W rows and indicator results, as JSON, CSV or HXL (``?format=hxl``).

Filters are the dashboard's (``area`` P-code, ``start``, ``end``, ``sector``, ``organisation`` id). Managers
and admins see their organisation's figures; partners (and partner tokens with ``reports:read``) see the
figures an agreement shares with them, always with small counts hidden. ``?shared=1`` hides them for
everyone."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.settings import api_settings

from core.api.views import RolePermission
from core.exports import suppress
from core.models import Role
from core.scoping import user_has_role

from .. import selectors
from ..exports import sharing_threshold
from ..forms import DashboardFilterForm
from .serializers import FiveWRowSerializer, IndicatorResultSerializer


class _ReportViewSet(viewsets.GenericViewSet):
    read_scope = "reports:read"
    permission_classes = [*api_settings.DEFAULT_PERMISSION_CLASSES, RolePermission]
    pagination_class = None
    filter_backends = []
    count_fields: tuple[str, ...] = ()

    def filters(self) -> selectors.DashboardFilters:
        form = DashboardFilterForm(self.request.query_params or None, user=self.request.user)
        if form.is_bound and not form.is_valid():
            raise ValidationError(form.errors)
        return form.filters()

    def threshold(self) -> int:
        shared = self.request.query_params.get("shared") == "1" or user_has_role(self.request.user, Role.PARTNER)
        return sharing_threshold() if shared else 0

    def rows(self, filters) -> list:
        raise NotImplementedError

    def list(self, request, *args, **kwargs):
        data = self.get_serializer(self.rows(self.filters()), many=True).data
        threshold = self.threshold()
        if threshold:
            for row in data:
                for name in self.count_fields:
                    row[name] = suppress(row[name], threshold)
        return Response({"count": len(data), "results": data})


def _listing(name: str, row_serializer) -> dict:
    return {
        200: inline_serializer(
            name=name, fields={"count": serializers.IntegerField(), "results": row_serializer(many=True)}
        )
    }


PARAMETERS = [
    OpenApiParameter("area", str, description="P-code of an area (any level) inside the caller's areas"),
    OpenApiParameter("start", str, description="First day of the period (YYYY-MM-DD)"),
    OpenApiParameter("end", str, description="Last day of the period (YYYY-MM-DD)"),
    OpenApiParameter("sector", str, description="HDX sector code"),
    OpenApiParameter("organisation", int, description="Id of the implementing organisation"),
    OpenApiParameter("shared", int, enum=[1], description="1: hide small counts (always so for partners)"),
]


@extend_schema(responses=_listing("FiveWReport", FiveWRowSerializer), parameters=PARAMETERS)
class FiveWViewSet(_ReportViewSet):
    """The 5W: organisation, sector and activity, admin1/admin2, month, households and people by sex and age."""

    allowed_roles = (Role.MANAGER, Role.ADMIN, Role.PARTNER)
    serializer_class = FiveWRowSerializer
    count_fields = ("households", "individuals", "f_children", "f_adults", "m_children", "m_adults", "with_disability")

    def rows(self, filters):
        return selectors.fivew_rows(self.request.user, filters)


@extend_schema(responses=_listing("IndicatorResults", IndicatorResultSerializer), parameters=PARAMETERS)
class IndicatorResultViewSet(_ReportViewSet):
    """Targets against reached per indicator, summed over the targets inside the filters."""

    allowed_roles = (Role.MANAGER, Role.ADMIN)
    serializer_class = IndicatorResultSerializer
    count_fields = ("reached", "female", "male")

    def rows(self, filters):
        return selectors.indicator_results(self.request.user, filters)
