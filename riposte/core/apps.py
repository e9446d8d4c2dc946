from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "riposte.core"
    label = "core"
