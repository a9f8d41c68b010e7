"""A record created in a dialog over another form: the partner authority added from the
partnership form without leaving it (htmx loads the dialog's form; once saved, the server tells
the opening picker which record to choose)."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from icilabas.actors.models import ForeignAuthority
from icilabas.cooperation.models import Partnership
from icilabas.core.models import Publication
from icilabas.members.models import Membership, Role

from . import factories as f

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def editor(client):
    organisation = f.organisation(name="Comité de jumelage de Presles")
    user = get_user_model().objects.create_user(username="editrice", password="x-long-enough-1")
    Membership.objects.create(user=user, organisation=organisation, role=Role.EDITOR)
    client.force_login(user)
    return user, organisation


def dialog_url(target="id_foreign_authority"):
    return reverse("actors:foreignauthority_create") + f"?dialog={target}"


def test_the_partnership_form_offers_to_add_a_partner_authority_in_a_dialog(client, editor):
    page = client.get(reverse("cooperation:partnership_create")).content.decode()
    assert f'hx-get="{dialog_url()}"' in page
    assert '<dialog id="record-dialog"' in page
    # Without JavaScript the same link leads to the full form.
    assert f'href="{reverse("actors:foreignauthority_create")}"' in page


def test_the_dialog_form_is_a_fragment_with_its_own_ids(client, editor):
    fragment = client.get(dialog_url(), **HTMX).content.decode()
    assert "<html" not in fragment
    assert 'id="dialog_name"' in fragment and 'id="id_name"' not in fragment
    assert 'id="dialog-similar-check"' in fragment  # look-alikes checked as she types
    assert 'list="locality-suggestions"' in fragment  # the gazetteer suggests localities
    assert f'hx-post="{dialog_url()}"' in fragment


def test_a_mistake_stays_in_the_dialog_and_nothing_is_saved(client, editor):
    response = client.post(dialog_url(), {"name": "", "country": "SN"}, **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body and 'id="dialog_name_error"' in body
    assert not ForeignAuthority.objects.exists()


def test_once_saved_the_picker_is_told_which_record_to_choose_and_the_partnership_takes_it(
    client, editor
):
    user, organisation = editor
    response = client.post(
        dialog_url(),
        {
            "name": "Commune de Foundiougne",
            "kind": "municipalite",
            "country": "SN",
            "locality": "Foundiougne",
        },
        **HTMX,
    )
    assert response.status_code == 204
    authority = ForeignAuthority.objects.get(name="Commune de Foundiougne")
    assert authority.publication == Publication.DRAFT and authority.created_by == user
    assert json.loads(response["HX-Trigger"]) == {
        "recordCreated": {
            "picker": "id_foreign_authority",
            "value": authority.pk,
            "text": str(authority),
        }
    }
    # Her new draft is on offer in the partnership form, which accepts it.
    saved = client.post(
        reverse("cooperation:partnership_create"),
        {
            "title": "Presles – Foundiougne",
            "french_partners": [organisation.pk],
            "foreign_authority": authority.pk,
            "status": "en_cours",
        },
    )
    assert saved.status_code == 302
    assert Partnership.objects.get(title="Presles – Foundiougne").foreign_authority == authority


@pytest.mark.parametrize("target", ['x"><script>', "", "1abc"])
def test_a_strange_target_or_a_request_without_htmx_gets_the_full_page(client, editor, target):
    page = client.get(dialog_url(target), **HTMX).content.decode()
    assert "<html" in page
    assert "<html" in client.get(dialog_url()).content.decode()  # not htmx: the full form
    response = client.post(
        dialog_url(),
        {"name": "Commune de Kolda", "kind": "municipalite", "country": "SN", "locality": "Kolda"},
    )
    assert response.status_code == 302  # a full page goes on to the new record


def test_visitors_and_readers_cannot_open_the_dialog(client, member_user):
    assert client.get(dialog_url(), **HTMX).status_code == 302  # to the login page
    client.force_login(member_user)
    assert client.get(dialog_url(), **HTMX).status_code == 403
