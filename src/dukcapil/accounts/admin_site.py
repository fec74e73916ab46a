"""The admin site: the administrator's tool for users, roles and reference data.

Only active ``is_staff`` users verified by a second factor in this session get in
(:class:`django_otp.admin.OTPAdminSite`); its login form takes the same codes as the staff login.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django_otp.admin import OTPAdminSite

from dukcapil.accounts.forms import StaffAdminAuthenticationForm


class StaffAdminSite(OTPAdminSite):
    login_form = StaffAdminAuthenticationForm
    login_template = "accounts/admin_login.html"
    site_header = _("Administrasi Dukcapil Daring")
    site_title = _("Administrasi Dukcapil Daring")
    index_title = _("Pengguna, peran dan data acuan")

    def __init__(self, name: str = "admin") -> None:
        # Keep the usual "admin" namespace so that reverse("admin:…") works everywhere.
        super().__init__(name)
