"""A NUL character in an address (path or query string): a 400 that says so, in the page's or
the API's language and shape, before any view looks anything up with it (on PostgreSQL a lookup
with NUL was a 500)."""

import pytest

pytestmark = pytest.mark.django_db


def test_a_page_address_with_nul_is_a_400_that_says_so(client_as, dispatch_officer):
    client = client_as(dispatch_officer)
    response = client.get("/kantor/pengiriman/manifest.csv?kantor=36.73%00")
    assert response.status_code == 400
    assert "karakter NUL" in response.content.decode()
    assert client.get("/kantor/pengiriman/manifest.csv?kantor=36.73").status_code == 200


def test_an_api_address_with_nul_is_a_json_400_in_the_callers_language(client_as, verifier):
    client = client_as(verifier)
    response = client.get(
        "/api/v1/staff/applications?service=KK%00", headers={"accept-language": "en"}
    )
    assert response.status_code == 400
    assert response.json() == {
        "detail": "The address contains a NUL character, which cannot be accepted.",
        "errors": {},
    }  # noqa: E501
    assert client.get("/api/v1/staff/applications%00").status_code == 400
