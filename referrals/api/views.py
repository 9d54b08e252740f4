"""Endpoints of referrals: the service directory, referrals (with the partner update), walk-ins and the
complaints register. Rows are exactly what the selectors give the user, sensitive cases included only for
holders of the sensitive permission."""

from __future__ import annotations

import django_filters
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.filters import AreaPcodeFilter, UpdatedSinceFilterSet
from core.api.views import ScopedReadOnlyViewSet
from core.audit import audit_read
from core.models import AdminArea
from core.pcodes import normalise_pcode
from core.sectors import Sector
from referrals import rules, selectors, services
from referrals.models import (
    Channel,
    Complaint,
    ComplaintCategory,
    ComplaintStatus,
    Referral,
    ReferralEvent,
    ReferralStatus,
    Service,
    Visit,
)

from .serializers import (
    ComplaintSerializer,
    ReferralSerializer,
    ReferralUpdateSerializer,
    ServiceSerializer,
    VisitSerializer,
)


class ServiceFilter(UpdatedSinceFilterSet):
    sector = django_filters.ChoiceFilter(choices=Sector.choices)
    provider = django_filters.CharFilter(field_name="provider__acronym", label="Acronym of the provider")
    covers = django_filters.CharFilter(method="filter_covers", label="P-code of a place the service must cover")

    class Meta:
        model = Service
        fields = ["sector", "accepts_referrals"]

    def filter_covers(self, queryset, name, value):
        area = AdminArea.objects.filter(pcode=normalise_pcode(value)).first()
        if area is None:
            return queryset.none()
        return queryset.filter(pk__in=Service.objects.filter(selectors.covering_q(area)).values("pk"))


class ServiceViewSet(ScopedReadOnlyViewSet):
    """The service directory: who provides what, where, for whom and how to reach them."""

    serializer_class = ServiceSerializer
    filterset_class = ServiceFilter
    read_scope = "referrals:read"

    @staticmethod
    def selector(user):
        return selectors.services_for_user(user).prefetch_related("areas")


class ReferralFilter(UpdatedSinceFilterSet):
    area = AreaPcodeFilter(field_name="area", label="P-code of an area containing the referral's place")
    status = django_filters.ChoiceFilter(choices=ReferralStatus.choices)
    sector = django_filters.ChoiceFilter(choices=Sector.choices)
    provider = django_filters.CharFilter(field_name="receiving_organisation__acronym", label="Acronym of the provider")
    overdue = django_filters.BooleanFilter(method="filter_overdue", label="Only overdue (true) or not overdue (false)")

    class Meta:
        model = Referral
        fields = ["status", "sector", "urgency"]

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = selectors.overdue_q(timezone.localdate())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)


class ReferralViewSet(ScopedReadOnlyViewSet):
    """Referrals the user may see. A partner (token scope ``referrals:read``) reads those addressed to its
    organisation and, with ``referrals:update``, answers them through ``POST /referrals/{id}/updates/``."""

    serializer_class = ReferralSerializer
    filterset_class = ReferralFilter
    read_scope = "referrals:read"
    write_scope = "referrals:update"
    allowed_roles = tuple(rules.REFERRAL_READER_ROLES)

    @staticmethod
    def selector(user):
        return (
            selectors.referrals_for_user(user)
            .select_related("referred_by")
            .prefetch_related(
                Prefetch(
                    "events",
                    queryset=ReferralEvent.objects.select_related("actor", "actor_organisation").order_by(
                        "occurred_at", "id"
                    ),
                )
            )
        )

    def retrieve(self, request, *args, **kwargs):
        referral = self.get_object()
        if referral.sensitive:
            audit_read(actor=request.user, target=referral)
        return Response(self.get_serializer(referral).data)

    def paginate_queryset(self, queryset):
        """Sensitive rows sent in a page are recorded as read, in one audit event per page."""
        page = super().paginate_queryset(queryset)
        if page is not None:
            services.sensitive_referrals_listed(actor=self.request.user, referrals=page)
        return page

    def get_serializer_class(self):
        if self.action == "updates":
            return ReferralUpdateSerializer
        return ReferralSerializer

    @extend_schema(request=ReferralUpdateSerializer, responses=ReferralSerializer)
    @action(detail=True, methods=["post"])
    def updates(self, request, pk=None):
        """Answer a referral addressed to your organisation: accept, decline (with a reason), start,
        provide; or send feedback or a message to the referring desk (with a note)."""
        referral = self.get_object()
        payload = ReferralUpdateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        try:
            if data["action"] == "feedback":
                services.referral_feedback(actor=request.user, referral=referral, note=data["note"])
            elif data["action"] == "message":
                services.referral_message(actor=request.user, referral=referral, note=data["note"])
            else:
                services.referral_transition(
                    actor=request.user, referral=referral, verb=data["action"], reason=data.get("reason", "")
                )
        except PermissionDenied as refused:
            raise exceptions.PermissionDenied(str(refused)) from None
        fresh = self.get_queryset().get(pk=referral.pk)
        return Response(
            ReferralSerializer(fresh, context=self.get_serializer_context()).data, status=status.HTTP_200_OK
        )


class VisitFilter(UpdatedSinceFilterSet):
    area = AreaPcodeFilter(field_name="centre__area", label="P-code of an area containing the centre")
    visited_from = django_filters.IsoDateTimeFilter(field_name="visited_at", lookup_expr="gte")
    visited_until = django_filters.IsoDateTimeFilter(field_name="visited_at", lookup_expr="lt")

    class Meta:
        model = Visit
        fields = ["centre"]


class VisitViewSet(ScopedReadOnlyViewSet):
    """Walk-ins logged at the Community Resource Centres (staff only)."""

    serializer_class = VisitSerializer
    filterset_class = VisitFilter
    read_scope = "referrals:read"
    allowed_roles = tuple(rules.VISIT_READER_ROLES)

    @staticmethod
    def selector(user):
        return selectors.visits_for_user(user).select_related("centre__area")


class ComplaintFilter(UpdatedSinceFilterSet):
    area = AreaPcodeFilter(field_name="area", label="P-code of an area containing the complaint's place")
    status = django_filters.ChoiceFilter(choices=ComplaintStatus.choices)
    category = django_filters.ChoiceFilter(choices=ComplaintCategory.choices)
    channel = django_filters.ChoiceFilter(choices=Channel.choices)

    class Meta:
        model = Complaint
        fields = ["status", "category", "channel", "kind"]


class ComplaintViewSet(ScopedReadOnlyViewSet):
    """The feedback and complaints register, for the staff who keep it. PSEA complaints reach only PSEA
    focal points; other sensitive complaints only holders of the sensitive permission."""

    serializer_class = ComplaintSerializer
    filterset_class = ComplaintFilter
    read_scope = "referrals:read"
    allowed_roles = tuple(rules.COMPLAINT_READER_ROLES)
    selector = staticmethod(selectors.complaints_for_user)

    def retrieve(self, request, *args, **kwargs):
        complaint = self.get_object()
        audit_read(actor=request.user, target=complaint)
        return Response(self.get_serializer(complaint).data)
