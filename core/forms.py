from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from .calendars import format_date, parse_date
from .models import AdminArea, Calendar, DataSharingAgreement, Organisation, Role, TokenScope
from .pcodes import normalise_pcode

User = get_user_model()


class PcodeListField(forms.CharField):
    """Areas typed as P-codes separated by spaces or commas (``AF0608, AF3202``)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("P-codes separated by spaces or commas. An area covers everything inside it."))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return " ".join(a.pcode if isinstance(a, AdminArea) else str(a) for a in value)
        return value

    def clean(self, value):
        value = super().clean(value)
        codes = [normalise_pcode(c) for c in value.replace(",", " ").split() if c.strip()]
        found = {a.pcode: a for a in AdminArea.objects.filter(pcode__in=codes, is_active=True)}
        unknown = [c for c in codes if c not in found]
        if unknown:
            raise forms.ValidationError(
                _("Unknown P-code(s): %(codes)s. Check them in the list of places."),
                params={"codes": ", ".join(unknown)},
            )
        return [found[c] for c in dict.fromkeys(codes)]


class MembershipForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.filter(is_active=True))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    areas = PcodeListField(label=_("Areas"), required=False)


class AccountCreateForm(MembershipForm):
    username = forms.CharField(label=_("Username"), max_length=150)
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("Email"))
    password = forms.CharField(
        label=_("Initial password"),
        widget=forms.PasswordInput(render_value=False),
        required=False,
        help_text=_("Leave empty to create the account without a password; set one later."),
    )

    field_order = [
        "username",
        "first_name",
        "last_name",
        "email",
        "password",
        "organisation",
        "role",
        "areas",
    ]

    def clean_username(self):
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This username is taken."))
        return username

    def clean_password(self):
        from django.contrib.auth.password_validation import validate_password

        password = self.cleaned_data.get("password")
        if password:
            validate_password(password)
        return password


class DeactivateForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=500)


class PreferencesForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    calendar = forms.ChoiceField(label=_("Calendar for dates"), choices=Calendar.choices)


class AuditFilterForm(forms.Form):
    action = forms.CharField(label=_("Action starts with"), required=False)


class AccountFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=[("", _("Any role")), *Role.choices], required=False)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.all(), required=False, empty_label=_("Any")
    )


class MfaTokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


class CalendarDateField(forms.DateField):
    """A date typed in either calendar (``1405-01-01`` or ``2026-03-21``), shown in the user's own.

    The calendar is the signed-in user's (``core.context.current_calendar``) unless ``use_calendar`` says
    otherwise, so forms need no extra argument.
    """

    widget = forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "placeholder": "YYYY-MM-DD"})

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("Gregorian (2026-03-21) or Solar Hijri (1405-01-01)."))
        super().__init__(**kwargs)
        self.calendar = None

    def use_calendar(self, calendar: str) -> None:
        self.calendar = calendar

    def prepare_value(self, value):
        import datetime

        from .context import current_calendar

        if isinstance(value, datetime.date):
            shown = format_date(value, self.calendar or current_calendar())
            return shown.split(" ")[0]
        return value

    def to_python(self, value):
        import datetime

        if value in self.empty_values:
            return None
        if isinstance(value, datetime.date):
            return value
        try:
            return parse_date(str(value))
        except ValueError as error:
            raise forms.ValidationError(str(error), code="invalid") from None


class ApiTokenForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.filter(is_active=True))
    name = forms.CharField(label=_("Name"), max_length=120, help_text=_("The partner system that will use it."))
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"), choices=TokenScope.choices, widget=forms.CheckboxSelectMultiple
    )
    areas = PcodeListField(
        label=_("Areas"),
        required=False,
        help_text=_("Limit the token to these areas (P-codes); empty: as the agreement."),
    )
    expires_on = forms.DateField(label=_("Expires on"), widget=forms.DateInput(attrs={"type": "date"}))
    rate_per_minute = forms.IntegerField(label=_("Requests per minute"), min_value=1, max_value=6000, initial=120)


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)


class AgreementForm(forms.Form):
    RESOURCES = [
        ("households", _("Households and members")),
        ("assessments", _("Community assessments and facilities")),
        ("caps", _("Community action plans")),
        ("assistance", _("Assistance and projects")),
        ("referrals", _("Referrals and their follow-ups")),
        ("complaints", _("Feedback and complaints")),
        ("monitoring", _("Check-ins")),
    ]
    partner = forms.ModelChoiceField(label=_("Partner"), queryset=Organisation.objects.filter(is_active=True))
    owner = forms.ModelChoiceField(label=_("Data owner"), queryset=Organisation.objects.filter(is_active=True))
    reference = forms.CharField(label=_("Reference"), max_length=60)
    title = forms.CharField(label=_("Title"), max_length=200)
    resources = forms.MultipleChoiceField(
        label=_("Kinds of record"), choices=RESOURCES, widget=forms.CheckboxSelectMultiple
    )
    areas = PcodeListField(label=_("Areas"))
    identifiable = forms.BooleanField(label=_("Identifiable data (names, phones, exact locations)"), required=False)
    valid_from = forms.DateField(label=_("Valid from"), widget=forms.DateInput(attrs={"type": "date"}))
    valid_until = forms.DateField(label=_("Valid until"), widget=forms.DateInput(attrs={"type": "date"}))
    signed_on = forms.DateField(label=_("Signed on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    is_active = forms.BooleanField(label=_("In force"), required=False, initial=True)

    @staticmethod
    def initial_for(agreement: DataSharingAgreement) -> dict:
        return {
            "partner": agreement.partner,
            "owner": agreement.owner,
            "reference": agreement.reference,
            "title": agreement.title,
            "resources": agreement.resources,
            "areas": list(agreement.areas.all()),
            "identifiable": agreement.identifiable,
            "valid_from": agreement.valid_from,
            "valid_until": agreement.valid_until,
            "signed_on": agreement.signed_on,
            "is_active": agreement.is_active,
        }
