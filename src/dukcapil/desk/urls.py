"""Back office (``/kantor/``): its own url module, so its permission rules stay its own."""

from django.urls import path
from django.views.generic import RedirectView

from dukcapil.desk import views

app_name = "desk"
case = "permohonan/<str:tracking_number>/"
urlpatterns = [
    path("", RedirectView.as_view(pattern_name="desk:queue"), name="home"),
    path("antrean/", views.queue, name="queue"),
    path("antrean/ambil-berikutnya/", views.take_next, name="take_next"),
    path("terlambat/", views.overdue, name="overdue"),
    path("lampiran/<int:pk>/", views.attachment, name="attachment"),
    path(case, views.review, name="review"),
    path(case + "ambil/", views.claim, name="claim"),
    path(case + "kembalikan/", views.release, name="release"),
    path(case + "perbaikan/", views.request_revision, name="request_revision"),
    path(case + "setujui/", views.approve, name="approve"),
    path(case + "tolak/", views.reject, name="reject"),
    path(case + "persyaratan/<str:code>/", views.verdict, name="verdict"),
]

from dukcapil.desk.operator_urls import urlpatterns as operator_urlpatterns  # noqa: E402

urlpatterns += operator_urlpatterns
