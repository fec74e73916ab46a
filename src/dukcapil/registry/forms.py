from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from dukcapil.registry.identifiers import parse_nik


class ResidentSearchForm(forms.Form):
    """Find a resident by NIK, or by (part of the) name and date of birth."""

    nik = forms.CharField(label=_("NIK"), required=False, max_length=20)
    name = forms.CharField(label=_("Nama"), required=False, max_length=60)
    birth_date = forms.DateField(
        label=_("Tanggal lahir"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean_nik(self) -> str:
        nik = "".join(self.cleaned_data["nik"].split())
        if nik:
            parse_nik(nik)  # raises a ValidationError that says what is wrong
        return nik

    def clean(self) -> dict:
        data = super().clean()
        if self.errors:
            return data
        if not data.get("nik") and not (data.get("name") and data.get("birth_date")):
            raise ValidationError(
                _("Isi NIK, atau nama bersama tanggal lahir."), code="search_incomplete"
            )
        return data
