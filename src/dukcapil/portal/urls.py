"""Citizen portal URLs (mounted at the site root: each path is written in full)."""

from django.urls import path

from dukcapil.portal import views

app_name = "portal"
case = "permohonan/<str:tracking_number>/"
status = "status/<str:tracking_number>/"
urlpatterns = [
    path("layanan/", views.home, name="home"),
    path("privasi/", views.privacy, name="privacy"),
    path("cek-identitas/", views.identity, name="identity"),
    path("keluar/", views.sign_out, name="sign_out"),
    path("ajukan/<str:code>/", views.apply, name="apply"),
    path(case + "isi/", views.draft, name="draft"),
    path(case + "tanda-terima/", views.receipt_page, name="receipt"),
    path(case + "tanda-terima.pdf", views.receipt_pdf, name="receipt_pdf"),
    path("status/", views.status_lookup, name="status_lookup"),
    path(status, views.status, name="status"),
    path(status + "perbaikan/", views.revise, name="revise"),
    path(status + "batal/", views.cancel, name="cancel"),
    path(status + "berkas/<int:pk>/", views.attachment, name="attachment"),
]
