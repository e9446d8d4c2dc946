from django.apps import AppConfig


class WorkshopsConfig(AppConfig):
    name = "riposte.workshops"
    label = "workshops"

    def ready(self) -> None:
        # A milestone opens the cooperation form, and is linked to the cooperation it becomes
        # (riposte.cooperations.hooks: cooperations know no module, the module registers there).
        from riposte.cooperations.hooks import register_origin
        from riposte.workshops.links import ORIGIN_KIND, cooperation_origin

        register_origin(ORIGIN_KIND, cooperation_origin)
