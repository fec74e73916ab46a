from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    """Issued documents: numbering, PDFs, signing, QR, public verification, card printing."""

    name = "dukcapil.documents"
    label = "documents"
