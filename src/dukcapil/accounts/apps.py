from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AccountsConfig(AppConfig):
    name = "dukcapil.accounts"
    label = "accounts"
    default_auto_field = "django.db.models.BigAutoField"
    default = True


class StaffAdminConfig(admin_apps.AdminConfig):
    """``django.contrib.admin`` whose default site requires a second factor, so that every
    ``admin.site.register`` of every app lands on the OTP-protected site."""

    default = False
    default_site = "dukcapil.accounts.admin_site.StaffAdminSite"
