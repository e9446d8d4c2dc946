from django.apps import AppConfig


class NormsConfig(AppConfig):
    name = "riposte.norms"
    label = "norms"
