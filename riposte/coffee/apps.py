from django.apps import AppConfig


class CoffeeConfig(AppConfig):
    name = "riposte.coffee"
    label = "coffee"
