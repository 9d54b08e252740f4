"""Shapes of the profiling pages. Forms check what was typed; services decide and save."""

from __future__ import annotations

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from core.forms import CalendarDateField
from core.models import AdminArea
from core.pcodes import normalise_pcode
from core.uploads import check_upload
from targeting.selectors import target_areas_for_user

from . import rules, selectors, services
from .models import (
    BARRIER_CATEGORY,
    WG_DOMAINS,
    AssessmentKind,
    BarrierCategory,
    CommunityAssessment,
    ConsentPurpose,
    DisplacementStatus,
    DocumentType,
    DuplicateStatus,
    Facility,
    Intention,
    LegalBasis,
    Relationship,
    ReturnBarrier,
    Sector,
    Sex,
    ShelterType,
    WGAnswer,
)

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def barrier_choices():
    """Barriers grouped under their category, for grouped checkboxes."""
    groups = []
    for category in BarrierCategory:
        codes = [(b.value, b.label) for b in ReturnBarrier if BARRIER_CATEGORY[b.value] == category.value]
        groups.append((category.label, codes))
    return groups


class PcodeField(forms.CharField):
    """One place typed as a P-code (``AF0608``, ``IRQ-G01``), cleaned to the area."""

    def prepare_value(self, value):
        if isinstance(value, AdminArea):
            return value.pcode
        if isinstance(value, int):
            area = AdminArea.objects.filter(pk=value).first()
            return area.pcode if area else ""
        return value

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        code = normalise_pcode(value)
        area = AdminArea.objects.filter(pcode=code, is_active=True).first()
        if area is None:
            raise forms.ValidationError(_("Unknown P-code %(code)s."), params={"code": code})
        return area


class SettlementChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        district = obj.parent.display_name if obj.parent_id else ""
        return f"{obj.display_name} · {district} ({obj.pcode})"


