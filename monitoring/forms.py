"""Forms of monitoring: shape checks only; the services decide the rest."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from assistance.models import Currency
from core.forms import CalendarDateField
from core.models import AdminArea
from core.pcodes import normalise_pcode
from profiling.models import ReturnBarrier

from .models import (
    CallOutcome,
    Criterion,
    CriterionStatus,
    GoAndSeeDecision,
    MovementIntention,
    MovementStatus,
    Transport,
)

YES_NO_UNKNOWN = [("", _("Not asked")), ("yes", _("Yes")), ("no", _("No"))]


class PcodeField(forms.CharField):
    """One place typed as its P-code (``AF0608``, ``IRQ-G01`` normalised)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("help_text", _("The P-code of the settlement or district, e.g. AF0608S001."))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return value.pcode if isinstance(value, AdminArea) else value

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        area = AdminArea.objects.filter(pcode=normalise_pcode(value), is_active=True).first()
        if area is None:
            raise forms.ValidationError(_("Unknown P-code: %(code)s.") % {"code": value})
        return area


class MovementFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("Any")), *MovementStatus.choices], required=False)
    intention = forms.ChoiceField(
        label=_("Intention"), choices=[("", _("Any")), *MovementIntention.choices], required=False
    )


class MovementForm(forms.Form):
    intention = forms.ChoiceField(label=_("Intention"), choices=MovementIntention.choices)
    origin = PcodeField(label=_("Place of origin (P-code)"))
    destination = PcodeField(label=_("Destination (P-code)"))
    barriers = forms.MultipleChoiceField(
        label=_("Barriers to return"),
        choices=ReturnBarrier.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class GoAndSeeForm(forms.Form):
    visited_on = CalendarDateField(label=_("Date of the visit"))
    findings = forms.CharField(label=_("Findings"), widget=forms.Textarea(attrs={"rows": 3}))
    decision = forms.ChoiceField(label=_("Decision"), choices=GoAndSeeDecision.choices)


class DepartureForm(forms.Form):
    departed_on = CalendarDateField(label=_("Departure date"))
    transport = forms.ChoiceField(label=_("Transport"), choices=Transport.choices)
    grant_amount = forms.DecimalField(
        label=_("Departure (transport) grant paid"), required=False, min_value=0, max_digits=12, decimal_places=2
    )
    currency = forms.ChoiceField(label=_("Currency"), choices=[("", "—"), *Currency.choices], required=False)


class ArrivalForm(forms.Form):
    arrived_on = CalendarDateField(label=_("Arrival date"))
    place = PcodeField(label=_("Place of arrival (P-code)"))
    grant_amount = forms.DecimalField(
        label=_("Reinstallation grant paid"), required=False, min_value=0, max_digits=12, decimal_places=2
    )
    currency = forms.ChoiceField(label=_("Currency"), choices=[("", "—"), *Currency.choices], required=False)


class CheckInForm(forms.Form):
    """One call: its outcome and, when reached, a status and a note per durable-solutions criterion."""

    outcome = forms.ChoiceField(label=_("Outcome of the call"), choices=CallOutcome.choices, widget=forms.RadioSelect)
    redisplaced = forms.ChoiceField(label=_("Displaced again since arrival?"), choices=YES_NO_UNKNOWN, required=False)
    protection_risk = forms.BooleanField(label=_("A protection risk was found: refer the household"), required=False)
    risk_note = forms.CharField(label=_("What is the risk?"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    referral_service = forms.ModelChoiceField(
        label=_("Protection service to refer to"),
        queryset=None,
        required=False,
        empty_label=_("The protection service covering the place"),
    )
    consent_given_now = forms.BooleanField(label=_("The household agrees to be referred"), required=False)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referral_service"].queryset = services
        for criterion in Criterion:
            self.fields[f"{criterion.value}_status"] = forms.ChoiceField(
                label=criterion.label,
                choices=CriterionStatus.choices,
                initial=CriterionStatus.NOT_ASKED,
                required=False,
            )
            self.fields[f"{criterion.value}_note"] = forms.CharField(
                label=_("Note: %(criterion)s") % {"criterion": criterion.label}, required=False, max_length=500
            )

    def criterion_rows(self):
        return [(self[f"{c.value}_status"], self[f"{c.value}_note"]) for c in Criterion]

    def answers(self) -> dict:
        data = self.cleaned_data
        return {
            c.value: {
                "status": data.get(f"{c.value}_status") or CriterionStatus.NOT_ASKED,
                "note": data.get(f"{c.value}_note", ""),
            }
            for c in Criterion
        }

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "outcome": data["outcome"],
            "answers": self.answers(),
            "redisplaced": {"yes": True, "no": False}.get(data.get("redisplaced") or ""),
            "protection_risk": data.get("protection_risk", False),
            "risk_note": data.get("risk_note", ""),
            "referral_service": data.get("referral_service"),
            "consent_given_now": data.get("consent_given_now", False),
            "notes": data.get("notes", ""),
        }


class CompletionFilterForm(forms.Form):
    area = PcodeField(label=_("Area (P-code)"), required=False)
    start = CalendarDateField(label=_("Due from"), required=False)
    end = CalendarDateField(label=_("Due until"), required=False)
