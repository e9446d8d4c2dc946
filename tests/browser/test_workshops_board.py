"""Issue 7's browser test: two people in the same workshop, each in a browser of their own, on the
real ASGI application (Django and Channels, served by granian in a thread: see
test_coffee_rooms.py). A note posted in one appears in the other within a second; votes, the
reveal, the lock and "bring everyone here" reach the other page too; the page keeps the keyboard
focus and what was being typed when a fragment is replaced; axe-core passes on the board of a
participant and of the facilitator, on a desktop and on a phone.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from riposte.workshops.models import Note, Workshop, WorkshopStatus
from riposte.workshops.services import participant_join
from tests.browser.conftest import check_axe, french_page, login
from tests.browser.test_coffee_rooms import asgi_site  # noqa: F401  (the fixture)
from tests.workshops.board_builders import steps_of
from tests.workshops.builders import make_workshop

pytestmark = pytest.mark.browser

WITHIN_A_SECOND = 1_000


def open_board(page: Page, url: str) -> None:
    page.goto(url)
    # The socket is open: from now on the page hears every change.
    expect(page.locator("#board-live")).to_have_attribute("data-connected", "true")


def post_note(page: Page, step_id: int, text: str) -> None:
    page.locator(f"#post-{step_id}-text").fill(text)
    page.locator(f"#post-{step_id}-submit").click()


def note_in(page: Page, step_id: int, text: str):
    return page.locator(f"#step-{step_id} .board-note", has_text=text)


def test_two_people_on_one_board(browser, asgi_site, agent, facilitator):  # noqa: F811
    workshop = make_workshop(by=facilitator, status=WorkshopStatus.LIVE)
    participant_join(workshop=workshop, agent=agent)
    first, second, third = steps_of(workshop)[:3]
    board_url = f"{asgi_site}/workshops/{workshop.pk}/board/"

    celia = french_page(browser)
    login(celia, asgi_site, agent.email)
    open_board(celia, board_url)
    fanny = french_page(browser)
    login(fanny, asgi_site, facilitator.email)
    open_board(fanny, board_url)
    check_axe(celia, "board (participant)")
    check_axe(fanny, "board (facilitator)")

    # A note posted in one browser appears in the other within a second.
    post_note(celia, first.pk, "Cartographier les acteurs qui coopèrent")
    expect(note_in(fanny, first.pk, "Cartographier les acteurs qui coopèrent")).to_be_visible(
        timeout=WITHIN_A_SECOND
    )
    expect(note_in(celia, first.pk, "Cartographier les acteurs")).to_contain_text("Vous")
    expect(note_in(fanny, first.pk, "Cartographier les acteurs")).to_contain_text("Célia Navarro")
    # Back in the form, ready for the next note.
    expect(celia.locator(f"#post-{first.pk}-text")).to_be_focused()
    expect(celia.locator(f"#post-{first.pk}-text")).to_have_value("")
    note = Note.objects.get()

    # A vote in one is counted in the other; the voter's own count says "mine".
    fanny.locator(f"#note-{note.pk}-vote").click()
    expect(note_in(celia, first.pk, "Cartographier").locator(".board-note-dots")).to_have_text(
        "1 gommette", timeout=WITHIN_A_SECOND
    )
    expect(fanny.locator("#my-dots")).to_contain_text("Il vous reste 4 gommettes sur 5")
    expect(fanny.locator(f"#note-{note.pk} .board-note-mine")).to_be_visible()

    # Keyboard only: Célia votes with Enter; the focus stays on her button when the step is
    # replaced, and her vote arrives on Fanny's page.
    celia.locator(f"#note-{note.pk}-vote").focus()
    celia.keyboard.press("Enter")
    expect(fanny.locator(f"#note-{note.pk} .board-note-dots")).to_have_text(
        "2 gommettes", timeout=WITHIN_A_SECOND
    )
    expect(celia.locator(f"#note-{note.pk}-vote")).to_be_focused()

    # What Célia is typing is not lost when someone else's note replaces her step.
    celia.locator(f"#post-{second.pk}-text").fill("Une idée pas encore envoyée")
    post_note(fanny, second.pk, "Débriefer avec eux")
    expect(note_in(celia, second.pk, "Débriefer avec eux")).to_be_visible(timeout=WITHIN_A_SECOND)
    expect(celia.locator(f"#post-{second.pk}-text")).to_have_value("Une idée pas encore envoyée")

    # Hidden until the reveal: Célia sees that a note is there, not what it says.
    fanny.locator(f"#step-{third.pk}-hide").click()
    expect(celia.locator(f"#step-{third.pk}")).to_contain_text(
        "Notes masquées jusqu'à la révélation", timeout=WITHIN_A_SECOND
    )
    post_note(fanny, third.pk, "Voter la loi 4D")
    expect(celia.locator(f"#step-{third.pk} .board-kept")).to_be_visible(timeout=WITHIN_A_SECOND)
    expect(note_in(celia, third.pk, "Voter la loi 4D")).to_have_count(0)
    expect(note_in(fanny, third.pk, "Voter la loi 4D")).to_contain_text("Masquée aux participants")
    fanny.locator(f"#step-{third.pk}-reveal").click()
    expect(note_in(celia, third.pk, "Voter la loi 4D")).to_be_visible(timeout=WITHIN_A_SECOND)

    # Locked: Célia's form goes away, and her note stays put.
    fanny.locator(f"#step-{first.pk}-lock").click()
    expect(celia.locator(f"#post-{first.pk}")).to_have_count(0, timeout=WITHIN_A_SECOND)
    expect(celia.locator(f"#step-{first.pk}")).to_contain_text("Verrouillée")
    expect(celia.locator(f"#note-{note.pk}-move")).to_have_count(0)

    # Keyboard only: move a note to another step through its "Move" menu.
    celia.locator(f"#post-{second.pk}-submit").click()  # her draft, posted
    mine = note_in(celia, second.pk, "Une idée pas encore envoyée")
    expect(mine).to_be_visible()
    moved = Note.objects.get(text="Une idée pas encore envoyée")
    celia.locator(f"#note-{moved.pk}-move-toggle").focus()
    celia.keyboard.press("Enter")
    expect(celia.locator(f"#note-{moved.pk}-move")).to_have_attribute("open", "")
    celia.locator(f"#note-{moved.pk}-move-link").focus()
    celia.keyboard.press("Enter")  # the list of places comes, and takes the focus
    expect(celia.locator(f"#note-{moved.pk}-to")).to_be_focused()
    celia.locator(f"#note-{moved.pk}-to").select_option(str(third.pk))
    celia.locator(f"#note-{moved.pk}-move-submit").focus()
    celia.keyboard.press("Enter")
    expect(note_in(fanny, third.pk, "Une idée pas encore envoyée")).to_be_visible(
        timeout=WITHIN_A_SECOND
    )
    expect(celia.locator(f"#note-{moved.pk}-move-toggle")).to_be_focused()

    # "Bring everyone here": Célia's page goes to the axis, its heading focused and announced.
    axis = workshop.axes.order_by("position")[3]
    fanny.locator(f"#focus-{axis.pk}").click()
    heading = celia.locator(f"#axis-{axis.pk}-title")
    expect(heading).to_be_focused(timeout=WITHIN_A_SECOND)
    expect(celia.locator("#board-announce")).to_contain_text(axis.title)

    # The timer counts down on every page.
    fanny.locator("#timer-minutes").fill("2")
    fanny.locator("#timer-start").click()
    expect(celia.locator("#board-timer")).to_be_visible(timeout=WITHIN_A_SECOND)
    expect(celia.locator("#board-timer .board-timer-left")).to_contain_text("1:5")

    check_axe(celia, "board in use (participant)")
    check_axe(fanny, "board in use (facilitator)")
    assert Workshop.objects.get(pk=workshop.pk).revision >= 10
    celia.context.close()
    fanny.context.close()


def test_the_board_on_a_phone_without_javascript(browser, asgi_site, agent, facilitator):  # noqa: F811
    """360 px wide, scripts off: every form still works (POST, then back to the same place)."""
    workshop = make_workshop(by=facilitator, status=WorkshopStatus.LIVE)
    participant_join(workshop=workshop, agent=agent)
    step = steps_of(workshop)[0]
    context = browser.new_context(
        bypass_csp=True, viewport={"width": 360, "height": 740}, locale="fr-FR",
        java_script_enabled=False,
    )  # fmt: skip
    page = context.new_page()
    login(page, asgi_site, agent.email)
    page.goto(f"{asgi_site}/workshops/{workshop.pk}/board/")
    post_note(page, step.pk, "Ouvrir des maisons collaboratives")
    expect(page).to_have_url(f"{asgi_site}/workshops/{workshop.pk}/board/#post-{step.pk}")
    expect(page.locator(".messages")).to_contain_text("Votre note est sur le tableau.")
    note = Note.objects.get()
    page.locator(f"#note-{note.pk}-vote").click()
    expect(page.locator(f"#note-{note.pk} .board-note-dots")).to_have_text("1 gommette")
    context.close()

    # With scripts (axe needs them): nothing wider than the phone, and no accessibility fault.
    phone = browser.new_context(
        bypass_csp=True, viewport={"width": 360, "height": 740}, locale="fr-FR"
    ).new_page()
    login(phone, asgi_site, agent.email)
    open_board(phone, f"{asgi_site}/workshops/{workshop.pk}/board/")
    phone.locator(f"#note-{note.pk}-move-toggle").click()
    phone.locator(f"#note-{note.pk}-edit-toggle").click()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    check_axe(phone, "board on a phone")
    phone.context.close()
