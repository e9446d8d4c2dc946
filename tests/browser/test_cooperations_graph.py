"""The network of cooperations in a real browser: the drawing (sigma.js, WebGL) appears, its text
alternative is there, the keyboard moves and zooms it and focuses an actor; the map of actors
works with the keyboard too; axe-core finds no serious violation.

WebGL needs a GPU, which a headless test machine lacks: this module starts its own chromium with
SwiftShader, Chrome's software renderer (the shared browser of conftest.py disables the GPU).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from typing import Any

import pytest
from PIL import Image
from playwright.sync_api import Browser, BrowserContext, Page, expect

from riposte.cooperations.models import ActorKind
from tests.browser.conftest import DESKTOP, check_axe, login
from tests.cooperations.builders import make_actor, make_commune, make_cooperation, make_event

pytestmark = pytest.mark.browser


@pytest.fixture
def page(webgl_browser: Browser) -> Iterator[Page]:
    context: BrowserContext = webgl_browser.new_context(
        bypass_csp=True, viewport=DESKTOP, locale="fr-FR"
    )
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def network(world) -> dict[str, Any]:
    facilitator, agent = world["facilitator"], world["agent"]
    bobigny = make_commune("Bobigny", "93008")
    bondy = make_commune("Bondy", "93010")
    lockdown = make_event()
    food = make_actor("Restos du cœur de Bobigny", by=facilitator, commune=bobigny)
    town = make_actor("CCAS de Bondy", ActorKind.COMMUNE, by=facilitator, commune=bondy)
    school = make_actor("Collège Pablo-Neruda", ActorKind.SCHOOL, by=facilitator, commune=bobigny)
    shop = make_actor("Épicerie <em>solidaire</em>", by=facilitator, commune=bondy)
    make_actor("Club de prévention de Bondy", by=facilitator, commune=bondy)  # no cooperation yet
    make_cooperation([food, town], by=agent, event=lockdown, started_on=dt.date(2020, 3, 18))
    make_cooperation(
        [town, school], by=agent, title="Ordinateurs prêtés", started_on=dt.date(2020, 4, 2)
    )
    make_cooperation([town, shop], by=agent, title="Paniers", started_on=dt.date(2020, 4, 9))
    return {**world, "food": food, "town": town, "school": school, "shop": shop}


def _drawn(page: Page) -> None:
    expect(page.locator("#graph-canvas")).to_have_attribute("data-ready", "true")


def _camera(page: Page) -> dict[str, float]:
    return page.evaluate("window.riposteGraph.renderer.getCamera().getState()")


def test_the_drawing_appears_with_its_text_alternative(page: Page, site_url, network):
    login(page, site_url, network["agent"].email)
    page.goto(f"{site_url}/cooperations/graph/")
    _drawn(page)
    assert page.evaluate("[window.riposteGraph.graph.order, window.riposteGraph.graph.size]") == [
        5,
        3,
    ]
    # The canvas really drew: dots and lines, not a blank rectangle.
    shot = Image.open(io.BytesIO(page.locator("#graph-canvas").screenshot())).convert("RGB")
    colours = {colour for _count, colour in shot.getcolors(maxcolors=1_000_000)}
    assert len(colours) > 20
    # The kind colour of an association (graph.css) is on the canvas.
    assert any(
        abs(r - 0xC0) < 12 and abs(g - 0x39) < 12 and abs(b - 0x2B) < 12 for r, g, b in colours
    )
    # The same actors in the table, the alternative of the drawing.
    expect(page.locator("table.graph-table tbody tr")).to_have_count(5)
    expect(page.locator("table.graph-table tbody tr").first).to_contain_text("CCAS de Bondy")
    expect(page.locator("table.graph-table")).to_contain_text("Épicerie <em>solidaire</em>")
    check_axe(page, "graph page")


def test_the_keyboard_moves_zooms_and_focuses(page: Page, site_url, network):
    login(page, site_url, network["agent"].email)
    page.emulate_media(reduced_motion="reduce")  # no animation: each key's effect is immediate
    page.goto(f"{site_url}/cooperations/graph/")
    _drawn(page)
    # Tab goes from the zoom buttons to the drawing.
    page.locator(".graph-zoom button[data-zoom=reset]").focus()
    page.keyboard.press("Tab")
    expect(page.locator("#graph-canvas")).to_be_focused()
    before = _camera(page)
    page.keyboard.press("+")
    page.wait_for_function(f"window.riposteGraph.renderer.getCamera().ratio < {before['ratio']}")
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"window.riposteGraph.renderer.getCamera().x > {before['x']}")
    # Up shows what is above, as on a map: the dots go down the screen.
    where = """(key) => { const g = window.riposteGraph.graph, r = window.riposteGraph.renderer;
        return r.graphToViewport({x: g.getNodeAttribute(key, "x"), y: g.getNodeAttribute(key, "y")}).y; }"""
    town = str(network["town"].pk)
    high = page.evaluate(where, town)
    page.keyboard.press("ArrowUp")
    page.wait_for_function(f"({where})('{town}') > {high}")
    page.keyboard.press("0")
    page.wait_for_function("window.riposteGraph.renderer.getCamera().ratio === 1")

    # "Show on the drawing" from the table: the actor's panel comes, the others fade out.
    town = network["town"]
    link = page.locator(f"table.graph-table a[data-focus='{town.pk}']")
    link.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#focus-panel #focus-title")).to_have_text("CCAS de Bondy")
    expect(page.locator("#focus-panel")).to_be_focused()
    expect(page.locator("#focus-panel table tbody tr")).to_have_count(3)
    assert f"focus={town.pk}" in page.url
    colours = page.evaluate(
        """(keys) => keys.map(k => window.riposteGraph.renderer.getNodeDisplayData(k).color)""",
        [str(town.pk), str(network["food"].pk)],
    )
    assert colours[0] != colours[1]
    check_axe(page, "graph page with an actor's panel")
    # From the panel, a partner in turn.
    page.locator(f"#focus-panel a[data-focus='{network['school'].pk}']").click()
    expect(page.locator("#focus-panel #focus-title")).to_have_text("Collège Pablo-Neruda")


def test_a_shared_focus_link_opens_on_the_actor(page: Page, site_url, network):
    login(page, site_url, network["agent"].email)
    page.emulate_media(reduced_motion="reduce")
    page.goto(f"{site_url}/cooperations/graph/?focus={network['shop'].pk}")
    _drawn(page)
    expect(page.locator("#focus-title")).to_have_text("Épicerie <em>solidaire</em>")
    page.wait_for_function("window.riposteGraph.renderer.getCamera().ratio < 1")


def test_a_search_highlights_the_matches(page: Page, site_url, network):
    login(page, site_url, network["agent"].email)
    page.goto(f"{site_url}/cooperations/graph/")
    _drawn(page)
    page.locator("#graph-q").fill("epicerie")
    page.locator("#graph-q").press("Enter")
    _drawn(page)
    expect(page.locator("table.graph-table tbody tr")).to_have_count(1)
    expect(page.locator("#graph-status")).to_contain_text("1")
    colours = page.evaluate(
        """(keys) => keys.map(k => window.riposteGraph.renderer.getNodeDisplayData(k).color)""",
        [str(network["shop"].pk), str(network["town"].pk)],
    )
    assert colours[0] != colours[1]


def test_the_map_of_actors(page: Page, site_url, network):
    login(page, site_url, network["agent"].email)
    page.emulate_media(reduced_motion="reduce")
    page.goto(f"{site_url}/cooperations/map/")
    markers = page.locator(".leaflet-marker-icon.map-count")
    expect(markers).to_have_count(2)
    bondy = page.locator(".leaflet-marker-icon.map-count", has_text="3")
    bondy.focus()
    page.keyboard.press("Enter")
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("CCAS de Bondy")
    expect(popup).to_contain_text("Épicerie <em>solidaire</em>")
    expect(page.locator("main table")).to_contain_text("Bobigny")
    check_axe(page, "map of actors with a popup open")


def test_the_pages_keep_to_the_content_security_policy(webgl_browser: Browser, site_url, network):
    """The other tests bypass the CSP (to inject axe): here the site's own policy applies, and the
    drawing and the map must still work without a single violation."""
    context = webgl_browser.new_context(viewport=DESKTOP, locale="fr-FR")
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    login(page, site_url, network["agent"].email)
    response = page.goto(f"{site_url}/cooperations/graph/")
    assert (
        response is not None and "script-src 'self'" in response.headers["content-security-policy"]
    )
    _drawn(page)
    page.goto(f"{site_url}/cooperations/map/")
    expect(page.locator(".leaflet-marker-icon.map-count")).to_have_count(2)
    context.close()
    assert problems == []
