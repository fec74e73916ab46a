"""URLs of the whatsapp app (mounted at the site root: each path is written in full)."""

from django.urls import path

from dukcapil.whatsapp import views, webhook

app_name = "whatsapp"
urlpatterns = [
    path("webhooks/whatsapp", webhook.whatsapp_webhook, name="webhook"),
    path("kantor/whatsapp/", views.inbox, name="inbox"),
    path("kantor/whatsapp/<int:pk>/", views.conversation, name="conversation"),
    path("kantor/whatsapp/<int:pk>/selesai", views.close, name="close"),
]
