"""Shapes of the community planning forms. They check input; the services save."""

from __future__ import annotations

from functools import reduce
from operator import or_

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from core.models import AdminArea, AdminLevel, Organisation

from .models import (
    ActionStatus,
    CouncilRole,
    Currency,
    ParticipantGroup,
    PlanStatus,
    RaisedBy,
    Sector,
    Sex,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _blank(choices, label=None):
    return [("", label or "—"), *choices]


class TargetAreaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.area.name} ({obj.area.pcode}) · {obj.round.name}"


class ReasonMixin:
    """Adds a required "reason" field when the plan is signed: the change becomes a revision."""

    def _add_reason(self, needs_reason: bool) -> None:
        if needs_reason:
            self.fields["reason"] = forms.CharField(
                label=_("Reason for this revision"),
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=_("The plan is approved: the change is kept as a revision with this reason."),
            )


def _settlements_of(target_area) -> QuerySet[AdminArea]:
    if target_area is None:
        return AdminArea.objects.none()
    return AdminArea.objects.filter(
        path__startswith=target_area.area.path, level=AdminLevel.SETTLEMENT, is_active=True
    ).order_by("name")


def _settlements_in(target_areas) -> QuerySet[AdminArea]:
    """Settlements inside any of ``target_areas`` (already the user's approved, scoped target areas)."""
    paths = list(target_areas.values_list("area__path", flat=True))
    if not paths:
        return AdminArea.objects.none()
    inside = reduce(or_, (Q(path__startswith=p) for p in paths))
    return AdminArea.objects.filter(inside, level=AdminLevel.SETTLEMENT, is_active=True).order_by("name")


class CouncilForm(forms.Form):
    target_area = TargetAreaChoiceField(label=_("Target area"), queryset=None)
    name = forms.CharField(label=_("Name"), max_length=200)
    settlement = forms.ModelChoiceField(label=_("Community (settlement)"), queryset=None, required=False)
    registration_code = forms.CharField(label=_("Registration number"), max_length=60, required=False)
    established_on = forms.DateField(label=_("Established on"), required=False, widget=DateInput())
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, target_areas, target_area=None, **kwargs):
        super().__init__(*args, **kwargs)
        if target_area is not None:
            del self.fields["target_area"]
            self.fields["settlement"].queryset = _settlements_of(target_area)
        else:
            self.fields["target_area"].queryset = target_areas
            self.fields["settlement"].queryset = _settlements_in(target_areas)


class CouncilMemberForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, widget=forms.RadioSelect)
    role = forms.ChoiceField(label=_("Role"), choices=CouncilRole.choices, initial=CouncilRole.MEMBER)
    population_group = forms.ChoiceField(
        label=_("Population group"), choices=_blank(ParticipantGroup.choices), required=False
    )
    joined_on = forms.DateField(label=_("Joined on"), required=False, widget=DateInput())
    left_on = forms.DateField(label=_("Left on"), required=False, widget=DateInput())


class RemoveForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)


class WorkshopForm(forms.Form):
    target_area = TargetAreaChoiceField(label=_("Target area"), queryset=None)
    held_on = forms.DateField(label=_("Date"), widget=DateInput())
    place = forms.CharField(label=_("Place"), max_length=200)
    settlement = forms.ModelChoiceField(label=_("Settlement"), queryset=None, required=False)
    council = forms.ModelChoiceField(label=_("Council"), queryset=None, required=False)
    facilitators = forms.CharField(
        label=_("Facilitators"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Names and organisations, one per line."),
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, target_areas, councils, target_area=None, **kwargs):
        super().__init__(*args, **kwargs)
        if target_area is not None:
            del self.fields["target_area"]
            self.fields["settlement"].queryset = _settlements_of(target_area)
            self.fields["council"].queryset = councils.filter(target_area=target_area)
        else:
            self.fields["target_area"].queryset = target_areas
            self.fields["council"].queryset = councils
            self.fields["settlement"].queryset = _settlements_in(target_areas)
        for group, label in ParticipantGroup.choices:
            self.fields[f"women_{group}"] = forms.IntegerField(
                label=_("Women: %(group)s") % {"group": label}, min_value=0, required=False, initial=0
            )
            self.fields[f"men_{group}"] = forms.IntegerField(
                label=_("Men: %(group)s") % {"group": label}, min_value=0, required=False, initial=0
            )

    def detail_fields(self):
        return [f for f in self.visible_fields() if not f.name.startswith(("women_", "men_"))]

    def participation_rows(self):
        return [
            {"group": label, "women": self[f"women_{group}"], "men": self[f"men_{group}"]}
            for group, label in ParticipantGroup.choices
        ]

    def participation(self) -> dict[str, tuple[int, int]]:
        data = self.cleaned_data
        return {
            group: (data.get(f"women_{group}") or 0, data.get(f"men_{group}") or 0) for group in ParticipantGroup.values
        }

    @staticmethod
    def initial_participation(workshop) -> dict:
        initial = {}
        for row in workshop.participation.all():
            initial[f"women_{row.group}"] = row.women
            initial[f"men_{row.group}"] = row.men
        return initial


class WorkshopChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.held_on:%Y-%m-%d} · {obj.place}"


