from django.apps import AppConfig


class WhatsappConfig(AppConfig):
    """WhatsApp Cloud API: webhook, conversation engine, outbound client, media, message log."""

    name = "dukcapil.whatsapp"
    label = "whatsapp"
