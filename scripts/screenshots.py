"""Screenshots of the main pages of a running Riposte demo, for the documentation.

    uv run python scripts/screenshots.py http://127.0.0.1:8000 docs/screenshots

Logs in as the demo agent (`riposte demo` creates it) with Debian's chromium; Playwright is never
asked to download a browser.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import Page, expect, sync_playwright

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
EMAIL = "agent@demo.riposte.test"
FACILITATOR = "facilitatrice@demo.riposte.test"
PASSWORD = "riposte-demo"  # noqa: S105 (the public password of the demo data)
DESKTOP = {"width": 1280, "height": 800}
MOBILE = {"width": 360, "height": 740}


def shoot(page: Page, outdir: Path, name: str) -> None:
    page.wait_for_load_state("networkidle")
    path = outdir / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    print(f"{path}  {page.url}")


def main(base_url: str, outdir: Path) -> None:
    base_url = base_url.rstrip("/")
    outdir.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        context = browser.new_context(viewport=DESKTOP, locale="fr-FR")
        page = context.new_page()

        page.goto(f"{base_url}/auth/login/")
        shoot(page, outdir, "login")

        page.locator("#id_email").fill(EMAIL)
        page.locator("#id_password").fill(PASSWORD)
        page.locator("main form button[type=submit]").click()
        expect(page).to_have_url(f"{base_url}/")
        shoot(page, outdir, "home")

        page.goto(f"{base_url}/directory/?q=camille")
        first = page.locator("#results .agent-list a").first
        expect(first).to_be_visible()
        shoot(page, outdir, "directory-camille")

        first.click()
        page.wait_for_url(f"{base_url}/directory/agents/**")
        shoot(page, outdir, "agent")

        page.goto(f"{base_url}/me/")
        shoot(page, outdir, "profile")

        page.goto(f"{base_url}/initiatives/")
        shoot(page, outdir, "initiatives")

        # The form, with the suggestions that come as the agent types.
        page.goto(f"{base_url}/initiatives/new/")
        page.locator("#id_title").fill("Téléphoner à nos aînés qui vivent seuls")
        page.locator("#id_problem").fill(
            "Avec le confinement, nos anciens ne voient plus personne : il faudrait les appeler."
        )
        expect(page.locator("#similar li").first).to_be_visible()
        shoot(page, outdir, "initiative-form")

        page.goto(f"{base_url}/initiatives/?stage=accompagnee")
        page.locator("#results .initiative-list a").first.click()
        page.wait_for_url(f"{base_url}/initiatives/*/")
        shoot(page, outdir, "initiative")

        page.goto(f"{base_url}/initiatives/dashboard/")
        shoot(page, outdir, "initiatives-dashboard")

        page.goto(f"{base_url}/initiatives/map/")
        expect(page.locator(".map-count").first).to_be_visible()
        shoot(page, outdir, "initiatives-map")

        page.set_viewport_size(MOBILE)
        page.goto(f"{base_url}/")
        shoot(page, outdir, "home-360")

        # The support team's queue, as the demo facilitator.
        page.set_viewport_size(DESKTOP)
        page.locator("form[action='/auth/logout/'] button").click()
        page.goto(f"{base_url}/auth/login/")
        page.locator("#id_email").fill(FACILITATOR)
        page.locator("#id_password").fill(PASSWORD)
        page.locator("main form button[type=submit]").click()
        expect(page).to_have_url(f"{base_url}/")
        page.goto(f"{base_url}/initiatives/triage/")
        shoot(page, outdir, "initiatives-triage")

        context.close()
        browser.close()


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: screenshots.py BASE_URL OUTDIR")
    main(sys.argv[1], Path(sys.argv[2]))
