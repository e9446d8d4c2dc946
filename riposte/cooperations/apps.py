from django.apps import AppConfig


class CooperationsConfig(AppConfig):
    name = "riposte.cooperations"
    label = "cooperations"
