"""Filters of the household list (browser) and of the profiling API endpoints (django-filter)."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from core.api.filters import AreaPcodeFilter, UpdatedSinceFilterSet, text_q

from . import rules
from .models import (
    AssessmentKind,
    CommunityAssessment,
    DisplacementStatus,
    Facility,
    FunctioningStatus,
    Household,
    Intention,
    Member,
    Sector,
)


class HouseholdFilter(UpdatedSinceFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search", help_text=_("Reference, head's name or phone"))
    area = AreaPcodeFilter(field_name="settlement", label=_("Settlement or district P-code"))
    displacement_status = django_filters.ChoiceFilter(label=_("Status"), choices=DisplacementStatus.choices)
    intention = django_filters.ChoiceFilter(label=_("Intention"), choices=Intention.choices)
    vulnerability_band = django_filters.ChoiceFilter(
        label=_("Vulnerability"),
        choices=[(code, _(label)) for code, label in rules.BAND_LABELS.items()],
    )
    arrived_from = django_filters.DateFilter(
        field_name="arrival_date", lookup_expr="gte", label=_("Arrived from"), widget=forms.DateInput({"type": "date"})
    )
    arrived_until = django_filters.DateFilter(
        field_name="arrival_date", lookup_expr="lte", label=_("Arrived until"), widget=forms.DateInput({"type": "date"})
    )
    disability = django_filters.BooleanFilter(label=_("Member with a disability"), method="with_disability")
    duplicates = django_filters.BooleanFilter(
        label=_("Marked as duplicate"), field_name="duplicate_of", lookup_expr="isnull", exclude=True
    )

    class Meta:
        model = Household
        fields = ["q", "area", "displacement_status", "intention", "vulnerability_band"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        key = rules.phone_key(value)
        query = text_q(value, "reference", "head_name")
        if key:
            query |= Q(phone_key=key)
        return queryset.filter(query)

    def with_disability(self, queryset, name, value):
        if value is None:
            return queryset
        disabled = Exists(Member.objects.filter(household=OuterRef("pk"), has_disability=True))
        return queryset.filter(disabled) if value else queryset.exclude(disabled)


class MemberFilter(UpdatedSinceFilterSet):
    area = AreaPcodeFilter(field_name="household__settlement", label="Settlement or district P-code")
    # A plain number: a choice field would answer "not a valid choice" for ids that exist elsewhere.
    household = django_filters.NumberFilter(field_name="household_id", label="Household id")

    class Meta:
        model = Member
        fields = ["sex", "has_disability", "household"]


class AssessmentFilter(UpdatedSinceFilterSet):
    area = AreaPcodeFilter(field_name="area", label=_("Place P-code"))
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=AssessmentKind.choices)

    class Meta:
        model = CommunityAssessment
        fields = ["area", "kind"]


class FacilityFilter(UpdatedSinceFilterSet):
    area = AreaPcodeFilter(field_name="area", label=_("Place P-code"))
    sector = django_filters.ChoiceFilter(label=_("Sector"), choices=Sector.choices)
    status = django_filters.ChoiceFilter(label=_("Functioning"), choices=FunctioningStatus.choices)

    class Meta:
        model = Facility
        fields = ["area", "sector", "status", "facility_type"]
