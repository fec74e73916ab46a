from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The citizen web portal: services, identity check, application form, receipt, status."""

    name = "dukcapil.portal"
    label = "portal"
