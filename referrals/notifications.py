"""E-mails that tell people a referral or complaint needs them. They never carry personal data or what the
case is about: a reference, a date and a link; the reader signs in to see the rest."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from .models import Complaint, Referral


def _link(path: str) -> str:
    return f"{getattr(settings, 'ABR_SITE_URL', '').rstrip('/')}{path}"


def _send(subject: str, body: str, recipients) -> int:
    recipients = sorted({r for r in recipients if r})
    if not recipients:
        return 0
    return send_mail(subject, body, None, recipients)


def referral_sent(referral_id: int) -> int:
    """The receiving organisation's referral mailbox (the service's contact, else the organisation's)."""
    referral = Referral.objects.select_related("service", "receiving_organisation").filter(pk=referral_id).first()
    if referral is None:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("New referral %(ref)s") % {"ref": referral.reference}
        body = _(
            "A referral to %(service)s is waiting for your answer.\n"
            "Reference: %(ref)s\nUrgency: %(urgency)s\nDeadline: %(deadline)s\n\n"
            "Sign in to read it and accept or decline it: %(link)s\n"
        ) % {
            "service": referral.service.name,
            "ref": referral.reference,
            "urgency": referral.get_urgency_display(),
            "deadline": referral.deadline.isoformat(),
            "link": _link(reverse("referrals:referral_detail", args=[referral.pk])),
        }
    return _send(subject, body, [referral.service.contact_email or referral.receiving_organisation.contact_email])


def referral_news_for_referrer(referral_id: int) -> int:
    """The officer who sent the referral: its status changed or the provider wrote back."""
    referral = Referral.objects.select_related("referred_by", "receiving_organisation").filter(pk=referral_id).first()
    if referral is None or not referral.referred_by.is_active:
        return 0
    with translation.override(referral.referred_by.preferred_language or settings.LANGUAGE_CODE):
        subject = _("Referral %(ref)s: news from %(org)s") % {
            "ref": referral.reference,
            "org": referral.receiving_organisation,
        }
        body = _("The referral %(ref)s is now “%(status)s”.\n\nSign in to read it: %(link)s\n") % {
            "ref": referral.reference,
            "status": referral.get_status_display(),
            "link": _link(reverse("referrals:referral_detail", args=[referral.pk])),
        }
    return _send(subject, body, [referral.referred_by.email])


def complaint_assigned(complaint_id: int) -> int:
    complaint = Complaint.objects.select_related("assigned_to").filter(pk=complaint_id).first()
    if complaint is None or complaint.assigned_to is None or not complaint.assigned_to.is_active:
        return 0
    user = complaint.assigned_to
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        subject = _("Complaint %(ref)s is assigned to you") % {"ref": complaint.reference}
        body = _(
            "You are the focal point of %(ref)s. An answer is due by %(due)s.\n\nSign in to read it: %(link)s\n"
        ) % {
            "ref": complaint.reference,
            "due": complaint.due_on.isoformat(),
            "link": _link(reverse("referrals:complaint_detail", args=[complaint.pk])),
        }
    return _send(subject, body, [user.email])
