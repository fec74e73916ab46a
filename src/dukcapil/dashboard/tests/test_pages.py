"""The dashboard pages and exports: aggregates only for the monitor, every regency for the
province, its own for a regency head."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from dukcapil.accounts.models import Role
from dukcapil.accounts.testing import make_staff
from dukcapil.dashboard.tables import BUILDERS
from dukcapil.registry.models import Resident


def _personal_values(apps: dict) -> list[str]:
    """Names, NIKs, KK numbers, birth dates and phone numbers of every resident and applicant."""
    values = []
    for resident in Resident.objects.all():
        values += [resident.name, resident.nik, resident.birth_date.isoformat()]
        if resident.family_id:
            values.append(resident.family.kk_number)
    for app in apps.values():
        values += [app.applicant_phone, app.tracking_number, app.tracking_display]
    return [v for v in values if v]


FILTERS = (
    "",
    "?per=kecamatan",
    "?per=layanan&kanal=whatsapp",
    "?kecamatan=36.73.01&per=kanal",
    "?kabupaten=36.73&kecamatan=36.73.01&layanan=KK_HILANG&kanal=web&per=layanan",
)


def _all_outputs(client, path_query: str = "") -> list[str]:
    texts = []
    for query in FILTERS:
        page = client.get(reverse("dashboard:index") + (path_query or query))
        assert page.status_code == 200
        texts.append(page.content.decode())
    for code in ("36.73", "36.03"):
        for query in ("", "?per=kanal", f"?kecamatan={code}.01&per=kecamatan"):
            page = client.get(reverse("dashboard:regency", args=[code]) + query)
            assert page.status_code == 200
            texts.append(page.content.decode())
    for table in BUILDERS:
        for query in (FILTERS[0], FILTERS[-1]):
            csv_response = client.get(reverse("dashboard:export", args=[table, "csv"]) + query)
            assert csv_response.status_code == 200
            texts.append(csv_response.content.decode("utf-8-sig"))
            xlsx = client.get(reverse("dashboard:export", args=[table, "xlsx"]) + query)
            assert xlsx.status_code == 200
            book = load_workbook(io.BytesIO(xlsx.content))
            texts.append("\n".join(str(c) for row in book.active.iter_rows(values_only=True)
                               for c in row))  # fmt: skip
    return texts


def test_monitor_pages_and_exports_contain_no_personal_field(handmade, client_as, province_monitor):
    client = client_as(province_monitor)
    personal = _personal_values(handmade)
    assert len(personal) > 20
    for text in _all_outputs(client):
        for value in personal:
            assert value not in text


def test_monitor_sees_small_counts_as_less_than_five(handmade, client_as, province_monitor):
    client = client_as(province_monitor)
    page = client.get(reverse("dashboard:index")).content.decode()
    assert "&lt;5" in page
    rows = list(csv.reader(io.StringIO(
        client.get(reverse("dashboard:export", args=["kabupaten", "csv"])).content.decode(
            "utf-8-sig"))))  # fmt: skip
    header, body = rows[0], rows[1:]
    serang = dict(zip(header, next(r for r in body if r[1] == "Kota Serang"), strict=True))
    # Five is not small, but the province total (6) less Serang's would give Tangerang's 1: it is
    # hidden along with it.
    assert serang["Diterima"] == "×"
    tangerang = dict(zip(header, next(r for r in body if r[1] == "Kabupaten Tangerang"),
                         strict=True))  # fmt: skip
    assert tangerang["Diterima"] == "<5"
    assert serang["Selesai"] == "<5" and serang["Ditolak"] == "<5"
    assert serang["Terbit dalam waktu layanan"] == ""  # a share of 2 cases is not shown


def test_regency_head_sees_real_small_counts_of_their_own_regency(handmade, client_as):
    head = make_staff(Role.REGENCY_HEAD, regency="36.73")
    client = client_as(head)
    response = client.get(reverse("dashboard:index"))
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard:regency", args=["36.73"])
    rows = list(csv.reader(io.StringIO(
        client.get(reverse("dashboard:export", args=["kabupaten", "csv"])).content.decode(
            "utf-8-sig"))))  # fmt: skip
    assert [r[1] for r in rows[1:]] == ["Kota Serang"]
    serang = dict(zip(rows[0], rows[1], strict=True))
    assert serang["Selesai"] == "1" and serang["Terbit dalam waktu layanan"] == "100.0"


def test_regency_head_cannot_see_another_regency(handmade, client_as):
    client = client_as(make_staff(Role.REGENCY_HEAD, regency="36.73"))
    assert client.get(reverse("dashboard:regency", args=["36.03"])).status_code == 404
    other = client.get(reverse("dashboard:export", args=["kecamatan", "csv"]) + "?kabupaten=36.03")
    assert other.status_code == 404
    page = client.get(reverse("dashboard:regency", args=["36.73"])).content.decode()
    assert "Kabupaten Tangerang" not in page  # no tile, row or link of another regency


def test_province_monitor_sees_every_regency(handmade, client_as, province_monitor):
    client = client_as(province_monitor)
    page = client.get(reverse("dashboard:index")).content.decode()
    for name in ("Kota Serang", "Kabupaten Tangerang", "Kabupaten Lebak", "Kota Cilegon"):
        assert name in page
    assert "<svg" in page and "http://" not in page.replace("http://www.w3.org/2000/svg", "")
    assert client.get(reverse("dashboard:regency", args=["31.71"])).status_code == 404


@pytest.mark.parametrize("role", [Role.VERIFIER, Role.KECAMATAN_OPERATOR])
def test_other_roles_are_refused(db, client_as, role):
    user = make_staff(role, regency="36.73", kecamatan="36.73.01" if "operator" in role else None)
    assert client_as(user).get(reverse("dashboard:index")).status_code == 403


def test_anonymous_goes_to_login(db, client):
    response = client.get(reverse("dashboard:index"))
    assert response.status_code == 302 and "masuk" in response["Location"]


def test_a_bad_period_is_a_clear_400(db, client_as, province_monitor):
    client = client_as(province_monitor)
    response = client.get(reverse("dashboard:index") + "?dari=2025-05-01&sampai=2025-04-01")
    assert response.status_code == 400
    assert "Tanggal awal harus sebelum" in response.content.decode()
    bad = client.get(reverse("dashboard:export", args=["kabupaten", "csv"]) + "?dari=kemarin")
    assert bad.status_code == 400
    assert client.get(reverse("dashboard:export", args=["nope", "csv"])).status_code == 404


def test_the_page_and_exports_speak_english_when_chosen(
    handmade, client_as, province_monitor, settings
):
    client = client_as(province_monitor)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("dashboard:index")).content.decode()
    assert "Service dashboard" in page and "Regency league table" in page
    csv_text = client.get(reverse("dashboard:export", args=["kabupaten", "csv"])).content.decode()
    assert "Issued within service level" in csv_text


def test_a_filtered_page_shows_the_filters_and_the_widened_period(
    handmade, client_as, province_monitor
):
    client = client_as(province_monitor)
    # 41 days, never whole months (the default 30 days are on the last day of a 30-day month).
    today = timezone.localdate()
    since = (today - dt.timedelta(days=40)).isoformat()
    page = client.get(reverse("dashboard:index") + "?kecamatan=36.73.01&kanal=whatsapp&per=kanal"
                      f"&dari={since}&sampai={today.isoformat()}")  # fmt: skip
    assert page.status_code == 200
    text = page.content.decode()
    assert "diperluas ke bulan penuh" in text and 'id="status-kanal"' in text
    assert 'value="36.73.01" selected' in text
    export = client.get(reverse("dashboard:export", args=["status-kanal", "csv"])
                        + "?kecamatan=36.73.01&kanal=whatsapp")  # fmt: skip
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert rows[1][0] == "WhatsApp" and rows[1][rows[0].index("Perlu perbaikan")] == "<5"
    assert len(rows) == 2  # the channel filter leaves one channel
    bad = client.get(reverse("dashboard:index") + "?kecamatan=99.99.99")
    assert bad.status_code == 400
    other = client_as(make_staff(Role.REGENCY_HEAD, regency="36.73"))
    assert other.get(reverse("dashboard:regency", args=["36.73"]) + "?kecamatan=36.03.01"
                     ).status_code == 400  # another regency's kecamatan is no choice  # fmt: skip
