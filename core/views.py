"""HTTP for the core app: sign-in, home, places, accounts and the audit trail. Thin: parse, authorise, call."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import selectors, services
from .forms import (
    AccountCreateForm,
    AccountFilterForm,
    AgreementForm,
    ApiTokenForm,
    AuditFilterForm,
    DeactivateForm,
    MembershipForm,
    MfaTokenForm,
    PreferencesForm,
    RevokeForm,
)
from .jobs import job_progress
from .models import AdminArea, ApiToken, DataSharingAgreement, Job, Membership, Role
from .navigation import panels_for_role
from .permissions import role_required
from .scoping import scope_for

PAGE_SIZE = 50


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    """Counts at most ``COUNT_CAP`` rows: a national list of a million households must not pay for an exact
    count on every page. Beyond the cap the page says "of 200+" and people narrow with filters."""

    @cached_property
    def count(self) -> int:
        items = self.object_list
        counted = items.order_by()[: COUNT_CAP + 1].count() if hasattr(items, "query") else len(items)
        self.is_capped = counted > COUNT_CAP
        return min(counted, COUNT_CAP)

    is_capped = False


def page_of(request: HttpRequest, queryset, size: int = PAGE_SIZE):
    return CappedPaginator(queryset, size).get_page(request.GET.get("page"))


def form_errors_into(form, error: ValidationError) -> None:
    """Attach a service's ValidationError to the form fields it names, so the page says where."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    if scope is None:
        return render(request, "core/no_membership.html", status=403)
    panels = []
    for panel in panels_for_role(scope.role):
        context = panel.context(request.user)
        if context is not None:
            panels.append({"panel": panel, "context": context})
    return render(request, "core/home.html", {"panels": panels, "scope": scope})


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    initial = {"language": request.user.preferred_language or "en", "calendar": request.user.calendar}
    form = PreferencesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.user_set_preferences(
            actor=request.user, language=form.cleaned_data["language"], calendar=form.cleaned_data["calendar"]
        )
        translation.activate(form.cleaned_data["language"])
        messages.success(request, _("Your preferences are saved."))
        return redirect("core:home")
    return render(request, "core/preferences.html", {"form": form})


@role_required(Role.FIELD_STAFF, Role.DESK_OFFICER, Role.MANAGER, Role.ADMIN)
@require_GET
def area_browse(request: HttpRequest, pcode: str | None = None) -> HttpResponse:
    parent = None
    if pcode:
        try:
            parent = selectors.area_get(request.user, pcode=pcode)
        except AdminArea.DoesNotExist:
            raise Http404 from None
    children = selectors.area_children(request.user, parent=parent)
    ancestors = []
    node = parent
    while node is not None:
        ancestors.insert(0, node)
        node = node.parent
    return render(
        request,
        "core/area_browse.html",
        {"parent": parent, "ancestors": ancestors, "areas": page_of(request, children, 100)},
    )


@login_required
@require_GET
def area_search(request: HttpRequest) -> HttpResponse:
    """Options for a place picker (HTMX): areas in the user's scope matching the typed text."""
    level = request.GET.get("level")
    areas = selectors.areas_search(
        request.user,
        text=request.GET.get("q", "")[:50],
        level=int(level) if level in {"1", "2", "3"} else None,
    )
    return render(request, "core/partials/area_options.html", {"areas": areas})


@role_required(Role.ADMIN)
@require_GET
def account_list(request: HttpRequest) -> HttpResponse:
    form = AccountFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    organisation = filters.get("organisation")
    memberships = selectors.memberships_for_admin(
        request.user,
        role=filters.get("role", ""),
        organisation_id=organisation.pk if organisation else None,
        text=filters.get("q", ""),
    )
    return render(request, "core/account_list.html", {"form": form, "memberships": page_of(request, memberships)})


