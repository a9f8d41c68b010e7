"""Two editors save the same record at once: the second is told, shown what changed, and
nothing is overwritten behind her back (optimistic locking, on every edited record)."""

import re

import pytest
from django.urls import reverse

from icilabas.core.models import VERSION
from icilabas.core.services import EditConflict, update_record

from . import factories as f

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("factory", "field", "first", "second"),
    [
        (f.organisation, "description", "Première version", "Seconde version"),
        (f.foreign_authority, "description", "Première version", "Seconde version"),
        (f.person, "notes", "Première version", "Seconde version"),
        (f.partnership, "title", "Pessac – Kayes (1)", "Pessac – Kayes (2)"),
        (f.project, "title", "Forage à Kayes", "Puits à Kayes"),
        (f.term, "definition", "Première version", "Seconde version"),
        (f.experience_sheet, "title", "Première version", "Seconde version"),
        (f.meeting, "title", "Première version", "Seconde version"),
        (f.commitment, "text", "Première version", "Seconde version"),
        (f.local_impact, "text", "Première version", "Seconde version"),
    ],
)
def test_every_record_refuses_a_save_made_from_an_older_version(
    staff_user, factory, field, first, second
):
    record = factory()
    opened = record.version
    update_record(record, user=staff_user, data={field: first})
    with pytest.raises(EditConflict) as conflict:
        update_record(
            type(record).objects.get(pk=record.pk),
            user=staff_user,
            data={field: second, VERSION: opened},
        )
    stored = type(record).objects.get(pk=record.pk)
    assert getattr(stored, field) == first
    assert conflict.value.current == stored.version != opened
    label = str(type(record)._meta.get_field(field).verbose_name)
    assert any(name == label and now == first for name, _then, now in conflict.value.changes)
    # From the current version, the same save goes through.
    update_record(stored, user=staff_user, data={field: second, VERSION: stored.version})
    assert getattr(type(record).objects.get(pk=record.pk), field) == second


def _version_in(page: str) -> str:
    return re.search(rf'name="{VERSION}" value="([^"]+)"', page).group(1)


def test_the_second_editor_is_shown_the_difference_and_keeps_her_text(staff_client, staff_user):
    organisation = f.organisation(name="Ville de Pessac", description="Au départ")
    url = reverse("actors:organisation_update", args=[organisation.pk])
    opened = _version_in(staff_client.get(url).content.decode())
    # Meanwhile, another editor saves.
    update_record(organisation, user=staff_user, data={"description": "Celle d'une collègue"})
    data = {
        "name": "Ville de Pessac",
        "kind": organisation.kind,
        "description": "La mienne",
        VERSION: opened,
    }
    page = staff_client.post(url, data)
    assert page.status_code == 200
    body = page.content.decode()
    assert "a été modifiée par quelqu&#x27;un d&#x27;autre" in body
    assert "« Au départ » → « Celle d&#x27;une collègue »" in body
    assert "La mienne" in body  # what she typed is kept
    organisation.refresh_from_db()
    assert organisation.description == "Celle d'une collègue"
    # Saving again is now a deliberate choice, over the version she was shown.
    assert _version_in(body) == organisation.version
    again = staff_client.post(url, {**data, VERSION: _version_in(body)})
    assert again.status_code == 302
    organisation.refresh_from_db()
    assert organisation.description == "La mienne"
