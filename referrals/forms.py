"""Forms of referrals: shape checks only. Pages pass what the user may choose from (their centres, the
services covering the household's place, the focal points of a complaint); services do the rest."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import CalendarDateField, PcodeListField
from core.models import AdminLevel, Organisation
from core.sectors import Sector

from .models import (
    AgeGroup,
    Channel,
    ComplaintCategory,
    ComplaintKind,
    ComplaintStatus,
    FollowUpMethod,
    ReferralStatus,
    Sex,
    Urgency,
    VisitPurpose,
)

YES_NO_UNKNOWN = [("", _("Not asked")), ("yes", _("Yes")), ("no", _("No"))]


def _yes_no(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


def _use_calendar(form, user) -> None:
    calendar = getattr(user, "calendar", "gregorian")
    for field in form.fields.values():
        if isinstance(field, CalendarDateField):
            field.use_calendar(calendar)


class SettlementChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        parent = f" ({obj.parent.display_name})" if obj.parent_id else ""
        return f"{obj.display_name}{parent} · {obj.pcode}"


# --- directory ------------------------------------------------------------------------------------


class ServiceFilterForm(forms.Form):
    sector = forms.ChoiceField(label=_("Sector"), choices=[("", _("Any sector")), *Sector.choices], required=False)
    area = forms.CharField(
        label=_("Place (P-code)"),
        required=False,
        max_length=20,
        help_text=_("Services covering this settlement or district."),
    )
    provider = forms.ModelChoiceField(
        label=_("Provider"), queryset=Organisation.objects.filter(is_active=True), required=False, empty_label=_("Any")
    )
    text = forms.CharField(label=_("Words"), required=False, max_length=100)


class ServiceForm(forms.Form):
    provider = forms.ModelChoiceField(label=_("Provider"), queryset=Organisation.objects.filter(is_active=True))
    name = forms.CharField(label=_("Service"), max_length=200)
    sector = forms.ChoiceField(label=_("Sector"), choices=Sector.choices)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    areas = PcodeListField(label=_("Areas covered"))
    criteria = forms.CharField(
        label=_("Who may be referred"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000
    )
    contact_name = forms.CharField(label=_("Contact person"), max_length=200, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=30, required=False)
    contact_email = forms.EmailField(
        label=_("Contact email"), required=False, help_text=_("New referrals are announced here (no personal data).")
    )
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    opening_hours = forms.CharField(label=_("Opening hours"), max_length=200, required=False)
    accepts_referrals = forms.BooleanField(label=_("Accepts referrals"), required=False, initial=True)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, providers=None, **kwargs):
        super().__init__(*args, **kwargs)
        if providers is not None:
            self.fields["provider"].queryset = providers

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("provider")
        data.pop("areas")
        return data


# --- walk-ins -------------------------------------------------------------------------------------


class VisitFilterForm(forms.Form):
    day = CalendarDateField(label=_("Day"), required=False)
    centre = forms.ModelChoiceField(label=_("Resource centre"), queryset=None, required=False, empty_label=_("All"))

    def __init__(self, *args, user, centres, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["centre"].queryset = centres
        _use_calendar(self, user)


class HouseholdSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Find a registered household"),
        required=False,
        max_length=100,
        help_text=_("Head's name, household reference or phone number."),
    )


class VisitForm(forms.Form):
    centre = forms.ModelChoiceField(label=_("Resource centre"), queryset=None)
    member = forms.ModelChoiceField(
        label=_("Member who came"), queryset=None, required=False, empty_label=_("The household (head)")
    )
    visitor_name = forms.CharField(label=_("Visitor's name"), max_length=200, required=False)
    visitor_sex = forms.ChoiceField(label=_("Sex"), choices=[("", "—"), *Sex.choices], required=False)
    visitor_age_group = forms.ChoiceField(label=_("Age group"), choices=[("", "—"), *AgeGroup.choices], required=False)
    visitor_phone = forms.CharField(label=_("Phone (optional)"), max_length=30, required=False)
    visitor_settlement = SettlementChoiceField(
        label=_("Lives in (optional)"), queryset=None, required=False, empty_label=_("Not said")
    )
    consent_referral = forms.ChoiceField(
        label=_("Agrees to be referred to a service"), choices=YES_NO_UNKNOWN, required=False
    )
    consent_partner_sharing = forms.ChoiceField(
        label=_("Agrees to share their details with a partner organisation"), choices=YES_NO_UNKNOWN, required=False
    )
    purposes = forms.MultipleChoiceField(
        label=_("Came for"), choices=VisitPurpose.choices, widget=forms.CheckboxSelectMultiple
    )
    notes = forms.CharField(
        label=_("Notes"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
        help_text=_("Do not describe protection incidents here: refer the person as a sensitive case instead."),
    )

    QUICK_FIELDS = (
        "visitor_name",
        "visitor_sex",
        "visitor_age_group",
        "visitor_phone",
        "visitor_settlement",
        "consent_referral",
        "consent_partner_sharing",
    )

    def __init__(self, *args, centres, household=None, settlements=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["centre"].queryset = centres
        if centres.count() == 1 and not self.is_bound:
            self.initial.setdefault("centre", centres.first().pk)
        if household is not None:
            self.fields["member"].queryset = household.members.all()
            for name in self.QUICK_FIELDS:
                del self.fields[name]
        else:
            del self.fields["member"]
            self.fields["visitor_settlement"].queryset = settlements
            for name in ("visitor_name", "visitor_sex", "visitor_age_group"):
                self.fields[name].required = True

    def visitor(self):
        from .services import VisitorInput

        if "visitor_name" not in self.fields:
            return None
        data = self.cleaned_data
        return VisitorInput(
            name=data["visitor_name"],
            sex=data["visitor_sex"],
            age_group=data["visitor_age_group"],
            phone=data["visitor_phone"],
            settlement=data["visitor_settlement"],
            consent_referral=_yes_no(data["consent_referral"]),
            consent_partner_sharing=_yes_no(data["consent_partner_sharing"]),
        )


class LinkHouseholdForm(forms.Form):
    household = forms.IntegerField(widget=forms.HiddenInput)


# --- referrals ------------------------------------------------------------------------------------


class ServiceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.get_sector_display()} · {obj.provider} · {obj.name}"


class ReferralForm(forms.Form):
    member = forms.ModelChoiceField(
        label=_("Person referred"), queryset=None, required=False, empty_label=_("The household (head)")
    )
    service = ServiceChoiceField(
        label=_("Service"), queryset=None, help_text=_("Only services covering the person's place are listed.")
    )
    reason = forms.CharField(
        label=_("Reason for referral"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        help_text=_("What the person needs and what was already done. Only what the provider needs to know."),
    )
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial=Urgency.NORMAL)
    deadline = CalendarDateField(
        label=_("Deadline (optional)"),
        required=False,
        help_text=_("Empty: from the urgency. Gregorian (2026-03-21) or Solar Hijri (1405-01-01)."),
    )
    client_phone = forms.CharField(
        label=_("Phone to reach the person"), max_length=30, required=False, help_text=_("Empty: the household's.")
    )
    sensitive = forms.BooleanField(
        label=_("Sensitive case (GBV, child protection, PSEA, or a risk to the person)"),
        required=False,
        help_text=_("GBV and child protection referrals are always sensitive."),
    )
    consent_given_now = forms.BooleanField(
        label=_("The household gives its informed consent now, to be referred and to have its details shared"),
        required=False,
    )
    consent_override_reason = forms.CharField(
        label=_("Send without consent, because"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
        help_text=_("Only when the person cannot be asked and waiting would put them at risk. This is audited."),
    )

    def __init__(self, *args, user, services, household=None, may_override=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services
        if household is not None:
            self.fields["member"].queryset = household.members.all()
        else:
            del self.fields["member"]
            del self.fields["consent_given_now"]
        if not may_override:
            del self.fields["consent_override_reason"]
        _use_calendar(self, user)


class ReferralFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100, help_text=_("Reference, name or phone"))
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("Any")), ("active", _("Not closed")), *ReferralStatus.choices],
        required=False,
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    sector = forms.ChoiceField(label=_("Sector"), choices=[("", _("Any sector")), *Sector.choices], required=False)
    receiving_organisation = forms.ModelChoiceField(
        label=_("Referred to"),
        queryset=Organisation.objects.filter(is_active=True),
        required=False,
        empty_label=_("Any"),
    )

    def __init__(self, *args, inbox: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if inbox:
            del self.fields["receiving_organisation"]


class StepForm(forms.Form):
    """The note or reason sent with a step of the workflow; the step itself is the button pressed (``verb``)."""

    reason = forms.CharField(
        label=_("Reason or note"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=4000,
        help_text=_("Declining or withdrawing needs a reason; the other steps may carry a note."),
    )


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)

    def __init__(self, *args, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["note"].label = label


class FollowUpForm(forms.Form):
    due_on = CalendarDateField(label=_("Follow up on"))
    method = forms.ChoiceField(label=_("How"), choices=FollowUpMethod.choices)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        _use_calendar(self, user)


class FollowUpRecordForm(forms.Form):
    done_on = CalendarDateField(label=_("Done on"))
    method = forms.ChoiceField(label=_("How"), choices=FollowUpMethod.choices)
    outcome = forms.CharField(label=_("What you found out"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
    next_due_on = CalendarDateField(label=_("Next follow-up (optional)"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        _use_calendar(self, user)


# --- complaints -----------------------------------------------------------------------------------


class ComplaintForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ComplaintKind.choices, widget=forms.RadioSelect)
    channel = forms.ChoiceField(label=_("Received through"), choices=Channel.choices)
    received_on = CalendarDateField(label=_("Received on"))
    area = SettlementChoiceField(
        label=_("Place"), queryset=None, help_text=_("Where it was received or what it is about.")
    )
    centre = forms.ModelChoiceField(
        label=_("Resource centre"), queryset=None, required=False, empty_label=_("Not at a centre")
    )
    category = forms.ChoiceField(label=_("Category"), choices=ComplaintCategory.choices)
    sensitive = forms.BooleanField(
        label=_("Sensitive"),
        required=False,
        help_text=_(
            "PSEA, staff conduct and fraud are always sensitive. A PSEA complaint goes only to the PSEA focal point."
        ),
    )
    description = forms.CharField(label=_("What was said"), widget=forms.Textarea(attrs={"rows": 5}), max_length=8000)
    anonymous = forms.BooleanField(label=_("The person wants to stay anonymous"), required=False)
    complainant_name = forms.CharField(label=_("Name"), max_length=200, required=False)
    complainant_phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    complainant_sex = forms.ChoiceField(label=_("Sex"), choices=[("", "—"), *Sex.choices], required=False)
    complainant_age_group = forms.ChoiceField(
        label=_("Age group"), choices=[("", "—"), *AgeGroup.choices], required=False
    )
    assigned_to = forms.ModelChoiceField(
        label=_("Focal point (optional)"),
        queryset=None,
        required=False,
        empty_label=_("Assign later"),
        help_text=_("Ignored for PSEA complaints, which go to a PSEA focal point."),
    )

    def __init__(self, *args, user, areas, centres, focal_points, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas
        self.fields["centre"].queryset = centres
        self.fields["assigned_to"].queryset = focal_points
        _use_calendar(self, user)


class ComplaintFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100, help_text=_("Reference, name or phone"))
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("Any")), ("active", _("Not closed")), *ComplaintStatus.choices],
        required=False,
    )
    category = forms.ChoiceField(
        label=_("Category"), choices=[("", _("Any")), *ComplaintCategory.choices], required=False
    )
    channel = forms.ChoiceField(label=_("Channel"), choices=[("", _("Any")), *Channel.choices], required=False)
    overdue = forms.BooleanField(label=_("Answer overdue"), required=False)
    mine = forms.BooleanField(label=_("Assigned to me"), required=False)


class AssignForm(forms.Form):
    assigned_to = forms.ModelChoiceField(label=_("Focal point"), queryset=None)

    def __init__(self, *args, focal_points, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].queryset = focal_points


class RespondForm(forms.Form):
    response = forms.CharField(label=_("Response given"), widget=forms.Textarea(attrs={"rows": 4}), max_length=8000)
    responded_on = CalendarDateField(label=_("Responded on"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        _use_calendar(self, user)


class CloseComplaintForm(forms.Form):
    note = forms.CharField(label=_("Closing note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    satisfied = forms.ChoiceField(
        label=_("Is the person satisfied with the answer?"),
        choices=[("", _("Not known")), ("yes", _("Yes")), ("no", _("No"))],
        required=False,
    )

    def satisfied_value(self) -> bool | None:
        return _yes_no(self.cleaned_data.get("satisfied", ""))


SETTLEMENT_LEVELS = (AdminLevel.ADMIN2, AdminLevel.SETTLEMENT)
