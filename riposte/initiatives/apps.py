from django.apps import AppConfig


class InitiativesConfig(AppConfig):
    name = "riposte.initiatives"
    label = "initiatives"

    def ready(self) -> None:
        from riposte.core.participation import register
        from riposte.initiatives.participation import initiatives_of

        register(initiatives_of)
