from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    """Shipments by Pos Indonesia in both directions: courier providers, labels, tracking events."""

    name = "dukcapil.delivery"
    label = "delivery"
