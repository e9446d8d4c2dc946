from django.apps import AppConfig


class WorkshopsConfig(AppConfig):
    name = "riposte.workshops"
    label = "workshops"
