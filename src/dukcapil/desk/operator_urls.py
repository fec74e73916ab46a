"""URLs of the kecamatan operator console, mounted by ``desk/urls.py`` under ``/kantor/``."""

from django.urls import path

from dukcapil.desk import operator

case = "operator/permohonan/<str:tracking_number>/"
urlpatterns = [
    path("operator/", operator.home, name="operator"),
    path("operator/penduduk/<int:pk>/", operator.resident, name="operator_resident"),
    path("operator/penduduk/<int:pk>/ajukan/<str:code>/", operator.start, name="operator_start"),
    path(case, operator.application_form, name="operator_form"),
    path(case + "tanda-terima/", operator.receipt_page, name="operator_receipt"),
    path(case + "tanda-terima.pdf", operator.receipt_pdf, name="operator_receipt_pdf"),
    path("operator/ambil/", operator.pickups, name="operator_pickups"),
    path("operator/ambil/<str:tracking_number>/", operator.handover, name="operator_handover"),
    path("operator/ambil/<str:tracking_number>/tiba/", operator.arrived, name="operator_arrived"),
]
