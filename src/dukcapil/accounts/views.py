"""Staff login, logout and the staff home page (thin: the form and the decorators do the work)."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from dukcapil.accounts.decorators import staff_verified_required
from dukcapil.accounts.forms import StaffAuthenticationForm
from dukcapil.accounts.models import Role

# The pages each role works on, in the order of a working day (each page checks the role again).
WORK_PAGES = {
    Role.KECAMATAN_OPERATOR: [
        ("desk:operator", _("Layani warga (konsol operator)")),
        ("whatsapp:inbox", _("Percakapan WhatsApp")),
        ("registry:search", _("Cari penduduk")),
    ],
    Role.VERIFIER: [
        ("desk:queue", _("Antrean verifikasi")),
        ("whatsapp:inbox", _("Percakapan WhatsApp")),
        ("registry:search", _("Cari penduduk")),
    ],
    Role.SIGNING_OFFICIAL: [("documents:batch", _("Dokumen menunggu tanda tangan"))],
    Role.DISPATCH_OFFICER: [
        ("documents:cards", _("Antrean cetak kartu")),
        ("delivery:list", _("Pengiriman pos")),
    ],
    Role.REGENCY_HEAD: [
        ("dashboard:index", _("Dasbor")),
        ("desk:overdue", _("Permohonan terlambat")),
        ("desk:queue", _("Antrean verifikasi")),
    ],
    Role.PROVINCE_MONITOR: [("dashboard:index", _("Dasbor provinsi"))],
    Role.ADMINISTRATOR: [("admin:index", _("Administrasi")), ("dashboard:index", _("Dasbor"))],
}


def work_pages(user: object) -> list[tuple[str, object]]:
    """(url, label) of the pages of ``user``'s role."""
    return [(reverse(name), label) for name, label in WORK_PAGES.get(getattr(user, "role", ""), [])]


class StaffLoginView(auth_views.LoginView):
    """Password and a TOTP code (or a one-time backup code) in one form."""

    form_class = StaffAuthenticationForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = False


class StaffLogoutView(auth_views.LogoutView):
    next_page = "accounts:login"


@staff_verified_required
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/home.html",
        {"staff": request.user, "work_pages": work_pages(request.user)},
    )
