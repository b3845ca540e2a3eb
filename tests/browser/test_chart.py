"""The figures page's chart draws its bars in every language (issue 12, item 9):
in Dutch and French the SVG's coordinates came out with decimal commas — no
bars, 18 console errors, axis labels "1 7 5 2 0". A funder signs in on a phone
in each language and the bars are really drawn."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from programmes.models import Role
from reporting.services import snapshot_compute
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PASSWORD = "a-Long-funder-Passw0rd"
LOCALES = {"en": "en-GB", "nl": "nl-BE", "fr": "fr-BE"}


@pytest.fixture
def funder(transactional_db):
    programme = factories.ProgrammeFactory(name="DUO Brussel")
    # Two cohorts, each big enough for its rates to show to a funder.
    for year, statuses in (
        (2023, ["employed"] * 9 + ["training"] * 6 + ["still_searching"] * 7),
        (2024, ["employed"] * 7 + ["internship"] * 5 + ["still_searching"] * 8),
    ):
        for status in statuses:
            duo = factories.DuoFactory(
                programme=programme,
                ended=True,
                started_on=dt.date(year, 2, 1),
                ended_on=dt.date(year, 8, 1),
            )
            factories.OutcomeFactory(
                duo=duo, point="exit", status=status, contract_type="", date=duo.ended_on
            )
    snapshot_compute(programme=programme)
    user = factories.MembershipFactory(
        organisation=factories.FunderFactory(), role=Role.FUNDER, programmes=[programme]
    ).user
    user.set_password(PASSWORD)
    user.save()
    return user, programme


@pytest.mark.parametrize("language", sorted(LOCALES))
def test_the_chart_draws_its_bars_in_every_language(
    browser, base_url, funder, language, screenshot
):
    user, programme = funder
    context = browser.new_context(
        base_url=base_url,
        locale=LOCALES[language],
        viewport={"width": 390, "height": 844},
        is_mobile=True,
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(user.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(f"{base_url}/")
    page.goto(f"/figures/{programme.uuid}/")
    assert page.evaluate("document.documentElement.lang") == language

    bars = page.locator("svg.chart rect")
    expect(bars).to_have_count(4)  # employed and positive, two cohorts
    heights = bars.evaluate_all("rects => rects.map(r => r.getBoundingClientRect().height)")
    assert all(h > 1 for h in heights), heights
    # Attributes are machine numbers in every language; the text stays localised.
    for attribute in ("y", "height", "width"):
        values = bars.evaluate_all(f"rects => rects.map(r => r.getAttribute('{attribute}'))")
        assert all("," not in v for v in values), values
    ticks = page.locator("svg.chart text").evaluate_all("ts => ts.map(t => t.textContent)")
    assert "50 %" in ticks and "2023" in ticks and "2024" in ticks
    screenshot(page, f"chart-{language}")
    assert errors == []
    context.close()
