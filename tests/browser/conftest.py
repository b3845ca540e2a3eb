"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

Playwright never downloads a browser here: it launches /usr/bin/chromium
(`apt-get install chromium`). Without it these tests skip, visibly, unless
DUO_REQUIRE_BROWSER=1 (CI), where they fail instead.
"""

import os
from pathlib import Path

import pytest
from django.core.cache import cache

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
