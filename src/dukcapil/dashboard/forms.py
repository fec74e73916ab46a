"""The period of a dashboard page."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dukcapil.dashboard.selectors import Period

DEFAULT_DAYS = 30
MAX_DAYS = 3 * 366 + 1


def _date_input() -> forms.DateInput:
    return forms.DateInput(
        attrs={"type": "date"}, format="%Y-%m-%d"
    )  # what <input type=date> reads


class PeriodForm(forms.Form):
    dari = forms.DateField(label=gettext_lazy("Dari tanggal"), required=False, widget=_date_input())
    sampai = forms.DateField(
        label=gettext_lazy("Sampai tanggal"), required=False, widget=_date_input()
    )

    def clean(self) -> dict:
        data = super().clean()
        today = timezone.localdate()
        end = data.get("sampai") or today
        start = data.get("dari") or end - dt.timedelta(days=DEFAULT_DAYS - 1)
        if start > end:
            raise forms.ValidationError(
                _("Tanggal awal harus sebelum atau sama dengan tanggal akhir."), code="order"
            )
        if (end - start).days >= MAX_DAYS:
            raise forms.ValidationError(_("Periode paling panjang tiga tahun."), code="too_long")
        data["period"] = Period(start, end)
        return data
