from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    """Issued documents: numbering, PDFs, signing, QR, public verification, card printing."""

    name = "dukcapil.documents"
    label = "documents"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dukcapil.accounts.selectors import register_scope

        for model in ("documents.IssuedDocument", "documents.CardPrintJob"):
            register_scope(model, kecamatan_path="kecamatan", regency_path="office",
                           personal_data=True)  # fmt: skip
        register_scope("documents.CardStock", kecamatan_path=None, regency_path="office")
