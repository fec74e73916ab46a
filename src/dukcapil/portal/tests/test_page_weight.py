"""Every citizen page weighs under 60 KB transferred and loads nothing from another host.

Measured in Chromium with the cache off: the sum of what each page's requests transferred (headers
and bodies as sent; the pages are gzipped by the portal's views, the stylesheet is not). The
uncompressed sizes are printed too.
"""

from __future__ import annotations

from collections import Counter
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from dukcapil.applications import workflow
from dukcapil.applications.testing import make_application, make_household, verifier_of
from dukcapil.regions.models import Desa

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

BUDGET = 60 * 1024


def _regency_with_most_desa() -> str:
    counts = Counter(Desa.objects.values_list("kecamatan__regency_id", flat=True))
    return counts.most_common(1)[0][0]


def weigh(page, path: str) -> tuple[int, int, set[str]]:
    """(bytes transferred, bytes uncompressed, hosts asked) for one page load."""
    finished = []

    def record(request) -> None:  # noqa: ANN001
        finished.append(request)

    page.on("requestfinished", record)
    response = page.goto(path)
    assert response is not None and response.status == 200, path
    page.wait_for_load_state("load")
    page.remove_listener("requestfinished", record)
    transferred = raw = 0
    hosts = set()
    for request in finished:
        sizes = request.sizes()
        transferred += sizes["responseBodySize"] + sizes["responseHeadersSize"]
        hosts.add(urlsplit(request.url).netloc)
        if request.url.startswith("data:"):
            continue
        raw += len(page.request.get(request.url).body()) + sizes["responseHeadersSize"]
    return transferred, raw, hosts


def test_every_citizen_page_is_under_60_kb_and_asks_no_other_host(
    browser_page_without_js, live_server
):
    page = browser_page_without_js
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    # The heaviest forms: address selects of the regency with the most desa.
    desa = Desa.objects.filter(kecamatan__regency_id=_regency_with_most_desa()).first()
    household = make_household(desa.code)
    revision = make_application("KK_HILANG", household=household)
    verifier = verifier_of(desa.kecamatan.regency_id)
    workflow.claim(application=revision, actor=verifier)
    workflow.request_revision(
        application=revision,
        actor=verifier,
        reasons=[{"requirement": "ktp_kepala", "reason": "unreadable"}],
    )
    head = household["head"]

    pages = ["/", reverse("portal:privacy"), reverse("portal:identity"),
             reverse("portal:status_lookup")]  # fmt: skip
    results = {path: weigh(page, path) for path in pages}
    # Through the identity check, then the forms.
    page.goto(reverse("portal:identity"))
    page.fill("#id_nik", head.nik)
    page.fill("#id_kk_number", head.family.kk_number)
    page.fill("#id_birth_date", head.birth_date.isoformat())
    page.click("button[type=submit]")
    for code in ("PINDAH_DATANG", "AKTA_LAHIR", "KK_BARU"):
        path = reverse("portal:apply", args=[code])
        results[path] = weigh(page, path)
    for name in ("status", "receipt"):
        path = reverse(f"portal:{name}", args=[revision.tracking_number])
        results[path] = weigh(page, path)

    own_host = urlsplit(live_server.url).netloc
    for path, (transferred, raw, hosts) in results.items():
        print(f"{path}: {transferred} bytes transferred ({raw} uncompressed)")
        assert transferred < BUDGET, (path, transferred)
        assert hosts <= {own_host, ""}, (path, hosts)
