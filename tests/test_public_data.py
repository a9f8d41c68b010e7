"""What a visitor may receive: public exports and history are built from each model's explicit
`public_fields`, never a person's e-mail, phone or notes, nor who changed a record and why."""

import io
import zipfile

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.urls import NoReverseMatch, reverse

from icilabas.actors.models import Person
from icilabas.core.models import RegistryModel
from icilabas.core.services import change_publication, update_record
from icilabas.members.models import Membership, Role

from . import factories as f
from .contracts import CASES, OWNED_BY

pytestmark = pytest.mark.django_db

MARKER = "MARQUEUR-PRIVE"
EDITOR_MARKER = "MARQUEUR-EDITEUR"


def registry_models():
    return [
        m for m in apps.get_models() if issubclass(m, RegistryModel) and "history" in m.__dict__
    ]


@pytest.mark.parametrize("model", registry_models(), ids=lambda m: m.__name__)
def test_every_model_declares_what_visitors_may_receive(model):
    assert model.public_fields is not None, f"{model.__name__} must declare public_fields"
    names = {field.name for field in model._meta.get_fields()}
    assert set(model.public_fields) <= names


def test_a_person_s_contact_details_and_notes_are_never_public():
    assert not {"email", "phone", "notes"} & set(Person.public_fields)


@pytest.fixture
def marked_world(db):
    """Records of every kind, each changed once by an editor whose name and reason are marked,
    and a person whose private fields hold the marker before and after a change."""
    editor = get_user_model().objects.create_user(
        username="ed", first_name=EDITOR_MARKER, last_name="Nom", password="x-long-enough-1"
    )
    staff = get_user_model().objects.create_user(
        username="st", first_name=EDITOR_MARKER, is_staff=True, password="x-long-enough-1"
    )
    organisation = f.organisation(name="Ville Marquée", email="contact@ville.fr")
    Membership.objects.create(user=editor, organisation=organisation, role=Role.EDITOR)
    records = {case.name: OWNED_BY[case.name](organisation) for case in CASES}
    person = records["person"]
    update_record(
        person,
        user=staff,
        data={"email": f"{MARKER.lower()}@ex.org", "phone": "0600000000", "notes": MARKER},
        reason=f"Motif {EDITOR_MARKER}",
    )
    update_record(
        person,
        user=staff,
        data={"email": "autre@ex.org", "phone": "0611111111", "notes": f"{MARKER} 2"},
        reason=f"Motif {EDITOR_MARKER}",
    )
    for case in CASES:
        record = records[case.name]
        record.refresh_from_db()
        update_record(
            record, user=staff, data={"source": "Vérifié"}, reason=f"Motif {EDITOR_MARKER}"
        )
    return {"records": records, "editor": editor, "staff": staff}


def _text(response) -> str:
    body = response.content
    if body[:2] == b"PK":  # XLSX and ODS are zip files of XML
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return " ".join(
                archive.read(name).decode("utf-8", "replace") for name in archive.namelist()
            )
    return body.decode("utf-8", "replace")


def _list_urls():
    for case in CASES:
        if case.has_list:
            yield reverse(f"{case.namespace}:{case.name}_list")


def test_no_anonymous_export_carries_private_data(client, marked_world):
    checked = 0
    for url in _list_urls():
        for fmt in ("csv", "xlsx", "ods"):
            for complete in ("", "&complet=1"):
                response = client.get(f"{url}?export={fmt}{complete}")
                assert response.status_code == 200, url
                text = _text(response)
                assert MARKER not in text and MARKER.lower() not in text, (url, fmt, complete)
                assert "0600000000" not in text and EDITOR_MARKER not in text
                checked += 1
    assert checked == len(list(_list_urls())) * 6
    people = _text(client.get(reverse("actors:person_list") + "?export=csv&complet=1"))
    assert marked_world["records"]["person"].last_name in people  # the public part is there


def test_an_editor_s_complete_export_holds_private_data_of_her_records_only(client, marked_world):
    other = f.person(notes=f"{MARKER}-AUTRE", email="autre-personne@ex.org")
    f.position(person=other, organisation=f.organisation(name="Autre ville"))
    client.force_login(marked_world["editor"])
    text = _text(client.get(reverse("actors:person_list") + "?export=csv&complet=1"))
    assert f"{MARKER} 2" in text
    assert f"{MARKER}-AUTRE" not in text and "autre-personne@ex.org" not in text


def test_no_anonymous_history_page_shows_private_data_or_editors(client, marked_world):
    walked = 0
    for case in CASES:
        record = marked_world["records"][case.name]
        record.refresh_from_db()
        try:
            url = reverse(f"{case.namespace}:{case.name}_history", args=[record.pk])
        except NoReverseMatch:
            continue
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert MARKER not in html and MARKER.lower() not in html, url
        assert EDITOR_MARKER not in html, url
        assert "mis à jour le" in html
        versions = record.history.order_by("history_date")
        compared = client.get(
            url, {"de": versions.first().history_id, "a": versions.last().history_id}
        )
        assert MARKER not in compared.content.decode()
        walked += 1
    assert walked == len(CASES)


def test_editors_and_staff_see_who_changed_what(client, marked_world):
    person = marked_world["records"]["person"]
    client.force_login(marked_world["staff"])
    html = client.get(reverse("actors:person_history", args=[person.pk])).content.decode()
    assert EDITOR_MARKER in html and MARKER in html


def test_a_child_s_history_is_hidden_when_its_parent_is(client, marked_world):
    line = marked_world["records"]["budgetline"]
    project = line.project
    position = marked_world["records"]["position"]
    change_publication(project, user=marked_world["staff"], transition="return")
    change_publication(position.person, user=marked_world["staff"], transition="return")
    assert client.get(reverse("cooperation:budgetline_history", args=[line.pk])).status_code == 404
    assert client.get(reverse("actors:position_history", args=[position.pk])).status_code == 404
    client.force_login(marked_world["editor"])
    assert client.get(reverse("cooperation:budgetline_history", args=[line.pk])).status_code == 200


def test_a_person_without_consent_is_not_revealed_by_her_position_history(client, db):
    person = f.person(public_consent=False, last_name="Invisible")
    position = f.position(person=person)
    response = client.get(reverse("actors:position_history", args=[position.pk]))
    assert response.status_code == 404
