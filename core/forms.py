from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from .calendars import format_date, parse_date
from .models import AdminArea, Calendar, Organisation, Role
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
    text = forms.CharField(label=_("Search"), required=False)
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

    Forms that know the user call ``field.use_calendar(user.calendar)`` so the initial value and the
    hint match the calendar the user reads.
    """

    widget = forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "placeholder": "YYYY-MM-DD"})

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("Gregorian (2026-03-21) or Solar Hijri (1405-01-01)."))
        super().__init__(**kwargs)
        self.calendar = "gregorian"

    def use_calendar(self, calendar: str) -> None:
        self.calendar = calendar

    def prepare_value(self, value):
        import datetime

        if isinstance(value, datetime.date):
            shown = format_date(value, self.calendar)
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