@role_required(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def account_create(request: HttpRequest) -> HttpResponse:
    form = AccountCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.user_create(
                actor=request.user,
                username=data["username"],
                email=data["email"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                password=data["password"] or None,
                organisation=data["organisation"],
                role=data["role"],
                areas=data["areas"],
            )
        except ValidationError as error:
            form_errors_into(form, error)
        else:
            messages.success(request, _("Account %(username)s created.") % {"username": user.username})
            return redirect("core:account_list")
    return render(request, "core/account_form.html", {"form": form, "creating": True})


def _membership_or_404(request: HttpRequest, pk: int) -> Membership:
    try:
        return selectors.membership_get_for_admin(request.user, pk=pk)
    except Membership.DoesNotExist:
        raise Http404 from None


@role_required(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def account_edit(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _membership_or_404(request, pk)
    initial = {
        "organisation": membership.organisation,
        "role": membership.role,
        "areas": list(membership.areas.all()),
    }
    form = MembershipForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_update(actor=request.user, membership=membership, **form.cleaned_data)
        except ValidationError as error:
            form_errors_into(form, error)
        else:
            messages.success(request, _("Access for %(user)s updated.") % {"user": membership.user.username})
            return redirect("core:account_list")
    return render(
        request,
        "core/account_form.html",
        {"form": form, "membership": membership, "deactivate_form": DeactivateForm()},
    )


@role_required(Role.ADMIN)
@require_POST
def account_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _membership_or_404(request, pk)
    form = DeactivateForm(request.POST)
    if form.is_valid():
        try:
            services.user_deactivate(actor=request.user, user=membership.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("%(user)s can no longer sign in.") % {"user": membership.user.username})
    else:
        messages.error(request, _("Give a reason to deactivate the account."))
    return redirect("core:account_edit", pk=pk)


@role_required(Role.ADMIN)
@require_POST
def account_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _membership_or_404(request, pk)
    services.user_reactivate(actor=request.user, user=membership.user)
    messages.success(request, _("%(user)s can sign in again.") % {"user": membership.user.username})
    return redirect("core:account_edit", pk=pk)


@role_required(Role.ADMIN)
@require_GET
def audit_list(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    action = form.cleaned_data.get("action", "") if form.is_valid() else ""
    events = selectors.audit_events_for_user(request.user, action=action)
    # Reasons can quote a protection case (a consent override, a sensitive referral): sensitive readers only.
    context = {
        "form": form,
        "events": page_of(request, events),
        "can_read_reasons": request.user.has_perm("core.view_sensitive"),
    }
    return render(request, "core/audit_list.html", context)


@login_required
@require_GET
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A background job's progress; the page polls itself (HTMX) until the job ends."""
    try:
        job = selectors.job_get_for_user(request.user, pk=pk)
    except Job.DoesNotExist:
        raise Http404 from None
    done, total = job_progress(job)
    context = {"job": job, "done": done, "total": total, "percent": int(done * 100 / total) if total else 0}
    template = "core/partials/job_status.html" if request.htmx else "core/job_detail.html"
    return render(request, template, context)


def _safe_next(request: HttpRequest) -> str:
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("core:home")


def _qr_svg(data: str) -> str:
    import io

    import qrcode
    import qrcode.image.svg

    buffer = io.BytesIO()
    qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8).save(buffer)
    svg = buffer.getvalue().decode()
    return svg[svg.index("<svg") :]


@login_required
@require_http_methods(["GET", "POST"])
def mfa_setup(request: HttpRequest) -> HttpResponse:
    """Pair an authenticator app: scan the code, type the 6 digits it shows, keep the recovery codes."""
    import base64

    device = services.mfa_totp_begin(actor=request.user)
    form = MfaTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.mfa_totp_confirm(actor=request.user, token=form.cleaned_data["token"])
        except ValidationError as error:
            form_errors_into(form, error)
        else:
            from django_otp import login as otp_login
            from django_otp.plugins.otp_totp.models import TOTPDevice

            otp_login(request, TOTPDevice.objects.get(user=request.user, confirmed=True))
            return render(request, "core/mfa_codes.html", {"codes": codes, "next": _safe_next(request)})
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    context = {"form": form, "qr": _qr_svg(device.config_url), "secret": secret, "next": _safe_next(request)}
    return render(request, "core/mfa_setup.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def mfa_verify(request: HttpRequest) -> HttpResponse:
    """The second step of sign-in for roles that need it: a code from the app or a recovery code."""
    from django_otp import login as otp_login
    from django_otp import user_has_device

    if not user_has_device(request.user):
        return redirect(f"{reverse('core:mfa_setup')}?next={_safe_next(request)}")
    form = MfaTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = services.mfa_verify(actor=request.user, token=form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            return redirect(_safe_next(request))
        form.add_error("token", _("That code is not right. Use the current code from your app or a recovery code."))
    return render(request, "core/mfa_verify.html", {"form": form, "next": _safe_next(request)})


@login_required
@require_POST
def mfa_recovery_codes(request: HttpRequest) -> HttpResponse:
    if not request.user.is_verified():
        return redirect("core:mfa_verify")
    codes = services.mfa_recovery_codes_renew(actor=request.user)
    return render(request, "core/mfa_codes.html", {"codes": codes, "next": reverse("core:preferences")})


@role_required(Role.ADMIN)
@require_GET
def token_list(request: HttpRequest) -> HttpResponse:
    tokens = selectors.api_tokens_for_admin(request.user)
    return render(request, "core/token_list.html", {"tokens": page_of(request, tokens), "revoke_form": RevokeForm()})


@role_required(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def token_create(request: HttpRequest) -> HttpResponse:
    import datetime

    from django.utils import timezone

    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        expires_at = timezone.make_aware(datetime.datetime.combine(data["expires_on"], datetime.time(23, 59)))
        try:
            token, secret = services.api_token_create(
                actor=request.user,
                organisation=data["organisation"],
                name=data["name"],
                scopes=data["scopes"],
                areas=data["areas"],
                expires_at=expires_at,
                rate_per_minute=data["rate_per_minute"],
            )
        except ValidationError as error:
            if hasattr(error, "error_dict") and "expires_at" in error.error_dict:
                error.error_dict["expires_on"] = error.error_dict.pop("expires_at")
            form_errors_into(form, error)
        else:
            return render(request, "core/token_secret.html", {"token": token, "secret": secret})
    return render(request, "core/token_form.html", {"form": form})


@role_required(Role.ADMIN)
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        token = selectors.api_tokens_for_admin(request.user).get(pk=pk)
    except ApiToken.DoesNotExist:
        raise Http404 from None
    form = RevokeForm(request.POST)
    if form.is_valid():
        services.api_token_revoke(actor=request.user, token=token, reason=form.cleaned_data["reason"])
        messages.success(request, _("Token %(prefix)s revoked.") % {"prefix": token.prefix})
    else:
        messages.error(request, _("Give a reason to revoke the token."))
    return redirect("core:token_list")


@role_required(Role.ADMIN)
@require_GET
def agreement_list(request: HttpRequest) -> HttpResponse:
    agreements = selectors.agreements_for_admin(request.user)
    return render(request, "core/agreement_list.html", {"agreements": page_of(request, agreements)})


@role_required(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def agreement_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    agreement = None
    if pk is not None:
        try:
            agreement = selectors.agreements_for_admin(request.user).get(pk=pk)
        except DataSharingAgreement.DoesNotExist:
            raise Http404 from None
    initial = AgreementForm.initial_for(agreement) if agreement else {}
    form = AgreementForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_save(actor=request.user, agreement=agreement, **form.cleaned_data)
        except ValidationError as error:
            form_errors_into(form, error)
        else:
            messages.success(request, _("Agreement saved."))
            return redirect("core:agreement_list")
    return render(request, "core/agreement_form.html", {"form": form, "agreement": agreement})
