from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "dukcapil.core"
    label = "core"
