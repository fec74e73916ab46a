"""The small fixed forms of the portal (the application form itself is made from the catalogue,
see :mod:`dukcapil.portal.fields`)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from dukcapil.core.phones import normalise_phone

DATE_FORMATS = ["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y"]
DATE_HELP = _("Contoh: 14-03-1985")


class DateInput(forms.DateInput):
    input_type = "date"

    def format_value(self, value):  # noqa: ANN001, ANN201
        return value.isoformat() if hasattr(value, "isoformat") else value


def _digits_field(label: object, help_text: object) -> forms.CharField:
    return forms.CharField(
        label=label, help_text=help_text, max_length=24,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )  # fmt: skip


class IdentityForm(forms.Form):
    nik = _digits_field(_("NIK"), _("16 angka, ada di KTP-el atau Kartu Keluarga."))
    kk_number = _digits_field(_("Nomor KK"), _("16 angka, di bagian atas Kartu Keluarga."))
    birth_date = forms.DateField(
        label=_("Tanggal lahir"), input_formats=DATE_FORMATS, help_text=DATE_HELP,
        widget=DateInput(attrs={"autocomplete": "bday"}),
    )  # fmt: skip
    phone = forms.CharField(
        label=_("Nomor HP/WhatsApp (untuk kabar permohonan)"), required=False, max_length=20,
        help_text=_("Boleh dikosongkan. Contoh: 0812 3456 7890"),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )  # fmt: skip

    def clean_phone(self) -> str:
        digits = "".join(c for c in self.cleaned_data["phone"] if c.isdigit())
        if not digits:
            return ""
        digits = normalise_phone(digits) or ""
        if not digits.startswith("62") or not 10 <= len(digits) <= 15:
            raise forms.ValidationError(_("Tulis nomor HP Indonesia, misalnya 0812 3456 7890."))
        return digits


class StatusForm(forms.Form):
    number = forms.CharField(
        label=_("Nomor registrasi"), max_length=20, help_text=_("Contoh: K7M-2QX-9PA"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )  # fmt: skip
    birth_date = forms.DateField(
        label=_("Tanggal lahir pemohon"), input_formats=DATE_FORMATS, help_text=DATE_HELP,
        widget=DateInput(),
    )  # fmt: skip
