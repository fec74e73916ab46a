"""URLs of the delivery app (mounted at the site root: each path is written in full)."""

from django.urls import path

from dukcapil.delivery import views, webhook

app_name = "delivery"
urlpatterns = [
    path("webhooks/pos", webhook.pos_webhook, name="pos_webhook"),
    path("kantor/pengiriman/", views.shipment_list, name="list"),
    path("kantor/pengiriman/buat/", views.create, name="create"),
    path("kantor/pengiriman/manifest.<str:fmt>", views.manifest, name="manifest"),
    path("kantor/pengiriman/<int:pk>/", views.detail, name="detail"),
    path("kantor/pengiriman/<int:pk>/label.pdf", views.label, name="label"),
    path("kantor/pengiriman/<int:pk>/resi/", views.record_resi, name="resi"),
    path("kantor/pengiriman/<int:pk>/peristiwa/", views.record_event, name="event"),
    path("kantor/pengiriman/<int:pk>/batal/", views.cancel, name="cancel"),
    path("kantor/pengiriman/<int:pk>/diambil/", views.collected, name="collected"),
]
