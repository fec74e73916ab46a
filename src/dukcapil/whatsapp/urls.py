"""URLs of the whatsapp app (mounted at the site root: each path is written in full)."""

from django.urls import path

from dukcapil.whatsapp import webhook

app_name = "whatsapp"
urlpatterns = [
    path("webhooks/whatsapp", webhook.whatsapp_webhook, name="webhook"),
]
