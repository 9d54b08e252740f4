"""Shapes of the assistance pages' input. Forms check shape only; services decide and save."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import CalendarDateField
from core.models import AdminArea, Organisation
from core.pcodes import normalise_pcode
from core.sectors import Sector
from profiling.models import DisplacementStatus, Sex
from profiling.rules import BAND_LABELS

from . import selectors
from .models import (
    ActivityType,
    BeneficiaryKind,
    CountBy,
    Currency,
    GrantKind,
    Indicator,
    Modality,
    ProjectStatus,
    ProjectType,
    RecordStatus,
)

ANY = _("Any")


def _any(choices, label=ANY):
    return [("", label), *choices]


class AreaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: AdminArea) -> str:
        parent = f" — {obj.parent.name}" if obj.parent_id and obj.level == 3 else ""
        return f"{obj.display_name} ({obj.pcode}){parent}"


class CapActionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.priority.plan.title} — {obj.description}"


def cap_action_field() -> CapActionChoiceField:
    return CapActionChoiceField(
        label=_("CAP action carried out"),
        queryset=None,
        required=False,
        empty_label=_("None"),
        help_text=_("An action of an approved Community Action Plan for this area."),
    )


class ActivityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ActivityType) -> str:
        return f"{obj.sector} · {obj.name}"


class UserForm(forms.Form):
    """A form that knows who fills it in: dates in the user's calendar, choices in the user's scope."""

    date_fields: tuple[str, ...] = ()

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        for name in self.date_fields:
            if name in self.fields:
                self.fields[name].use_calendar(getattr(user, "calendar", "gregorian"))


# --- reference data -----------------------------------------------------------------------------------


class ActivityTypeForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=40, help_text=_("Short and stable, e.g. shl-repair."))
    sector = forms.ChoiceField(label=_("Sector"), choices=Sector.choices)
    name = forms.CharField(label=_("Name"), max_length=160)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    unit = forms.CharField(label=_("Unit"), max_length=40, help_text=_("kit, latrine, grant, session…"))
    modality = forms.ChoiceField(label=_("Modality"), choices=Modality.choices)
    beneficiary = forms.ChoiceField(label=_("Given to"), choices=BeneficiaryKind.choices)
    once_only = forms.BooleanField(label=_("Given only once per beneficiary"), required=False)
    repeat_window_days = forms.IntegerField(
        label=_("Repeat window (days)"),
        min_value=0,
        max_value=36500,
        required=False,
        help_text=_("Days before the same beneficiary may receive it again; 0 for no limit."),
    )
    overlap_group = forms.SlugField(
        label=_("Overlap group"),
        max_length=40,
        required=False,
        help_text=_("Activities sharing a group count as the same for the repeat window."),
    )
    grant_kind = forms.ChoiceField(
        label=_("Return grant"), choices=_any(GrantKind.choices, _("Not a grant")), required=False
    )
    default_quantity = forms.DecimalField(label=_("Default quantity"), min_value=0, max_digits=10, decimal_places=2)
    default_amount = forms.DecimalField(
        label=_("Default amount"), min_value=0, max_digits=12, decimal_places=2, required=False
    )
    default_currency = forms.ChoiceField(label=_("Currency"), choices=_any(Currency.choices, "—"), required=False)
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True)

    def clean(self):
        data = super().clean()
        if not data.get("once_only") and data.get("repeat_window_days") is None and "repeat_window_days" in data:
            self.add_error("repeat_window_days", _("Give the window in days, or tick 'given only once'."))
        return data

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        once_only = data.pop("once_only")
        if once_only:
            data["repeat_window_days"] = None
        return data

    @staticmethod
    def initial_for(activity_type: ActivityType) -> dict:
        names = ActivityTypeForm.base_fields.keys() - {"once_only"}
        initial = {name: getattr(activity_type, name) for name in names}
        initial["once_only"] = activity_type.repeat_window_days is None
        return initial


class ProgrammeForm(UserForm):
    date_fields = ("start_date", "end_date")
    code = forms.SlugField(label=_("Code"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=200)
    donor = forms.ModelChoiceField(label=_("Donor"), queryset=Organisation.objects.none(), required=False)
    start_date = CalendarDateField(label=_("Start"))
    end_date = CalendarDateField(label=_("End"))
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["donor"].queryset = selectors.donors()


class IndicatorForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=40, allow_unicode=False)
    name = forms.CharField(label=_("Name"), max_length=200)
    sector = forms.ChoiceField(label=_("Sector"), choices=Sector.choices)
    unit = forms.CharField(label=_("Unit"), max_length=40, help_text=_("households, people, health centres…"))
    count_by = forms.ChoiceField(label=_("Reached is counted as"), choices=CountBy.choices)
    activity_types = forms.ModelMultipleChoiceField(
        label=_("Activities that count"),
        queryset=ActivityType.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    project_types = forms.MultipleChoiceField(
        label=_("Project types that count"),
        choices=ProjectType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    description = forms.CharField(
        label=_("How it is measured"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True)

    @staticmethod
    def initial_for(indicator: Indicator) -> dict:
        return {
            "code": indicator.code,
            "name": indicator.name,
            "sector": indicator.sector,
            "unit": indicator.unit,
            "count_by": indicator.count_by,
            "activity_types": list(indicator.activity_types.all()),
            "project_types": indicator.project_types,
            "description": indicator.description,
            "is_active": indicator.is_active,
        }


class TargetForm(UserForm):
    date_fields = ("period_start", "period_end")
    indicator = forms.ModelChoiceField(label=_("Indicator"), queryset=Indicator.objects.none())
    programme = forms.ModelChoiceField(
        label=_("Programme"), queryset=None, required=False, empty_label=_("All of the organisation's work")
    )
    area = AreaChoiceField(label=_("Area"), queryset=AdminArea.objects.none())
    period_start = CalendarDateField(label=_("From"))
    period_end = CalendarDateField(label=_("To"))
    value = forms.IntegerField(label=_("Target"), min_value=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = selectors.indicators_for_user(self.user)
        self.fields["programme"].queryset = selectors.programmes_for_user(self.user).filter(is_active=True)
        self.fields["area"].queryset = selectors.reporting_areas_for_user(self.user)


class TargetFilterForm(UserForm):
    sector = forms.ChoiceField(label=_("Sector"), choices=_any(Sector.choices), required=False)
    programme = forms.ModelChoiceField(label=_("Programme"), queryset=None, required=False, empty_label=_("Any"))
    area = forms.CharField(label=_("Area P-code"), required=False, max_length=20)
    current = forms.BooleanField(label=_("Current periods only"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = selectors.programmes_for_user(self.user)


# --- assistance records --------------------------------------------------------------------------------


class RecordFilterForm(UserForm):
    date_fields = ("delivered_from", "delivered_to")
    text = forms.CharField(
        label=_("Household"), required=False, max_length=100, help_text=_("Reference or head's name")
    )
    status = forms.ChoiceField(label=_("Status"), choices=_any(RecordStatus.choices), required=False)
    sector = forms.ChoiceField(label=_("Sector"), choices=_any(Sector.choices), required=False)
    activity_type = ActivityChoiceField(
        label=_("Activity"), queryset=ActivityType.objects.all(), required=False, empty_label=_("Any")
    )
    area = forms.CharField(label=_("Area P-code"), required=False, max_length=20)
    implementing_organisation = forms.ModelChoiceField(
        label=_("Implemented by"), queryset=Organisation.objects.none(), required=False, empty_label=_("Any")
    )
    programme = forms.ModelChoiceField(label=_("Programme"), queryset=None, required=False, empty_label=_("Any"))
    delivered_from = CalendarDateField(label=_("Delivered from"), required=False, help_text="")
    delivered_to = CalendarDateField(label=_("Delivered to"), required=False, help_text="")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["implementing_organisation"].queryset = selectors.implementers()
        self.fields["programme"].queryset = selectors.programmes_for_user(self.user)

    def filters(self) -> selectors.RecordFilters:
        if not self.is_valid():
            return selectors.RecordFilters(status="__invalid__")
        data = self.cleaned_data
        area_path = ""
        if data.get("area"):
            area_path = (
                AdminArea.objects.filter(pcode=normalise_pcode(data["area"])).values_list("path", flat=True).first()
                or "__none__/"
            )
        return selectors.RecordFilters(
            status=data.get("status") or "",
            sector=data.get("sector") or "",
            activity_type_id=data["activity_type"].pk if data.get("activity_type") else None,
            area_path=area_path,
            implementing_organisation_id=data["implementing_organisation"].pk
            if data.get("implementing_organisation")
            else None,
            programme_id=data["programme"].pk if data.get("programme") else None,
            delivered_from=data.get("delivered_from"),
            delivered_to=data.get("delivered_to"),
            text=data.get("text") or "",
        )


class _MoneyFields(UserForm):
    quantity = forms.DecimalField(label=_("Quantity"), min_value=0, max_digits=10, decimal_places=2, required=False)
    amount = forms.DecimalField(label=_("Amount"), min_value=0, max_digits=12, decimal_places=2, required=False)
    currency = forms.ChoiceField(label=_("Currency"), choices=_any(Currency.choices, "—"), required=False)
    implementing_organisation = forms.ModelChoiceField(
        label=_("Implemented by"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("My organisation"),
    )
    donor = forms.ModelChoiceField(label=_("Donor"), queryset=Organisation.objects.none(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["implementing_organisation"].queryset = selectors.implementers()
        self.fields["donor"].queryset = selectors.donors()


class PlanForm(_MoneyFields):
    """Plan one activity for a household (or one of its members)."""

    date_fields = ("planned_date",)
    activity_type = ActivityChoiceField(label=_("Activity"), queryset=ActivityType.objects.none())
    member = forms.ModelChoiceField(
        label=_("Person"),
        queryset=None,
        required=False,
        empty_label=_("The whole household"),
        help_text=_("For activities given to a person (apprenticeship, MHPSS…)."),
    )
    planned_date = CalendarDateField(label=_("Planned date"), required=False)
    programme = forms.ModelChoiceField(label=_("Programme"), queryset=None, required=False)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    field_order = ["activity_type", "member", "planned_date", "programme", "quantity", "amount", "currency"]

    def __init__(self, *args, household, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity_type"].queryset = selectors.activity_types_for_user(self.user)
        self.fields["member"].queryset = household.members.all().order_by("pk")
        self.fields["programme"].queryset = selectors.programmes_for_user(self.user).filter(is_active=True)


class DeliverForm(_MoneyFields):
    """What was actually handed over, when."""

    date_fields = ("delivered_on",)
    delivered_on = CalendarDateField(label=_("Delivered on"))
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    field_order = ["delivered_on", "quantity", "amount", "currency", "implementing_organisation", "donor", "notes"]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("delivered_on", timezone.localdate())
        super().__init__(*args, **kwargs)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class DecisionForm(forms.Form):
    note = forms.CharField(
        label=_("Note"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when returning the list: say what needs to change."),
    )


class DistributionForm(UserForm):
    """Records ticked on a distribution page and the date they were handed over."""

    date_fields = ("delivered_on",)
    records = forms.TypedMultipleChoiceField(label=_("Households"), coerce=int, choices=())
    delivered_on = CalendarDateField(label=_("Handed over on"))

    def __init__(self, *args, record_ids, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("delivered_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["records"].choices = [(pk, pk) for pk in record_ids]
        self.fields["records"].error_messages["required"] = _("Tick at least one household.")
        self.fields["records"].error_messages["invalid_choice"] = _(
            "A ticked household is no longer waiting for this distribution. Reload the page."
        )


class DistributionChooseForm(UserForm):
    activity_type = ActivityChoiceField(label=_("Activity"), queryset=ActivityType.objects.none())
    settlement = forms.CharField(label=_("Settlement P-code"), max_length=20)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity_type"].queryset = selectors.activity_types_for_user(self.user)

    def clean_settlement(self):
        pcode = normalise_pcode(self.cleaned_data["settlement"])
        try:
            return selectors.settlement_get_for_user(user=self.user, pcode=pcode)
        except AdminArea.DoesNotExist:
            raise forms.ValidationError(_("%(code)s is not a settlement in your areas.") % {"code": pcode}) from None


# --- beneficiary lists ---------------------------------------------------------------------------------


class ListBuilderForm(_MoneyFields):
    """Profiling filters and the plan of a beneficiary list."""

    date_fields = ("planned_date",)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    activity_type = ActivityChoiceField(label=_("Activity"), queryset=ActivityType.objects.none())
    area = AreaChoiceField(
        label=_("Area"),
        queryset=AdminArea.objects.none(),
        help_text=_("A target area or a settlement inside one."),
    )
    planned_date = CalendarDateField(label=_("Planned distribution date"))
    programme = forms.ModelChoiceField(label=_("Programme"), queryset=None, required=False)
    cap_action = cap_action_field()
    displacement_statuses = forms.MultipleChoiceField(
        label=_("Displacement status"),
        choices=DisplacementStatus.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: any."),
    )
    vulnerability_bands = forms.MultipleChoiceField(
        label=_("Vulnerability"),
        choices=(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: any."),
    )
    household_disability = forms.ChoiceField(
        label=_("Member with a disability"),
        choices=[("", _("Any household")), ("with", _("Households with one")), ("without", _("Households without"))],
        required=False,
    )
    sexes = forms.MultipleChoiceField(
        label=_("Sex (activities given to a person)"),
        choices=Sex.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    min_age = forms.IntegerField(label=_("From age"), min_value=0, max_value=120, required=False)
    max_age = forms.IntegerField(label=_("To age"), min_value=0, max_value=120, required=False)
    member_disability = forms.BooleanField(label=_("Only people with a disability"), required=False)

    field_order = [
        "activity_type",
        "area",
        "planned_date",
        "title",
        "programme",
        "cap_action",
        "displacement_statuses",
        "vulnerability_bands",
        "household_disability",
        "sexes",
        "min_age",
        "max_age",
        "member_disability",
        "quantity",
        "amount",
        "currency",
        "implementing_organisation",
        "donor",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity_type"].queryset = selectors.activity_types_for_user(self.user)
        self.fields["area"].queryset = selectors.planning_areas_for_user(self.user)
        self.fields["programme"].queryset = selectors.programmes_for_user(self.user).filter(is_active=True)
        self.fields["cap_action"].queryset = selectors.cap_actions_to_carry_out(self.user)
        bands = selectors.vulnerability_bands_for_user(self.user)
        self.fields["vulnerability_bands"].choices = [
            (b, _(BAND_LABELS.get(b, b.replace("_", " ").capitalize()))) for b in bands
        ]

    def clean(self):
        data = super().clean()
        low, high = data.get("min_age"), data.get("max_age")
        if low is not None and high is not None and high < low:
            self.add_error("max_age", _("The upper age is below the lower age."))
        return data

    def criteria(self) -> selectors.ListCriteria:
        data = self.cleaned_data
        return selectors.ListCriteria(
            displacement_statuses=tuple(data.get("displacement_statuses") or ()),
            vulnerability_bands=tuple(data.get("vulnerability_bands") or ()),
            household_disability=data.get("household_disability") or "",
            sexes=tuple(data.get("sexes") or ()),
            min_age=data.get("min_age"),
            max_age=data.get("max_age"),
            member_disability=bool(data.get("member_disability")),
        )

    def default_title(self) -> str:
        data = self.cleaned_data
        return (
            data.get("title") or f"{data['activity_type'].name} · {data['area'].display_name} · {data['planned_date']}"
        )


class ListRemoveForm(forms.Form):
    records = forms.TypedMultipleChoiceField(label=_("Households"), coerce=int, choices=())

    def __init__(self, *args, record_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["records"].choices = [(pk, pk) for pk in record_ids]
        self.fields["records"].error_messages["required"] = _("Tick the households to take off the list.")


# --- community projects -----------------------------------------------------------------------------


class ProjectForm(UserForm):
    date_fields = ("start_date", "planned_end_date")
    name = forms.CharField(label=_("Name"), max_length=200)
    project_type = forms.ChoiceField(label=_("Type"), choices=ProjectType.choices)
    sector = forms.ChoiceField(label=_("Sector"), choices=Sector.choices)
    area = AreaChoiceField(label=_("Place"), queryset=AdminArea.objects.none())
    programme = forms.ModelChoiceField(label=_("Programme"), queryset=None, required=False)
    cap_action = cap_action_field()
    implementing_organisation = forms.ModelChoiceField(
        label=_("Implemented by"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("My organisation"),
    )
    donor = forms.ModelChoiceField(label=_("Donor"), queryset=Organisation.objects.none(), required=False)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    budget = forms.DecimalField(label=_("Budget"), min_value=0, max_digits=14, decimal_places=2, required=False)
    currency = forms.ChoiceField(label=_("Currency"), choices=_any(Currency.choices, "—"), required=False)
    start_date = CalendarDateField(label=_("Start"), required=False)
    planned_end_date = CalendarDateField(label=_("Planned end"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = selectors.planning_areas_for_user(self.user)
        self.fields["programme"].queryset = selectors.programmes_for_user(self.user).filter(is_active=True)
        self.fields["cap_action"].queryset = selectors.cap_actions_to_carry_out(self.user)
        self.fields["implementing_organisation"].queryset = selectors.implementers()
        self.fields["donor"].queryset = selectors.donors()

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data


class ProgressForm(UserForm):
    date_fields = ("reported_on",)
    reported_on = CalendarDateField(label=_("As of"))
    status = forms.ChoiceField(label=_("Status"), choices=ProjectStatus.choices)
    progress_percent = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
    note = forms.CharField(label=_("What happened"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    households_reached = forms.IntegerField(label=_("Households reached"), min_value=0, required=False)
    reached_f_0_5 = forms.IntegerField(label=_("Girls 0-5"), min_value=0, required=False)
    reached_m_0_5 = forms.IntegerField(label=_("Boys 0-5"), min_value=0, required=False)
    reached_f_6_17 = forms.IntegerField(label=_("Girls 6-17"), min_value=0, required=False)
    reached_m_6_17 = forms.IntegerField(label=_("Boys 6-17"), min_value=0, required=False)
    reached_f_18_59 = forms.IntegerField(label=_("Women 18-59"), min_value=0, required=False)
    reached_m_18_59 = forms.IntegerField(label=_("Men 18-59"), min_value=0, required=False)
    reached_f_60 = forms.IntegerField(label=_("Women 60+"), min_value=0, required=False)
    reached_m_60 = forms.IntegerField(label=_("Men 60+"), min_value=0, required=False)
    reached_with_disability = forms.IntegerField(label=_("People with disability"), min_value=0, required=False)

    REACHED = (
        "reached_f_0_5",
        "reached_m_0_5",
        "reached_f_6_17",
        "reached_m_6_17",
        "reached_f_18_59",
        "reached_m_18_59",
        "reached_f_60",
        "reached_m_60",
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("reported_on", timezone.localdate())
        super().__init__(*args, **kwargs)

    def service_values(self) -> dict:
        data = self.cleaned_data
        return {
            "reported_on": data["reported_on"],
            "progress_percent": data["progress_percent"],
            "status": data["status"],
            "note": data.get("note") or "",
            "reached": {name: data.get(name) for name in self.REACHED},
            "households_reached": data.get("households_reached"),
            "reached_with_disability": data.get("reached_with_disability"),
        }


class ProjectFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=_any(ProjectStatus.choices), required=False)
    project_type = forms.ChoiceField(label=_("Type"), choices=_any(ProjectType.choices), required=False)
    sector = forms.ChoiceField(label=_("Sector"), choices=_any(Sector.choices), required=False)
    area = forms.CharField(label=_("Area P-code"), required=False, max_length=20)
