"""Browser tests: Debian's chromium, driven by Playwright (sync API), against pytest-django's
live server.

Playwright is never asked to download a browser: it launches /usr/bin/chromium. The site sends a
strict Content-Security-Policy, so contexts bypass it to let axe-core be injected as a script tag.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, expect, sync_playwright

from riposte.core.models import Notification
from riposte.directory.models import Agent
from riposte.directory.services import agent_update_profile
from riposte.initiatives.services import InitiativeData, initiative_create
from tests.conftest import PASSWORD

# Playwright's sync API runs an event loop in the test thread: Django's ORM must still be usable
# from the test body (fixtures create data while a page is open).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING_IMPACTS = {"serious", "critical"}
DESKTOP = {"width": 1280, "height": 900}
# Expect's default is 5 s; the live server answers in milliseconds, failures should be quick.
expect.set_options(timeout=5_000)


# WebGL (the cooperations graph) in headless chromium without a GPU: swiftshader.
WEBGL_ARGS = [
    "--no-sandbox",
    "--enable-unsafe-swiftshader",
    "--use-angle=swiftshader",
    "--ignore-gpu-blocklist",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    # One Playwright per session: a second one in the same thread is refused.
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} is missing: run `npm install` at the root of the repository.")
    with sync_playwright() as running:
        yield running


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def webgl_browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=WEBGL_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    # A French-speaking browser, as the agents of a French département have: the default language.
    ctx = browser.new_context(bypass_csp=True, viewport=DESKTOP, locale="fr-FR")
    ctx.set_default_timeout(10_000)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    # The login rate limiter counts in the (process-wide) local-memory cache: tests that fail a
    # login on purpose must not lock out the next ones.
    cache.clear()


@pytest.fixture
def site_url(live_server) -> str:
    return live_server.url


@pytest.fixture
def world(actors, service) -> dict[str, Any]:
    """The actors, with a filled-in profile and a few notifications, so pages show real content."""
    agent: Agent = actors["agent"]  # type: ignore[assignment]
    agent_update_profile(
        agent=agent,
        job_title="Assistante sociale",
        phone="01 43 93 00 00",
        skills=["Langue des signes", "Tableurs"],
        support_profiles=["design", "data"],
        email_frequency="daily",
        language="fr",
    )
    Notification.objects.create(
        recipient=agent,
        actor=actors["facilitator"],
        message="Fanny Lebon a commenté votre idée.",
        url="/",
    )
    Notification.objects.create(recipient=agent, actor=None, message="Bienvenue sur Riposte.")
    initiative = initiative_create(
        author=agent,
        data=InitiativeData(
            title="Un registre des personnes fragiles pour les canicules",
            problem="Pendant les vagues de chaleur, on ne sait pas qui appeler en priorité.",
            idea="Un registre tenu avec les CCAS, et des appels les jours d'alerte.",
            whole_department=True,
            help_profiles=["data"],
        ),
        submit=True,
    )
    return {**actors, "service": service, "initiative": initiative}


def french_page(browser: Browser) -> Page:
    """A page of its own (its own cookies: one person each) in French, on a desktop screen."""
    context = browser.new_context(bypass_csp=True, viewport=DESKTOP, locale="fr-FR")
    context.set_default_timeout(15_000)
    return context.new_page()


def login(page: Page, site_url: str, email: str, password: str = PASSWORD) -> None:
    """Log in through the real form, as an agent would."""
    page.goto(f"{site_url}/auth/login/")
    page.locator("#id_email").fill(email)
    page.locator("#id_password").fill(password)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(f"{site_url}/")


def switch_to_english(page: Page) -> None:
    """Use the language button of the header; the choice is remembered by a cookie."""
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.locator(".language-switch button[value=en]").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(".language-switch button[value=fr]")).to_be_visible()


def check_axe(page: Page, label: str = "") -> list[dict[str, Any]]:
    """Run axe-core (WCAG 2.0/2.1 A and AA rules) on the page; fail on any serious or critical
    violation, listing its rule, its help and the nodes concerned.

    Returns every violation (minor and moderate ones included) so a test can look at them too.
    """
    page.wait_for_load_state("load")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    violations: list[dict[str, Any]] = page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: tags});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                nodes: v.nodes.map(n => ({
                    target: n.target, html: n.html, summary: n.failureSummary,
                })),
            }));
        }""",
        AXE_TAGS,
    )
    blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
    if blocking:
        lines = [f"axe: {len(blocking)} serious/critical violation(s) on {label or page.url}"]
        for v in blocking:
            lines.append(f"- [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
            for node in v["nodes"]:
                lines.append(f"    {json.dumps(node['target'])}: {node['html'][:200]}")
                lines.append("      " + re.sub(r"\s+", " ", node["summary"] or "")[:400])
        pytest.fail("\n".join(lines), pytrace=False)
    return violations
