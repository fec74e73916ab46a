"""URLs of the dashboard app (mounted at the site root: each path is written in full)."""

from django.urls import path

from dukcapil.dashboard import views

app_name = "dashboard"
urlpatterns = [
    path("dasbor/", views.index, name="index"),
    path("dasbor/kabupaten/<str:code>/", views.regency, name="regency"),
    path("dasbor/ekspor/<slug:table>.<str:fmt>", views.export, name="export"),
]
