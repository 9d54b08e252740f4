"""Read endpoints of targeting: DTM datasets and figures (managers, admins) and approved target areas."""

import django_filters

from core.api.filters import AreaPcodeFilter, UpdatedSinceFilterSet
from core.api.views import ScopedReadOnlyViewSet
from core.models import Role
from targeting import selectors
from targeting.models import DtmDataset, DtmFigure, DtmSource, FigureUnit, PopulationGroup, TargetArea

from .serializers import DtmDatasetSerializer, DtmFigureSerializer, TargetAreaSerializer


class DtmDatasetFilter(UpdatedSinceFilterSet):
    source = django_filters.ChoiceFilter(choices=DtmSource.choices)
    reported_since = django_filters.DateFilter(field_name="reporting_date", lookup_expr="gte")
    admin_level = django_filters.NumberFilter(label="1 province, 2 district, 3 settlement")
    country_code = django_filters.CharFilter()

    class Meta:
        model = DtmDataset
        fields = ["source", "admin_level", "country_code"]


class DtmDatasetViewSet(ScopedReadOnlyViewSet):
    """DTM files imported by the organisation, with their round, reporting date and counts."""

    selector = staticmethod(selectors.datasets_for_user)
    serializer_class = DtmDatasetSerializer
    filterset_class = DtmDatasetFilter
    allowed_roles = (Role.MANAGER, Role.ADMIN)
    read_scope = "targeting:read"


class DtmFigureFilter(django_filters.FilterSet):
    pcode = AreaPcodeFilter(field_name="area", label="P-code of an area at any level containing the figures' areas")
    dataset = django_filters.NumberFilter(field_name="dataset_id")
    source = django_filters.ChoiceFilter(field_name="dataset__source", choices=DtmSource.choices)
    population_group = django_filters.ChoiceFilter(choices=PopulationGroup.choices)
    unit = django_filters.ChoiceFilter(choices=FigureUnit.choices)
    period = django_filters.CharFilter()

    class Meta:
        model = DtmFigure
        fields = ["dataset", "population_group", "unit", "period"]


class DtmFigureViewSet(ScopedReadOnlyViewSet):
    """Figures per area, population group, unit and period, inside the user's areas.

    Filter by ``pcode`` (a province, district or settlement: everything inside it), ``population_group``,
    ``unit``, ``period`` (``2016``, ``2012_18``), ``dataset`` or ``source``.
    """

    selector = staticmethod(selectors.figures_for_user)
    serializer_class = DtmFigureSerializer
    filterset_class = DtmFigureFilter
    allowed_roles = (Role.MANAGER, Role.ADMIN)
    read_scope = "targeting:read"


class TargetAreaFilter(UpdatedSinceFilterSet):
    pcode = AreaPcodeFilter(field_name="area", label="P-code of an area at any level containing the target areas")

    class Meta:
        model = TargetArea
        fields = []


class TargetAreaViewSet(ScopedReadOnlyViewSet):
    """Approved target areas inside the user's areas, with the reason each was selected."""

    selector = staticmethod(selectors.target_areas_for_user)
    serializer_class = TargetAreaSerializer
    filterset_class = TargetAreaFilter
    allowed_roles = (Role.FIELD_STAFF, Role.DESK_OFFICER, Role.MANAGER, Role.ADMIN)
    read_scope = "targeting:read"
