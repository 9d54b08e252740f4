"""Celery shims of referrals: ids in, send the notification. Sending twice sends the same short message."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="referrals.notify_referral_sent")
def notify_referral_sent(referral_id: int) -> int:
    from . import notifications

    return notifications.referral_sent(referral_id)


@shared_task(name="referrals.notify_referrer")
def notify_referrer(referral_id: int) -> int:
    from . import notifications

    return notifications.referral_news_for_referrer(referral_id)


@shared_task(name="referrals.notify_complaint_assigned")
def notify_complaint_assigned(complaint_id: int) -> int:
    from . import notifications

    return notifications.complaint_assigned(complaint_id)
