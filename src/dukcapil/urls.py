"""Root URLs. Each audience has its own url module (staff here; portal, desk and API come later)."""

from django.contrib import admin
from django.urls import include, path

from dukcapil.api.urls import api as json_api
from dukcapil.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("ping", core_views.ping, name="ping"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", core_views.home, name="home"),
    path("staf/penduduk/", include("dukcapil.registry.urls")),
    path("staf/", include("dukcapil.accounts.urls")),
    path("kantor/", include("dukcapil.desk.urls")),
    path("admin/", admin.site.urls),
    path("api/", json_api.urls),
    # Each of these apps writes its paths in full (portal pages, /webhooks/…, /verifikasi/…,
    # /kantor/dokumen/…, /kantor/pengiriman/…, /dasbor/…).
    path("", include("dukcapil.portal.urls")),
    path("", include("dukcapil.whatsapp.urls")),
    path("", include("dukcapil.documents.urls")),
    path("", include("dukcapil.delivery.urls")),
    path("", include("dukcapil.dashboard.urls")),
]
