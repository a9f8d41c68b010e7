import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_locality_suggestions_come_from_the_gazetteer_of_the_country(client):
    url = reverse("reference:locality_suggestions")
    body = client.get(url, {"country": "BF", "locality": "Ouaga"}).content.decode()
    assert '<option value="Ouagadougou">' in body
    assert client.get(url, {"country": "ML", "locality": "Ouaga"}).content.decode() == ""
    assert client.get(url, {"country": "", "locality": "Ouaga"}).content.decode() == ""


def test_authority_form_offers_suggestions(staff_client):
    page = staff_client.get(reverse("actors:foreignauthority_create")).content.decode()
    assert 'list="locality-suggestions"' in page
    assert '<datalist id="locality-suggestions">' in page
