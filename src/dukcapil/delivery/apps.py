from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    """Shipments by Pos Indonesia in both directions: courier providers, labels, tracking events."""

    name = "dukcapil.delivery"
    label = "delivery"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dukcapil.accounts.selectors import register_scope

        # A parcel belongs where its application belongs.
        register_scope(
            "delivery.Shipment",
            kecamatan_path="application__kecamatan",
            regency_path="application__office",
            personal_data=True,
        )
