"""Shapes of the targeting pages' input. Forms check shape only; services decide and save."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import AdminLevel
from core.pcodes import normalise_pcode
from core.tabular import is_xlsx
from core.uploads import check_upload

from . import rules, selectors
from .models import DtmSource, PopulationGroup

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
LEVEL_CHOICES = [
    (AdminLevel.ADMIN1, _("Province / governorate")),
    (AdminLevel.ADMIN2, _("District")),
    (AdminLevel.SETTLEMENT, _("Settlement / community")),
]


class DateInput(forms.DateInput):
    input_type = "date"


class DtmImportForm(forms.Form):
    file = forms.FileField(
        label=_("DTM file"),
        help_text=_("CSV (UTF-8) or XLSX, with its header row and, if it has one, the HXL tag row under it."),
    )
    source = forms.ChoiceField(label=_("DTM product"), choices=DtmSource.choices)
    round_label = forms.CharField(label=_("Round"), max_length=60, help_text=_("e.g. 'Round 16' or 'Master list 130'"))
    reporting_date = forms.DateField(label=_("Reporting date"), widget=DateInput)
    admin_level = forms.TypedChoiceField(
        label=_("Store figures per"),
        choices=[("", _("The finest level in the file")), *LEVEL_CHOICES],
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("A coarser level adds the rows up: settlements into their district."),
    )
    sheet = forms.CharField(
        label=_("Sheet"),
        max_length=100,
        required=False,
        help_text=_("For a workbook: the sheet to read (the first by default)."),
    )
    validate_only = forms.BooleanField(
        label=_("Only check the file: report every problem and write nothing"), required=False
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not (is_xlsx(name) or name.endswith(".csv")):
            raise forms.ValidationError(_("Choose a .csv or .xlsx file."))
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)s MB; split it by province.")
                % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        return check_upload(upload, allowed=(".csv", ".xlsx", ".xlsm"), max_bytes=MAX_UPLOAD_BYTES)

    def clean_reporting_date(self):
        value = self.cleaned_data["reporting_date"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The reporting date cannot be in the future."))
        return value


class WeightsForm(forms.Form):
    """One weight per indicator; a weight of zero leaves the indicator out."""

    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, weights: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        weights = weights or {}
        for key, indicator in rules.INDICATORS.items():
            self.fields[f"weight_{key}"] = forms.DecimalField(
                label=indicator.label,
                min_value=Decimal(0),
                max_value=Decimal(1000),
                max_digits=7,
                decimal_places=3,
                initial=weights.get(key, 0),
                required=False,
            )

    def weights(self) -> dict[str, Decimal]:
        return {
            key: self.cleaned_data.get(f"weight_{key}") or Decimal(0)
            for key in rules.INDICATORS
            if self.cleaned_data.get(f"weight_{key}")
        }

    def weight_fields(self):
        return [self[f"weight_{key}"] for key in rules.INDICATORS]


class ScoringModelForm(WeightsForm):
    name = forms.CharField(label=_("Name"), max_length=120)

    field_order = ["name", "description"]


class RoundForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=160, help_text=_("e.g. '2026 district targeting, east region'"))
    area = forms.ModelChoiceField(label=_("Rank areas inside"), queryset=None)
    admin_level = forms.TypedChoiceField(label=_("Rank"), choices=LEVEL_CHOICES, coerce=int, initial=AdminLevel.ADMIN2)
    scoring_model = forms.ModelChoiceField(label=_("Scoring model"), queryset=None)
    datasets = forms.ModelMultipleChoiceField(label=_("Datasets"), queryset=None, widget=forms.CheckboxSelectMultiple)
    comparison_dataset = forms.ModelChoiceField(
        label=_("Compare with (earlier round)"),
        queryset=None,
        required=False,
        help_text=_("Needed when the model weighs growth between rounds."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = selectors.rankable_areas_for_user(user)
        self.fields["scoring_model"].queryset = selectors.active_scoring_models_for_user(user)
        self.fields["datasets"].queryset = selectors.datasets_for_user(user)
        self.fields["comparison_dataset"].queryset = selectors.datasets_for_user(user)


class SelectAreaForm(forms.Form):
    area = forms.CharField(widget=forms.HiddenInput)
    rationale = forms.CharField(
        label=_("Why this area"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        help_text=_("The evidence and considerations behind the choice; it is kept with the approval."),
    )

    def clean_area(self):
        return normalise_pcode(self.cleaned_data["area"])


class DeselectForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)


class ApproveForm(forms.Form):
    rationale = forms.CharField(
        label=_("Rationale for the selection"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=8000,
        help_text=_(
            "What the selection as a whole is based on. Approving replaces this organisation's earlier "
            "approved selection for the same area."
        ),
    )


class FigureFilterForm(forms.Form):
    within = forms.CharField(label=_("Inside P-code"), max_length=20, required=False)
    population_group = forms.ChoiceField(
        label=_("Population group"), choices=[("", _("All")), *PopulationGroup.choices], required=False
    )
    period = forms.ChoiceField(label=_("Period"), choices=[("", _("All"))], required=False)

    def __init__(self, *args, periods: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [("", _("All")), *((p, p) for p in periods)]

    def clean_within(self):
        return normalise_pcode(self.cleaned_data["within"])


class TargetAreaFilterForm(forms.Form):
    within = forms.CharField(label=_("Inside P-code"), max_length=20, required=False)

    def clean_within(self):
        return normalise_pcode(self.cleaned_data["within"])
