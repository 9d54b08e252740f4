"""Notifications: through the real broker and a worker, short messages without personal data; a task run
twice sends the same message, a task for a vanished row sends nothing."""

import pytest
from django.core import mail

from referrals import tasks

from .factories import ComplaintFactory, ReferralFactory


@pytest.mark.redis
def test_referral_notice_goes_through_the_broker(redis_worker, household, legal_aid):
    referral = ReferralFactory(household=household, service=legal_aid, reason="Threatened with eviction by a commander")
    sent = tasks.notify_referral_sent.apply_async(args=[referral.pk], queue=redis_worker).get(timeout=30)
    assert sent == 1
    [message] = mail.outbox
    assert message.to == ["referrals@example.org"]
    assert referral.reference in message.body
    assert household.head_name not in message.body
    assert "commander" not in message.body


def test_notices_name_nobody_and_tolerate_missing_rows(desk_officer, household, legal_aid, places, iom):
    referral = ReferralFactory(household=household, service=legal_aid, referred_by=desk_officer, status="declined")
    assert tasks.notify_referrer(referral.pk) == 1
    assert tasks.notify_referrer(referral.pk) == 1  # a retry sends the same short notice again
    assert mail.outbox[0].to == [desk_officer.email]
    assert "Declined" in mail.outbox[0].body
    assert household.head_name not in mail.outbox[0].body
    complaint = ComplaintFactory(area=places.kaga, organisation=iom, assigned_to=desk_officer, category="psea")
    assert tasks.notify_complaint_assigned(complaint.pk) == 1
    assert "psea" not in mail.outbox[-1].body.lower()
    assert complaint.description not in mail.outbox[-1].body
    assert tasks.notify_referral_sent(999_999) == 0
    assert tasks.notify_complaint_assigned(999_999) == 0
