from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "riposte.directory"
    label = "directory"