class HouseholdForm(forms.Form):
    settlement = SettlementChoiceField(
        label=_("Settlement"),
        queryset=AdminArea.objects.none(),
        help_text=_("Only settlements inside approved target areas of your areas are listed."),
    )
    displacement_status = forms.ChoiceField(label=_("Displacement status"), choices=DisplacementStatus.choices)
    arrival_date = CalendarDateField(label=_("Arrival date"), required=False)
    origin = PcodeField(
        label=_("Place of origin (P-code)"),
        required=False,
        max_length=20,
        help_text=_("District or province P-code, e.g. AF0608 or IQG01Q02."),
    )
    shelter_type = forms.ChoiceField(label=_("Shelter"), choices=ShelterType.choices)
    phone = forms.CharField(label=_("Phone"), required=False, max_length=20, widget=forms.TextInput({"type": "tel"}))
    intention = forms.ChoiceField(label=_("Intention"), choices=Intention.choices, initial=Intention.UNDECIDED)
    return_barriers = forms.MultipleChoiceField(
        label=_("Barriers to return"),
        required=False,
        choices=barrier_choices,
        widget=forms.CheckboxSelectMultiple,
    )
    has_income = forms.ChoiceField(label=_("Regular income?"), choices=YES_NO, widget=forms.RadioSelect)
    has_debt = forms.ChoiceField(label=_("In debt?"), choices=YES_NO, widget=forms.RadioSelect)
    latitude = forms.DecimalField(
        label=_("Latitude"), required=False, max_digits=9, decimal_places=6, min_value=-90, max_value=90
    )
    longitude = forms.DecimalField(
        label=_("Longitude"), required=False, max_digits=9, decimal_places=6, min_value=-180, max_value=180
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea({"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    acknowledged = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["settlement"].queryset = selectors.registration_settlements_for_user(user)
        for purpose in ConsentPurpose:
            self.fields[f"consent_{purpose.value}"] = forms.ChoiceField(
                label=purpose.label, choices=YES_NO, widget=forms.RadioSelect
            )
            self.fields[f"basis_{purpose.value}"] = forms.ChoiceField(
                label=_("Legal basis"), choices=LegalBasis.choices, initial=LegalBasis.CONSENT
            )

    def consent_fields(self):
        return [(self[f"consent_{p.value}"], self[f"basis_{p.value}"]) for p in ConsentPurpose]

    def acknowledged_ids(self) -> list[int]:
        text = self.cleaned_data.get("acknowledged") or ""
        return [int(t) for t in text.split(",") if t.strip().isdigit()]

    def household_input(self) -> services.HouseholdInput:
        data = self.cleaned_data
        return services.HouseholdInput(
            settlement=data["settlement"],
            displacement_status=data["displacement_status"],
            shelter_type=data["shelter_type"],
            arrival_date=data["arrival_date"],
            origin=data["origin"],
            phone=data["phone"],
            intention=data["intention"],
            return_barriers=data["return_barriers"],
            has_income=data["has_income"] == "yes",
            has_debt=data["has_debt"] == "yes",
            latitude=data["latitude"],
            longitude=data["longitude"],
            notes=data["notes"],
        )

    def consent_inputs(self) -> list[services.ConsentInput]:
        data = self.cleaned_data
        return [
            services.ConsentInput(
                purpose=p.value, given=data[f"consent_{p.value}"] == "yes", legal_basis=data[f"basis_{p.value}"]
            )
            for p in ConsentPurpose
        ]

    def clean(self):
        data = super().clean()
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            self.add_error("longitude", _("Give both latitude and longitude, or neither."))
        return data


WG_CHOICES = [("", _("Not asked")), *[(str(v), f"{v} · {label}") for v, label in WGAnswer.choices]]


class MemberForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label=_("Name"), max_length=200)
    sex = forms.ChoiceField(label=_("Sex"), choices=[("", "—"), *Sex.choices])
    relationship = forms.ChoiceField(label=_("Relation to head"), choices=[("", "—"), *Relationship.choices])
    date_of_birth = CalendarDateField(label=_("Date of birth"), required=False)
    age = forms.IntegerField(label=_("or age (years)"), required=False, min_value=0, max_value=120)
    chronic_illness = forms.BooleanField(label=_("Chronic illness"), required=False)
    pregnant_or_lactating = forms.BooleanField(label=_("Pregnant or lactating"), required=False)
    documents = forms.MultipleChoiceField(
        label=_("Documents held"), required=False, choices=DocumentType.choices, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import Member

        for domain in WG_DOMAINS:
            self.fields[domain] = forms.TypedChoiceField(
                label=Member._meta.get_field(domain).verbose_name.capitalize(),
                choices=WG_CHOICES,
                required=False,
                coerce=int,
                empty_value=None,
            )

    def wg_fields(self):
        return [self[d] for d in WG_DOMAINS]

    def clean(self):
        data = super().clean()
        if data.get("DELETE"):
            return data
        if data.get("date_of_birth") is None and data.get("age") is None:
            self.add_error("age", _("Give the date of birth or the age."))
        if data.get("pregnant_or_lactating") and data.get("sex") == Sex.MALE:
            self.add_error("pregnant_or_lactating", _("Only a female member can be pregnant or lactating."))
        return data

    def member_input(self) -> services.MemberInput:
        data = self.cleaned_data
        return services.MemberInput(
            id=data.get("id"),
            name=data["name"],
            sex=data["sex"],
            relationship=data["relationship"],
            date_of_birth=data["date_of_birth"],
            age=data["age"] if data["date_of_birth"] is None else None,
            wg={d: data.get(d) for d in WG_DOMAINS},
            chronic_illness=data["chronic_illness"],
            pregnant_or_lactating=data["pregnant_or_lactating"],
            documents=data["documents"],
            delete=bool(data.get("DELETE")),
        )


class BaseMemberFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        live = [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        heads = [f for f in live if f.cleaned_data.get("relationship") == Relationship.HEAD]
        if not live:
            raise forms.ValidationError(_("Add at least the head of household."))
        if len(heads) != 1:
            raise forms.ValidationError(
                _("Exactly one member must be the head of household (now %(n)s)."), params={"n": len(heads)}
            )

    def member_inputs(self) -> list[services.MemberInput]:
        return [f.member_input() for f in self.forms if f.cleaned_data]


MemberFormSet = formset_factory(
    MemberForm, formset=BaseMemberFormSet, extra=0, can_delete=True, min_num=1, validate_min=True, max_num=60
)


def member_formset(data=None, *, initial=None, add: int = 0):
    """The members formset; ``add`` blank rows are appended (the "add a member" button without JS)."""
    if data is not None and add:
        data = data.copy()
        total = int(data.get("members-TOTAL_FORMS", 0) or 0)
        data["members-TOTAL_FORMS"] = str(min(total + add, 60))
    return MemberFormSet(data, initial=initial, prefix="members")


class DuplicateDecisionForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (DuplicateStatus.DUPLICATE, DuplicateStatus.DUPLICATE.label),
            (DuplicateStatus.DISTINCT, DuplicateStatus.DISTINCT.label),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea({"rows": 2}), max_length=1000)


class VulnerabilityModelForm(forms.Form):
    """A new version: one weight per criterion, the two cut-offs and up to five bands."""

    note = forms.CharField(label=_("What changed and why"), widget=forms.Textarea({"rows": 2}), max_length=2000)
    dependency_ratio_above = forms.DecimalField(
        label=_("High dependency: ratio above"), min_value=0.1, max_value=20, decimal_places=2
    )
    household_size_from = forms.IntegerField(label=_("Large household: members from"), min_value=2, max_value=60)
    BAND_ROWS = 5

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code, label in rules.CRITERIA.items():
            self.fields[f"weight_{code}"] = forms.DecimalField(
                label=_(label), min_value=0, max_value=100, decimal_places=2, initial=0
            )
        for i in range(1, self.BAND_ROWS + 1):
            self.fields[f"band_{i}_name"] = forms.SlugField(
                label=_("Band %(n)s name") % {"n": i}, required=False, max_length=20
            )
            self.fields[f"band_{i}_min"] = forms.DecimalField(
                label=_("Band %(n)s from score") % {"n": i}, required=False, min_value=0, decimal_places=2
            )

    @classmethod
    def initial_from(cls, model) -> dict:
        initial = {
            "dependency_ratio_above": model.parameters.get("dependency_ratio_above"),
            "household_size_from": model.parameters.get("household_size_from"),
        }
        for code in rules.CRITERIA:
            initial[f"weight_{code}"] = model.weights.get(code, 0)
        for i, (name, minimum) in enumerate(model.bands, start=1):
            initial[f"band_{i}_name"] = name
            initial[f"band_{i}_min"] = minimum
        return initial

    def weight_fields(self):
        return [self[f"weight_{code}"] for code in rules.CRITERIA]

    def band_fields(self):
        return [(self[f"band_{i}_name"], self[f"band_{i}_min"]) for i in range(1, self.BAND_ROWS + 1)]

    def spec(self) -> tuple[dict, dict, list]:
        data = self.cleaned_data
        weights = {code: float(data[f"weight_{code}"]) for code in rules.CRITERIA}
        parameters = {
            "dependency_ratio_above": float(data["dependency_ratio_above"]),
            "household_size_from": int(data["household_size_from"]),
        }
        bands = [
            [data[f"band_{i}_name"], float(data[f"band_{i}_min"])]
            for i in range(1, self.BAND_ROWS + 1)
            if data.get(f"band_{i}_name") and data.get(f"band_{i}_min") is not None
        ]
        return weights, parameters, bands


class ImportForm(forms.Form):
    households = forms.FileField(
        label=_("Households file (CSV or XLSX)"),
        help_text=_("A KoboToolbox export works as it is: the members repeat group on the second sheet."),
    )
    members = forms.FileField(
        label=_("Members file (CSV, only when households are a CSV)"),
        required=False,
        help_text=_("Rows joined to households by _submission__uuid or _parent_index."),
    )

    def clean_households(self):
        return check_upload(self.cleaned_data["households"], allowed=(".csv", ".xlsx"))

    def clean_members(self):
        upload = self.cleaned_data.get("members")
        if upload and not upload.name.lower().endswith(".csv"):
            raise forms.ValidationError(_("The members file must be a CSV; in a workbook, use its second sheet."))
        return check_upload(upload, allowed=(".csv",)) if upload else upload


class _TargetAreaForm(forms.ModelForm):
    area = PcodeField(
        label=_("Place (P-code)"),
        required=False,
        max_length=20,
        help_text=_("The settlement; leave empty for the target area as a whole."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_area"].queryset = target_areas_for_user(user)
        self.fields["target_area"].label_from_instance = lambda t: f"{t.area.display_name} ({t.area.pcode})"

    def clean(self):
        data = super().clean()
        if data.get("target_area") and not data.get("area"):
            data["area"] = data["target_area"].area
        return data

    def values(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class AssessmentForm(_TargetAreaForm):
    priority_sectors = forms.MultipleChoiceField(
        label=_("Priority sectors"), required=False, choices=Sector.choices, widget=forms.CheckboxSelectMultiple
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=AssessmentKind.choices)

    class Meta:
        model = CommunityAssessment
        fields = [
            "target_area",
            "area",
            "kind",
            "held_on",
            "title",
            "facilitator",
            "informant_role",
            "participants_female",
            "participants_male",
            "households_surveyed",
            "priority_sectors",
            "findings",
        ]
        widgets = {"held_on": DateInput(), "findings": forms.Textarea({"rows": 5})}


class FacilityForm(_TargetAreaForm):
    class Meta:
        model = Facility
        fields = [
            "target_area",
            "area",
            "name",
            "facility_type",
            "sector",
            "status",
            "operator",
            "latitude",
            "longitude",
            "verified_on",
            "notes",
        ]
        widgets = {"verified_on": DateInput(), "notes": forms.Textarea({"rows": 2})}
