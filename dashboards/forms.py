"""The dashboard's filters: area (any level), period, sector, implementing organisation."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from assistance.selectors import implementers
from core.forms import CalendarDateField
from core.models import AdminArea
from core.sectors import Sector
from core.selectors import area_get
from targeting.models import DtmDataset

from .selectors import DashboardFilters


class DashboardFilterForm(forms.Form):
    area = forms.CharField(
        label=_("Area (P-code)"), required=False, max_length=20, help_text=_("A province, district or settlement.")
    )
    start = CalendarDateField(label=_("From"), required=False)
    end = CalendarDateField(label=_("To"), required=False)
    sector = forms.ChoiceField(label=_("Sector"), required=False, choices=[("", _("All sectors")), *Sector.choices])
    organisation = forms.ModelChoiceField(
        label=_("Implementing organisation"), required=False, queryset=None, empty_label=_("All organisations")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["organisation"].queryset = implementers().order_by("acronym")

    def clean_area(self) -> AdminArea | None:
        pcode = (self.cleaned_data.get("area") or "").strip().upper()
        if not pcode:
            return None
        try:
            return area_get(self.user, pcode=pcode)
        except AdminArea.DoesNotExist:
            raise forms.ValidationError(_("%(pcode)s is not one of your areas.") % {"pcode": pcode}) from None

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The end of the period is before its start."))
        return data

    def filters(self) -> DashboardFilters:
        """The filters as entered, or none at all when the form does not validate."""
        if not self.is_bound or not self.is_valid():
            return DashboardFilters()
        data = self.cleaned_data
        return DashboardFilters(
            area=data.get("area"),
            start=data.get("start"),
            end=data.get("end"),
            sector=data.get("sector") or "",
            organisation=data.get("organisation"),
        )


class AreaViewForm(DashboardFilterForm):
    dataset = forms.ModelChoiceField(label=_("DTM dataset"), required=False, queryset=None, empty_label=_("Latest"))

    def __init__(self, *args, user, datasets, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["dataset"].queryset = datasets

    def chosen_dataset(self) -> DtmDataset | None:
        if self.is_bound and self.is_valid():
            return self.cleaned_data.get("dataset")
        return None


class ExportForm(forms.Form):
    file_format = forms.ChoiceField(
        label=_("Format"),
        choices=(("xlsx", _("Excel workbook (XLSX)")), ("csv", _("CSV with HXL tags"))),
        initial="xlsx",
        required=False,  # the workbook unless CSV is asked for
        widget=forms.RadioSelect,
    )
    shared = forms.BooleanField(
        label=_("For sharing outside the organisation: hide small counts"), required=False, initial=True
    )
