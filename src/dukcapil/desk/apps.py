from django.apps import AppConfig


class DeskConfig(AppConfig):
    """The back office: the verifiers' queue, the review of one case, the overdue list."""

    name = "dukcapil.desk"
    label = "desk"
