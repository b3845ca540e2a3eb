"""The Content-Security-Policy in a real browser (issue 13, item 3): the
figures page draws its chart, the duo page and a public application form show
with no console error — a CSP violation is one — and a note holding a script
is shown as text, never run. A probe proves the policy is enforced."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from programmes.models import Role
from reporting.services import snapshot_compute
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PASSWORD = "a-Long-coordinator-Passw0rd"
XSS = "<script>alert(1)</script>"


@pytest.fixture
def setup(transactional_db):
    programme = factories.ProgrammeFactory(name="DUO Brussel")
    duos = []
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
            duos.append(duo)
    snapshot_compute(programme=programme)
    user = factories.MembershipFactory(organisation=programme.operator, role=Role.COORDINATOR).user
    user.set_password(PASSWORD)
    user.save()
    duo = duos[0]
    factories.MeetingFactory(duo=duo, logged_by=user, note=f"Talked about {XSS}")
    return user, programme, duo


class Watched:
    """A page whose console errors, script errors, dialogs and CSP violations are kept."""

    def __init__(self, context):
        self.page = context.new_page()
        self.page.set_default_timeout(10_000)
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.policies: list[str] = []
        self.page.on(
            "console",
            lambda m: (
                self.errors.append(f"{m.text} ({self.page.url})") if m.type == "error" else None
            ),
        )
        self.page.on("pageerror", lambda e: self.errors.append(f"{e} ({self.page.url})"))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))

    def goto(self, url: str):
        response = self.page.goto(url)
        assert response is not None and response.ok, url
        header = response.headers.get("content-security-policy", "")
        assert "default-src 'self'" in header and "unsafe-inline" not in header, (url, header)
        self.policies.append(header)
        self.page.wait_for_load_state("load")
        return response


def test_pages_work_under_the_policy(browser, base_url, setup, screenshot):
    user, programme, duo = setup
    context = browser.new_context(base_url=base_url, locale="en-GB")
    watched = Watched(context)
    page = watched.page

    # A public application form, before signing in.
    watched.goto(f"/apply/{programme.slug}/mentee/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    # The stylesheet applied: it comes from 'self', so the policy lets it in.
    assert page.evaluate("document.styleSheets.length") >= 1
    assert page.evaluate(
        "[...document.styleSheets].every(s => { try { return s.cssRules.length > 0 } "
        "catch (e) { return false } })"
    )
    screenshot(page, "apply")

    watched.goto("/accounts/login/")
    page.locator("input[name=login]").fill(user.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(f"{base_url}/")

    # The figures page and its server-rendered chart.
    watched.goto(f"/figures/{programme.uuid}/")
    bars = page.locator("svg.chart rect")
    expect(bars).to_have_count(4)  # employed and positive, two cohorts
    heights = bars.evaluate_all("rects => rects.map(r => r.getBoundingClientRect().height)")
    assert all(h > 1 for h in heights), heights
    # Coloured by the stylesheet's classes (no inline style), not the SVG default black.
    fills = bars.evaluate_all("rects => rects.map(r => getComputedStyle(r).fill)")
    assert all(f not in ("rgb(0, 0, 0)", "none", "") for f in fills), fills
    screenshot(page, "figures")

    # The duo page: the note with a script is text on the page and never runs.
    watched.goto(f"/duos/{duo.uuid}/")
    expect(page.get_by_text(f"Talked about {XSS}")).to_be_visible()
    assert page.locator("main script").count() == 0
    screenshot(page, "duo")

    assert watched.errors == []
    assert watched.dialogs == []

    # The probe: an inline script and an inline style put into the page are
    # refused by the browser, each with a console error — so a clean console
    # above means no page of this test broke the policy.
    ran = page.evaluate(
        """() => new Promise(resolve => {
            const violations = [];
            document.addEventListener('securitypolicyviolation',
                e => violations.push(e.violatedDirective));
            window.__inlineRan = false;
            const script = document.createElement('script');
            script.textContent = 'window.__inlineRan = true';
            document.body.appendChild(script);
            const div = document.createElement('div');
            div.setAttribute('style', 'display: none');
            document.body.appendChild(div);
            setTimeout(() => resolve({
                ran: window.__inlineRan,
                hidden: getComputedStyle(div).display === 'none',
                violations,
            }), 200);
        })"""
    )
    assert ran["ran"] is False and ran["hidden"] is False, ran
    assert any(v.startswith("script-src") for v in ran["violations"]), ran
    assert any(v.startswith("style-src") for v in ran["violations"]), ran
    assert any("Content Security Policy" in e for e in watched.errors), watched.errors
    context.close()
