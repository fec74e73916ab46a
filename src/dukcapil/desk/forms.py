"""Parsing what the back-office pages send. Rules about cases stay in the workflow and services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from dukcapil.applications.models import Channel, Status
from dukcapil.applications.selectors import QueueFilters
from dukcapil.catalog.selectors import active_services
from dukcapil.desk.handover import CollectorRelation
from dukcapil.desk.selectors import kecamatan_choices
from dukcapil.portal.forms import DATE_FORMATS, DateInput


class QueueFilterForm(forms.Form):
    service = forms.ChoiceField(label=_("Layanan"), required=False)
    kecamatan = forms.ChoiceField(label=_("Kecamatan"), required=False)
    channel = forms.ChoiceField(label=_("Kanal"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    due_before = forms.DateField(
        label=_("Batas waktu paling lambat"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    overdue = forms.BooleanField(label=_("Hanya yang terlambat"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        every = [("", _("Semua"))]
        services = active_services().order_by("code")
        self.fields["service"].choices = every + [
            (s.code, s.current_version.name if s.current_version else s.code) for s in services
        ]
        self.fields["kecamatan"].choices = every + kecamatan_choices(user)
        self.fields["channel"].choices = every + list(Channel.choices)
        self.fields["status"].choices = [("", _("Menunggu dan sedang diverifikasi"))] + [
            (value, label) for value, label in Status.choices if value != Status.DRAFT
        ]

    def filters(self) -> QueueFilters:
        """The filters that parsed (an invalid field is left out, and shown with its error)."""
        if self.is_bound:
            self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return QueueFilters(
            service=data.get("service") or "",
            kecamatan=data.get("kecamatan") or "",
            channel=data.get("channel") or "",
            status=data.get("status") or "",
            due_before=data.get("due_before"),
            overdue=bool(data.get("overdue")),
        )


class HandOverForm(forms.Form):
    """The collector of a document at an office (operator console and dispatch pages alike):
    :func:`dukcapil.desk.handover.hand_over` checks them against the registry."""

    collector_nik = forms.CharField(label=_("NIK pengambil"), max_length=24)
    collector_birth_date = forms.DateField(
        label=_("Tanggal lahir pengambil"), input_formats=DATE_FORMATS, widget=DateInput()
    )
    collector_relation = forms.ChoiceField(
        label=_("Hubungan dengan pemohon (tidak wajib)"),
        choices=[("", "—"), *CollectorRelation.choices],
        required=False,
    )


def revision_reasons(post: QueryDict) -> list[dict[str, str]]:
    """``revise`` names the requirements to fix; ``reason_<code>`` and ``note_<code>`` say why.
    The workflow checks that there is one at least and that each reason is known."""
    return [
        {
            "requirement": code,
            "reason": post.get(f"reason_{code}", ""),
            "note": post.get(f"note_{code}", "").strip(),
        }
        for code in dict.fromkeys(post.getlist("revise"))
    ]
