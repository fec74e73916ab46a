"""The staff home page leads each role to the pages of its work, and each of them opens."""

import re

import pytest

from dukcapil.accounts.models import Role
from dukcapil.accounts.views import WORK_PAGES

pytestmark = pytest.mark.django_db

PERSONAS = {
    Role.KECAMATAN_OPERATOR: "kecamatan_operator",
    Role.VERIFIER: "verifier",
    Role.SIGNING_OFFICIAL: "signing_official",
    Role.DISPATCH_OFFICER: "dispatch_officer",
    Role.REGENCY_HEAD: "regency_head",
    Role.PROVINCE_MONITOR: "province_monitor",
    Role.ADMINISTRATOR: "administrator",
}


def test_every_role_has_its_work_pages():
    assert set(WORK_PAGES) == set(Role)


@pytest.mark.parametrize("role", list(PERSONAS))
def test_each_link_on_the_home_page_opens_for_that_role(role, request, client_as):
    user = request.getfixturevalue(PERSONAS[role])
    client = client_as(user)
    home = client.get("/staf/")
    assert home.status_code == 200
    nav = re.search(r'<ul class="work-pages">(.*?)</ul>', home.content.decode(), re.S)
    assert nav, "no work pages on the home page"
    links = re.findall(r'href="([^"]+)"', nav.group(1))
    assert len(links) == len(WORK_PAGES[role])
    for link in links:
        response = client.get(link, follow=True)
        assert response.status_code == 200, (role, link, response.status_code)
