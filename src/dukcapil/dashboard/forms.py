"""The period and the filters of a dashboard page."""

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


class FilterForm(PeriodForm):
    """The period, and the filters below the regency: one kecamatan (of the page's regency, or
    of any for the province), one service, one channel; and the breakdown of the detail tables."""

    kecamatan = forms.ChoiceField(label=gettext_lazy("Kecamatan"), required=False)
    layanan = forms.ChoiceField(label=gettext_lazy("Layanan"), required=False)
    kanal = forms.ChoiceField(label=gettext_lazy("Kanal"), required=False)
    per = forms.ChoiceField(label=gettext_lazy("Rincian menurut"), required=False)

    def __init__(self, *args, kecamatan: dict[str, str], services: dict[str, str],
                 breakdowns: dict[str, str], **kwargs) -> None:  # noqa: ANN002, ANN003  # fmt: skip
        from dukcapil.applications.models import Channel

        super().__init__(*args, **kwargs)
        everything = [("", _("Semua"))]
        self.fields["kecamatan"].choices = everything + list(kecamatan.items())
        self.fields["layanan"].choices = everything + list(services.items())
        self.fields["kanal"].choices = everything + [(c.value, c.label) for c in Channel]
        self.fields["per"].choices = [("", _("Bawaan"))] + list(breakdowns.items())
