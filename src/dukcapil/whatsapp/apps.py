from django.apps import AppConfig


class WhatsappConfig(AppConfig):
    """WhatsApp Cloud API: webhook, conversation engine, outbound client, media, message log."""

    name = "dukcapil.whatsapp"
    label = "whatsapp"

    def ready(self) -> None:
        from dukcapil.accounts.selectors import register_scope

        # The operator inbox: a conversation belongs to the kecamatan of the citizen's family.
        register_scope("whatsapp.Conversation", kecamatan_path="kecamatan", personal_data=True)
