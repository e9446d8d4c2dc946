"""The modules as the menu and the home page show them: URLs and texts in the page's language."""

import pytest
from django.urls import set_script_prefix
from django.utils import translation

from riposte.core.modules import MODULES, module_links


def test_links_follow_the_language():
    with translation.override("fr"):
        french = module_links()
    with translation.override("en"):
        english = module_links()
    assert [m.slug for m in french] == [m.slug for m in MODULES]
    assert english[1].name == "Cooperations"
    assert french[1].name == "Coopérations"
    assert all(isinstance(m.summary, str) for m in french)


def test_links_follow_the_script_prefix():
    try:
        set_script_prefix("/riposte/")
        assert module_links()[0].url == "/riposte/initiatives/"  # a built module: its own pages
        assert module_links()[4].url == "/riposte/workshops/"
    finally:
        set_script_prefix("/")
    assert module_links()[0].url == "/initiatives/"


@pytest.mark.django_db
def test_menu_marks_the_current_page(client_for):
    page = client_for("agent").get("/workshops/").content.decode()
    assert '<a href="/workshops/" aria-current="page">' in page
    assert page.count('aria-current="page"') == 1
