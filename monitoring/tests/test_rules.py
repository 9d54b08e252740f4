"""The pure rules: schedule dates, due and overdue, what a call does, answers, rates."""

import datetime

import pytest

from monitoring import rules
from monitoring.models import CheckInStatus, Criterion


def test_default_schedule_first_call_in_week_two_then_three_and_nine_months():
    dues = rules.schedule(datetime.date(2026, 1, 10))
    assert [(d.wave, d.due_on, d.due_until) for d in dues] == [
        ("w2", datetime.date(2026, 1, 17), datetime.date(2026, 1, 24)),
        ("m3", datetime.date(2026, 4, 10), datetime.date(2026, 4, 24)),
        ("m9", datetime.date(2026, 10, 10), datetime.date(2026, 10, 24)),
    ]


def test_months_end_on_the_last_day_of_a_shorter_month():
    assert rules.add_months(datetime.date(2026, 11, 30), 3) == datetime.date(2027, 2, 28)
    assert rules.add_months(datetime.date(2027, 11, 30), 3) == datetime.date(2028, 2, 29)
    assert rules.add_months(datetime.date(2026, 5, 31), 9) == datetime.date(2027, 2, 28)


def test_waves_come_from_settings(settings):
    settings.ABR_CHECKIN_WAVES = [{"code": "d10", "days": 10, "window_days": 4}, {"code": "m6", "months": 6}]
    dues = rules.schedule(datetime.date(2026, 3, 1))
    assert [(d.wave, d.due_on, d.due_until) for d in dues] == [
        ("d10", datetime.date(2026, 3, 11), datetime.date(2026, 3, 15)),
        ("m6", datetime.date(2026, 9, 1), datetime.date(2026, 9, 8)),
    ]


@pytest.mark.parametrize(
    "config",
    [[{"code": "a", "days": 1}, {"code": "a", "days": 2}], [{"code": "", "days": 1}], [{"code": "x", "days": -1}]],
)
def test_bad_wave_configuration_fails_loudly(config):
    with pytest.raises(ValueError, match="wave"):
        rules.waves(config)


def test_state_upcoming_due_overdue_done():
    due_on, due_until = datetime.date(2026, 1, 17), datetime.date(2026, 1, 24)

    def state(today, status="open"):
        return rules.checkin_state(status=status, due_on=due_on, due_until=due_until, today=today)

    assert state(datetime.date(2026, 1, 16)) == rules.UPCOMING
    assert state(datetime.date(2026, 1, 17)) == rules.DUE
    assert state(datetime.date(2026, 1, 24)) == rules.DUE
    assert state(datetime.date(2026, 1, 25)) == rules.OVERDUE
    assert state(datetime.date(2026, 1, 25), status="completed") == rules.DONE


def test_calls_that_miss_keep_the_check_in_open_until_attempts_run_out():
    assert rules.status_after_call(outcome="reached", attempts=1, limit=3) == CheckInStatus.COMPLETED
    assert rules.status_after_call(outcome="refused", attempts=1, limit=3) == CheckInStatus.REFUSED
    assert rules.status_after_call(outcome="not_reached", attempts=1, limit=3) == CheckInStatus.OPEN
    assert rules.status_after_call(outcome="wrong_number", attempts=2, limit=3) == CheckInStatus.OPEN
    assert rules.status_after_call(outcome="not_reached", attempts=3, limit=3) == CheckInStatus.UNREACHABLE
    with pytest.raises(ValueError, match="outcome"):
        rules.status_after_call(outcome="maybe", attempts=1)


def test_answers_cover_all_eight_criteria():
    answers = rules.clean_answers({"safety": {"status": "not_met", "note": " threats "}, "bogus": {"status": "met"}})
    assert set(answers) == set(Criterion.values)
    assert len(answers) == 8
    assert answers["safety"] == {"status": "not_met", "note": "threats"}
    assert answers["hlp"] == {"status": "not_asked", "note": ""}
    assert rules.unmet_criteria(answers) == ["safety"]
    with pytest.raises(ValueError, match="status"):
        rules.clean_answers({"safety": {"status": "great"}})


def test_rates():
    assert rules.rate(1, 3) == 33.3
    assert rules.rate(0, 0) is None
