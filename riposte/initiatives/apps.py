from django.apps import AppConfig


class InitiativesConfig(AppConfig):
    name = "riposte.initiatives"
    label = "initiatives"