class PlanForm(ReasonMixin, forms.Form):
    target_area = TargetAreaChoiceField(label=_("Target area"), queryset=None)
    title = forms.CharField(label=_("Title"), max_length=200, help_text=_("e.g. Khogyani community action plan"))
    period_start = forms.DateField(label=_("Period from"), widget=DateInput())
    period_end = forms.DateField(label=_("Period to"), widget=DateInput())
    council = forms.ModelChoiceField(label=_("Council"), queryset=None, required=False)
    workshops = WorkshopChoiceField(
        label=_("Planning workshops"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    vision = forms.CharField(
        label=_("Community vision"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("In the community's words: what the plan should achieve."),
    )

    def __init__(self, *args, target_areas=None, councils, workshops, target_area=None, needs_reason=False, **kw):
        super().__init__(*args, **kw)
        if target_area is not None:
            del self.fields["target_area"]
            councils = councils.filter(target_area=target_area)
            workshops = workshops.filter(target_area=target_area)
        else:
            self.fields["target_area"].queryset = target_areas
        self.fields["council"].queryset = councils
        self.fields["workshops"].queryset = workshops
        self._add_reason(needs_reason)

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period cannot end before it starts."))
        return data


class PriorityForm(ReasonMixin, forms.Form):
    sector = forms.ChoiceField(label=_("Sector"), choices=_blank(Sector.choices))
    title = forms.CharField(label=_("Priority"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    raised_by = forms.MultipleChoiceField(
        label=_("Raised by"), choices=RaisedBy.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    raised_by_note = forms.CharField(label=_("Raised by (details)"), max_length=200, required=False)
    votes = forms.IntegerField(label=_("Votes"), min_value=0, required=False)
    rank = forms.IntegerField(
        label=_("Agreed rank"), min_value=1, max_value=999, required=False, help_text=_("1 is the first priority.")
    )

    def __init__(self, *args, needs_reason=False, **kwargs):
        super().__init__(*args, **kwargs)
        self._add_reason(needs_reason)


class ActionForm(ReasonMixin, forms.Form):
    description = forms.CharField(label=_("Action"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    responsible_organisation = forms.ModelChoiceField(
        label=_("Responsible organisation"),
        queryset=Organisation.objects.filter(is_active=True).order_by("acronym"),
        required=False,
    )
    responsible_other = forms.CharField(
        label=_("Responsible (other)"),
        max_length=200,
        required=False,
        help_text=_("When not an organisation in the list: e.g. the CDC, the district health directorate."),
    )
    budget = forms.DecimalField(label=_("Budget"), min_value=0, max_digits=14, decimal_places=2, required=False)
    currency = forms.ChoiceField(label=_("Currency"), choices=_blank(Currency.choices), required=False)
    start_on = forms.DateField(label=_("Start"), required=False, widget=DateInput())
    end_on = forms.DateField(label=_("End"), required=False, widget=DateInput())
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices, initial=ActionStatus.PLANNED)

    def __init__(self, *args, needs_reason=False, **kwargs):
        super().__init__(*args, **kwargs)
        self._add_reason(needs_reason)


class ActionProgressForm(forms.Form):
    """What field staff may change on an approved plan: an action's status, with the reason."""

    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices)
    reason = forms.CharField(
        label=_("What happened"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept as a revision of the approved plan."),
    )


class TransitionForm(forms.Form):
    verb = forms.CharField(widget=forms.HiddenInput)
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class PlanFilterForm(forms.Form):
    target_area = TargetAreaChoiceField(label=_("Target area"), queryset=None, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=_blank(PlanStatus.choices, _("Any")), required=False)

    def __init__(self, *args, target_areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_area"].queryset = target_areas


class TargetAreaFilterForm(forms.Form):
    target_area = TargetAreaChoiceField(label=_("Target area"), queryset=None, required=False)

    def __init__(self, *args, target_areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_area"].queryset = target_areas
