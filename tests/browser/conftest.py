"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

Playwright never downloads a browser here: it launches /usr/bin/chromium
(`apt-get install chromium`). Without it these tests skip, visibly, unless
DUO_REQUIRE_BROWSER=1 (CI), where they fail instead.
"""

import os
import re
from pathlib import Path

import pytest
from django.core.cache import cache
from django.utils import translation

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    if CHROMIUM.exists():
        return str(CHROMIUM)
    reason = (
        f"{CHROMIUM} is missing: the browser tests need Debian's chromium (apt install chromium)"
    )
    if os.environ.get("DUO_REQUIRE_BROWSER") == "1":
        pytest.fail(f"DUO_REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser(chromium_executable, playwright, browser_type_launch_args):
    """One headless Chromium for the whole run (pytest-playwright's own `browser`
    would look for a browser Playwright downloaded itself)."""
    # Playwright's sync API keeps an asyncio loop running in this thread until
    # the session ends, so Django would refuse every ORM call made here (test
    # data, checks, the flush after each test) as "async unsafe". They are not:
    # the live server answers in its own thread.
    saved = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    browser = playwright.chromium.launch(
        **{
            **browser_type_launch_args,  # keeps --headed and --slowmo for debugging
            "executable_path": chromium_executable,
            "args": CHROMIUM_ARGS,
        }
    )
    yield browser
    browser.close()
    if saved is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = saved


@pytest.fixture(scope="session")
def base_url(live_server) -> str:
    """`page.goto("/mentees/")` goes to the live server."""
    return live_server.url


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """Pages in English, on Brussels time, on a laptop-sized screen."""
    return {
        **browser_context_args,
        "locale": "en-GB",
        "timezone_id": "Europe/Brussels",
        "viewport": {"width": 1280, "height": 900},
    }


@pytest.fixture(autouse=True)
def _fresh_cache():
    # The application form counts submissions per address in the cache; the
    # live server shares this process's cache with the tests run before.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def screenshot(request):
    """`screenshot(page, "step")` saves test-artifacts/screenshots/<test>-NN-step.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    test = request.node.originalname.removeprefix("test_")
    taken = []

    def take(page, step: str) -> Path:
        taken.append(step)
        path = SCREENSHOTS / f"{test}-{len(taken):02d}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


# --- a phone, in Dutch or in French -------------------------------------------------------

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "timezone_id": "Europe/Brussels",
}
# The browser's own language: Accept-Language, which Django's LocaleMiddleware follows.
LOCALES = {"nl": "nl-BE", "fr": "fr-BE"}


class Phone:
    """One page on a phone-sized screen whose browser speaks ``language``.

    Collects what the browser reports: console errors, uncaught script errors
    and 5xx answers. ``check()`` after every page reached: the page is in the
    language and does not scroll sideways; ``assert_clean()`` at the end."""

    def __init__(self, context, language: str):
        self.context = context
        self.language = language
        self.page = context.new_page()
        self.page.set_default_timeout(10_000)
        self.console_errors: list[str] = []
        self.server_errors: list[str] = []
        page = self.page
        page.on(
            "console",
            lambda m: (
                self.console_errors.append(f"{m.text} ({m.location.get('url') or page.url})")
                if m.type == "error"
                else None
            ),
        )
        page.on("pageerror", lambda e: self.console_errors.append(f"{e} ({page.url})"))
        page.on(
            "response",
            lambda r: self.server_errors.append(f"{r.status} {r.url}") if r.status >= 500 else None,
        )

    def t(self, message) -> str:
        """``message`` (a msgid or a lazy label) as the site says it in this
        phone's language: to find fields and buttons by their visible name."""
        with translation.override(self.language):
            return translation.gettext(message) if isinstance(message, str) else str(message)

    def label(self, message) -> re.Pattern:
        """A field's label, with or without Django's label suffix (" :" in French)."""
        return re.compile(rf"^{re.escape(self.t(message))}\s*:?$")

    def check(self, language: str | None = None) -> None:
        page = self.page
        page.wait_for_load_state()
        assert page.evaluate("document.documentElement.lang") == (language or self.language), (
            page.url
        )
        scroll, width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert scroll <= width, f"{page.url} scrolls sideways: {scroll}px in {width}px"

    def assert_clean(self) -> None:
        assert self.console_errors == []
        assert self.server_errors == []


@pytest.fixture(params=sorted(LOCALES))
def phone(request, browser, base_url):
    """A phone whose browser is set to Dutch, then to French."""
    context = browser.new_context(**PHONE, locale=LOCALES[request.param], base_url=base_url)
    yield Phone(context, request.param)
    context.close()
