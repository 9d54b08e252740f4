import datetime

import pytest

from core.calendars import format_date, parse_date
from core.forms import CalendarDateField


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1405-01-01", datetime.date(2026, 3, 21)),
        ("1404/12/29", datetime.date(2026, 3, 20)),
        ("2026-03-21", datetime.date(2026, 3, 21)),
        ("21/03/2026", datetime.date(2026, 3, 21)),
        ("1403-06-31", datetime.date(2024, 9, 21)),
    ],
)
def test_dates_are_read_in_either_calendar(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["1405-13-01", "2026-02-30", "yesterday", ""])
def test_impossible_dates_say_so(text):
    with pytest.raises(ValueError, match=r"calendar|year-month-day"):
        parse_date(text)


def test_solar_hijri_display_uses_afghan_month_names():
    assert format_date(datetime.date(2026, 3, 21), "solar_hijri") == "1405-01-01 (1 Hamal 1405)"
    assert format_date(datetime.date(2026, 3, 21), "gregorian") == "2026-03-21"
    assert format_date(None, "solar_hijri") == ""


def test_round_trip_over_a_span_of_years():
    day = datetime.date(1990, 1, 1)
    while day < datetime.date(2035, 1, 1):
        shown = format_date(day, "solar_hijri").split(" ")[0]
        assert parse_date(shown) == day
        day += datetime.timedelta(days=37)


def test_form_field_shows_the_users_calendar_and_names_bad_input():
    field = CalendarDateField()
    field.use_calendar("solar_hijri")
    assert field.prepare_value(datetime.date(2026, 3, 21)) == "1405-01-01"
    assert field.clean("1405-01-01") == datetime.date(2026, 3, 21)
    from django import forms

    with pytest.raises(forms.ValidationError, match="not a day of the calendar"):
        field.clean("1405-12-31")
