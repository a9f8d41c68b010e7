"""`core.bulk.insert` (COPY on PostgreSQL, bulk_create on SQLite) stores what `save()` stores."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.forms.models import model_to_dict

from icilabas.cooperation.models import Project
from icilabas.core import bulk
from icilabas.interop.models import IatiActivityData

from . import factories as f

pytestmark = pytest.mark.django_db
AWKWARD = 'Tab\there, new\nline, back\\slash, \\N, « guillemets », "quotes", 😀'


def test_new_rows_get_their_ids_and_every_value_back():
    partnership = f.partnership()
    confirmed = datetime(2026, 3, 1, 12, 30, tzinfo=ZoneInfo("Europe/Paris"))
    made = [
        Project(
            title=f"{AWKWARD} {n}",
            description=AWKWARD * 3,
            partnership=partnership,
            country="ML",
            start_on=date(2024, 1, 31),
            end_on=None,
            confirmed_at=confirmed,
            iati_identifier=f"XM-{n}",
        )
        for n in range(3)
    ]
    saved = Project(**{k: v for k, v in vars(made[0]).items() if not k.startswith("_")})
    saved.iati_identifier = "XM-saved"
    saved.save()
    bulk.insert(Project, made)
    assert all(p.pk for p in made) and len({p.pk for p in made}) == 3
    assert saved.pk not in {p.pk for p in made}
    for project in made:
        stored = Project.objects.get(pk=project.pk)
        assert stored.title == project.title and stored.description == AWKWARD * 3
        assert stored.country.code == "ML" and stored.partnership == partnership
        assert stored.start_on == date(2024, 1, 31) and stored.end_on is None
        assert stored.confirmed_at == confirmed and stored.created_at and stored.updated_at
    ignored = {"id", "iati_identifier", "created_at", "updated_at"}
    as_saved = model_to_dict(Project.objects.get(pk=saved.pk))
    as_copied = model_to_dict(Project.objects.get(pk=made[0].pk))
    assert {k: v for k, v in as_copied.items() if k not in ignored} == {
        k: v for k, v in as_saved.items() if k not in ignored
    }
    Project.objects.create(title="Après", iati_identifier="XM-after")  # the sequence moved on


def test_json_documents_keep_their_structure():
    project = f.project()
    document = {"titles": {"fr": AWKWARD, "en": "Well"}, "budgets": [{"value": "1.5"}], "n": None}
    bulk.insert(IatiActivityData, [IatiActivityData(project=project, data=document)])
    assert IatiActivityData.objects.get(project=project).data == document
    assert IatiActivityData.objects.filter(data__titles__en="Well").exists()


def test_updates_write_the_given_fields_only():
    first, second = f.project(title="Avant 1"), f.project(title="Avant 2", summary="Gardé")
    first.title, second.title = AWKWARD, "Après 2"
    second.summary = "Pas écrit"
    first.country = "SN"
    bulk.update(Project, [first, second], ["title", "country"])
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.title, first.country.code) == (AWKWARD, "SN")
    assert (second.title, second.summary) == ("Après 2", "Gardé")
    bulk.update(Project, [first], ["title"])  # again: the scratch table does not linger
