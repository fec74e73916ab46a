"""Staff users in the admin: role and jurisdiction next to the usual account fields.

Region choices are limited to the served province, so that the administrator picks from about a
hundred and fifty kecamatan rather than every kecamatan of Indonesia.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import ForeignKey
from django.forms import ModelChoiceField
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from dukcapil.accounts.models import User
from dukcapil.regions.models import Kecamatan, Regency

JURISDICTION_FIELDS = ("role", "jurisdiction_level", "regency", "kecamatan")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (
        *DjangoUserAdmin.fieldsets[:2],
        (_("Peran dan wilayah kerja"), {"fields": JURISDICTION_FIELDS}),
        *DjangoUserAdmin.fieldsets[2:],
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("Nama"), {"fields": ("first_name", "last_name", "email")}),
        (_("Peran dan wilayah kerja"), {"fields": JURISDICTION_FIELDS}),
    )
    list_display = (
        "username",
        "first_name",
        "last_name",
        "role",
        "jurisdiction_level",
        "regency",
        "kecamatan",
        "is_active",
    )
    list_filter = ("role", "jurisdiction_level", "regency", "is_active", "is_staff")
    list_select_related = ("regency", "kecamatan")
    search_fields = ("username", "first_name", "last_name", "email")

    def formfield_for_foreignkey(
        self, db_field: ForeignKey, request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField | None:
        province = settings.DUKCAPIL_PROVINCE_CODE
        if db_field.name == "regency":
            kwargs["queryset"] = Regency.objects.filter(province_id=province)
        elif db_field.name == "kecamatan":
            kwargs["queryset"] = Kecamatan.objects.filter(
                regency__province_id=province
            ).select_related("regency")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
