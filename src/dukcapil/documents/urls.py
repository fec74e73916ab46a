"""URLs of the documents app (mounted at the site root: each path is written in full).

Public: ``verifikasi/`` (QR codes lead here) and ``dokumen/unduh/`` (short-lived signed links).
Staff: ``kantor/dokumen/`` (signing official) and ``kantor/kartu/`` (card printing)."""

from django.urls import path

from dukcapil.documents import views

app_name = "documents"
urlpatterns = [
    path("verifikasi/", views.verify_upload, name="verify_upload"),
    path("verifikasi/<str:code>/", views.verify, name="verify"),
    path("dokumen/unduh/<str:token>/", views.download, name="download"),
    path("kantor/dokumen/tanda-tangan/", views.signing_batch, name="batch"),
    path("kantor/dokumen/<int:pk>/pratinjau/", views.preview, name="preview"),
    path("kantor/kartu/", views.card_queue, name="cards"),
]
