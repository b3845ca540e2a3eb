"""On a phone (390×844): the demo mentor logs a meeting in two taps, without
horizontal scrolling, and the coach sees the duo go from silent to on track."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Max
from django.db.models.functions import Coalesce
from playwright.sync_api import Page, expect

from duos.models import Duo, Meeting

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
    "locale": "en-GB",
    "timezone_id": "Europe/Brussels",
}


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", force=True, stdout=io.StringIO())


def sign_in(page: Page, base_url: str, email: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("duo-demo")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def no_horizontal_scroll(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def silent_duo() -> Duo:
    duos = Duo.objects.filter(mentor__user__email="mentor@example.org", status="active")
    duos = duos.annotate(last=Coalesce(Max("meetings__date"), "started_on")).order_by("last")
    return duos.select_related("mentee").first()


def test_mentor_logs_a_meeting_in_two_taps_and_the_coach_sees_it(
    demo, browser, live_server, screenshot
):
    duo = silent_duo()
    before = Meeting.objects.filter(duo=duo).count()

    coach = browser.new_context(**PHONE)
    coach_page = coach.new_page()
    sign_in(coach_page, live_server.url, "coach@example.org")
    row = coach_page.get_by_role("row").filter(has_text=duo.mentee.first_name).first
    expect(row).to_contain_text("Silent")
    screenshot(coach_page, "coach-sees-silent")

    mentor = browser.new_context(**PHONE)
    page = mentor.new_page()
    errors = []
    page.on("response", lambda r: errors.append(r.url) if r.status >= 500 else None)
    sign_in(page, live_server.url, "mentor@example.org")
    assert no_horizontal_scroll(page)
    screenshot(page, "mentor-home")

    card = page.locator(f'[data-duo="{duo.uuid}"]')
    form = card.locator("details.log")
    if form.get_attribute("open") is None:  # interaction 1 (only if needed): open the form
        form.locator("summary").click()
    save = card.get_by_role("button", name="Save the meeting")
    save.dblclick()  # interaction 2: save — a double tap saves once
    expect(page.get_by_role("status").first).to_contain_text("saved")
    screenshot(page, "meeting-saved")
    assert no_horizontal_scroll(page)
    assert Meeting.objects.filter(duo=duo).count() == before + 1

    page.goto(f"{live_server.url}/duos/{duo.uuid}/")
    assert no_horizontal_scroll(page)
    screenshot(page, "duo-page")

    coach_page.reload()
    row = coach_page.get_by_role("row").filter(has_text=duo.mentee.first_name).first
    expect(row).to_contain_text("On track")
    screenshot(coach_page, "coach-sees-on-track")
    assert errors == []
    coach.close()
    mentor.close()
