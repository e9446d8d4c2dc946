from django.apps import AppConfig


class NormsConfig(AppConfig):
    name = "riposte.norms"
    label = "norms"

    def ready(self) -> None:
        # An initiative that needs an authorisation offers to put it in the register
        # (riposte.initiatives.hooks: initiatives know no module, the module registers there).
        from riposte.initiatives.hooks import register_authorisation_action
        from riposte.norms.links import propose_from_initiative

        register_authorisation_action(propose_from_initiative)
