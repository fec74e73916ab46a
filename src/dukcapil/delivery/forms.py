"""Forms of the dispatch pages: they parse; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from dukcapil.delivery.models import Direction, ParcelStatus
from dukcapil.desk.forms import HandOverForm


class CreateShipmentForm(forms.Form):
    tracking_number = forms.CharField(label=_("No. registrasi"), max_length=20)
    direction = forms.ChoiceField(label=_("Arah"), choices=Direction.choices)
    use_other_address = forms.BooleanField(label=_("Kirim ke alamat lain"), required=False)
    desa = forms.CharField(label=_("Kode desa/kelurahan"), max_length=13, required=False)
    rt = forms.CharField(label=_("RT"), max_length=3, required=False)
    rw = forms.CharField(label=_("RW"), max_length=3, required=False)
    address = forms.CharField(label=_("Alamat jalan"), max_length=200, required=False)
    postal_code = forms.CharField(label=_("Kode pos"), max_length=5, required=False)
    contact_name = forms.CharField(label=_("Nama penerima"), max_length=60, required=False)
    contact_phone = forms.CharField(label=_("Nomor telepon"), max_length=20, required=False)
    receipt_number = forms.CharField(
        label=_("Nomor resi (kurir manual)"), max_length=40, required=False
    )

    def clean_tracking_number(self) -> str:
        return self.cleaned_data["tracking_number"].replace("-", "").replace(" ", "").upper()

    def given_address(self) -> dict | None:
        data = self.cleaned_data
        if not data.get("use_other_address"):
            return None
        return {k: data.get(k, "") for k in ("desa", "rt", "rw", "address", "postal_code")}


class ResiForm(forms.Form):
    receipt_number = forms.CharField(label=_("Nomor resi"), max_length=40)


EVENT_CHOICES = [(v, label) for v, label in ParcelStatus.choices if v != ParcelStatus.CREATED]


class EventForm(forms.Form):
    code = forms.ChoiceField(label=_("Peristiwa"), choices=EVENT_CHOICES)
    occurred_at = forms.DateTimeField(
        label=_("Waktu"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    receiver_name = forms.CharField(label=_("Nama penerima"), max_length=60, required=False)
    location = forms.CharField(label=_("Lokasi"), max_length=100, required=False)
    note = forms.CharField(label=_("Keterangan"), max_length=200, required=False)


# The documents of a returned parcel collected at the office: the operator console's fields.
CollectionForm = HandOverForm
