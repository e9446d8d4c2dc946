"""The hook the norms module will use: an action beside the authorisation an initiative needs."""

import pytest

from riposte.initiatives import hooks
from riposte.initiatives.services import InitiativeData, initiative_create


@pytest.fixture(autouse=True)
def _no_module_registered(monkeypatch):
    """These tests are about the hook itself: the actions the modules register (the norms
    module's, in its AppConfig.ready: tests/norms/test_views.py) are set aside meanwhile."""
    monkeypatch.setattr(hooks, "_authorisation_actions", [])


@pytest.fixture
def open_debate():
    def action(initiative, agent):
        if not agent.is_facilitator:
            return None
        return hooks.Action("Mettre en débat", f"/norms/new/?initiative={initiative.pk}")

    hooks.register_authorisation_action(action)
    yield action
    hooks.unregister_authorisation_action(action)


def _needs_authorisation(agent, needed: bool = True):
    data = InitiativeData(
        title="Signer les bons de commande de moins de 500 €",
        problem="Chaque achat attend trois signatures.", idea="Une délégation de signature.",
        whole_department=True, needs_authorisation=needed,
        authorisation="Une délégation de signature au chef de service." if needed else "",
    )  # fmt: skip
    return initiative_create(author=agent, data=data, submit=True)


def test_a_registered_action_shows_beside_the_authorisation(client_for, agent, open_debate):
    initiative = _needs_authorisation(agent)
    page = client_for("facilitator").get(initiative.get_absolute_url()).content.decode()
    assert f'href="/norms/new/?initiative={initiative.pk}"' in page
    # The action decides who sees it.
    page = client_for("agent").get(initiative.get_absolute_url()).content.decode()
    assert "/norms/new/" not in page


def test_no_action_without_an_authorisation_needed(agent, facilitator, open_debate):
    initiative = _needs_authorisation(agent, needed=False)
    assert hooks.authorisation_actions(initiative, facilitator) == []


def test_no_module_registered_no_action(agent, facilitator):
    assert hooks.authorisation_actions(_needs_authorisation(agent), facilitator) == []
