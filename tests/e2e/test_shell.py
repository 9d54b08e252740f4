"""The shell in a real browser at 360 px: sign in, reach the home page, switch to Dari (right to left)."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_field_officer_signs_in_and_switches_to_dari(journey, field_officer):
    journey.go("/login/")
    journey.shot("login")
    journey.assert_accessible()
    journey.login("field.khogyani")
    assert journey.page.locator("h1").inner_text().startswith("Welcome")
    journey.shot("home")
    journey.assert_accessible()
    width = journey.page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the home page scrolls sideways at 360 px ({width}px)"

    journey.page.click("summary")
    journey.page.click("text=" + field_officer.get_full_name())
    journey.page.select_option("#id_language", "fa-af")
    journey.page.click("main button[type=submit]")
    journey.page.wait_for_load_state()
    assert journey.page.get_attribute("html", "dir") == "rtl"
    assert journey.page.get_attribute("html", "lang") == "fa-af"
    journey.shot("home-dari-rtl")
    journey.assert_accessible()


def test_keyboard_alone_signs_in(journey, field_officer):
    journey.go("/login/")
    page = journey.page
    assert page.evaluate("document.activeElement.id") == "id_username"  # focus starts in the form
    page.keyboard.type("field.khogyani")
    page.keyboard.press("Tab")
    page.keyboard.type("correct horse battery")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text().startswith("Welcome")
