"""Spreadsheet round trip for every kind of record with a list: the complete export, imported
back, changes nothing; imported into an emptied registry, it recreates the same records."""

import io
from datetime import date

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from icilabas.core.services import soft_delete_record
from icilabas.reference.models import Concept

from . import factories as f
from .contracts import CASES

pytestmark = pytest.mark.django_db
LISTED = [case for case in CASES if case.has_list]


def _project(n: int):
    project = f.project(
        title=f"Forage n° {n} à Thiès",
        partnership=f.partnership(french_partners=[f.organisation(), f.organisation()]),
        summary="Eau potable ; « école »",
        start_on=date(2020, 1, n),
        end_on=date(2023, 6, 30),
        country="SN",
        dac_sector=Concept.objects.of("dac-sector").get(code="14030"),
    )
    project.sdgs.set(Concept.objects.of("sdg").order_by("code")[:2])
    return project


RICH = {
    "organisation": lambda n: f.organisation(
        name=f"Ville n° {n}", siren="213302730" if n == 1 else "", latitude=44.84, longitude=-0.58
    ),
    "foreignauthority": lambda n: f.foreign_authority(name=f"Commune n° {n}"),
    "person": lambda n: f.person(last_name=f"Diallo {n}", email=f"p{n}@example.org"),
    "partnership": lambda n: f.partnership(
        french_partners=[f.organisation(), f.organisation()],
        signed_on=date(2010, 5, n),
        first_convention_year=2005,
        description='=HYPERLINK("http://x") n\'est pas une formule',
    ),
    "project": _project,
    "experiencesheet": lambda n: f.experience_sheet(
        title=f"Fiche n° {n}",
        countries=["SN", "ML"],
        lessons="Écouter ; « dialoguer »\n\n- d'abord\n- ensuite",
        projects=[f.project()],
    ),
    "meeting": lambda n: f.meeting(
        title=f"Rencontre n° {n}",
        capacity=20 + n,
        questions="Atelier choisi ?\nRégime alimentaire ?",
        themes=[f.theme("4.3.1")],
        working_group=f.working_group(),
        time_zone="Africa/Dakar" if n == 2 else "Europe/Paris",
    ),
    "workinggroup": lambda n: f.working_group(
        name=f"Groupe n° {n}", purpose="Suivre ; « les actions »", organisations=[f.organisation()]
    ),
}


def values(record, form_class) -> dict:
    form = form_class(instance=record)
    result = {}
    for name in form_class._meta.fields:
        value = form[name].value()
        result[name] = sorted(map(str, value)) if isinstance(value, list) else value
    return result


def export(client, case, fmt: str) -> bytes:
    response = client.get(
        reverse(f"{case.namespace}:{case.name}_list"), {"export": fmt, "complet": "1"}
    )
    assert response.status_code == 200
    return response.content


def import_file(client, case, name: str, content: bytes) -> dict:
    url = reverse(f"{case.namespace}:{case.name}_import")
    preview = client.post(url, {"file": SimpleUploadedFile(name, content)})
    plan = preview.context["plan"]
    assert plan.errors == [], plan.errors
    done = client.post(url, {"token": preview.context["token"], "confirm": "all"})
    assert done.status_code == 302
    return {"create": len(plan.to_create), "update": len(plan.to_update)}


def form_of(case):
    from django.urls import resolve

    view = resolve(reverse(f"{case.namespace}:{case.name}_create")).func.view_initkwargs
    return view["form_class"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "ods"])
@pytest.mark.parametrize("case", LISTED, ids=str)
def test_complete_export_imported_back_changes_nothing(case, fmt, staff_client):
    records = [RICH[case.name](n) for n in (1, 2, 3)]
    form_class = form_of(case)
    before = {r.pk: values(r, form_class) for r in records}
    counts = import_file(staff_client, case, f"export.{fmt}", export(staff_client, case, fmt))
    assert counts["update"] >= 3 and counts["create"] == 0
    model = type(records[0])
    after = {pk: values(model.objects.get(pk=pk), form_class) for pk in before}
    assert after == before


@pytest.mark.parametrize("case", LISTED, ids=str)
def test_complete_export_recreates_the_records_in_an_emptied_registry(case, staff_client, author):
    records = [RICH[case.name](n) for n in (1, 2, 3)]
    form_class = form_of(case)
    model = type(records[0])
    expected = sorted((values(r, form_class) for r in records), key=str)
    dataset = tablib.Dataset().load(io.BytesIO(export(staff_client, case, "xlsx")), format="xlsx")
    kept = [row for row in dataset.dict if int(row["id"]) in {r.pk for r in records}]
    for record in records:
        soft_delete_record(record, user=author)
    without_ids = tablib.Dataset(headers=dataset.headers)
    for row in kept:
        without_ids.append(["" if h == "id" else row[h] for h in dataset.headers])
    counts = import_file(staff_client, case, "sans-id.xlsx", without_ids.export("xlsx"))
    assert counts == {"create": 3, "update": 0}
    created = model.objects.exclude(pk__in=[r.pk for r in records]).order_by("-pk")[:3]
    assert sorted((values(r, form_class) for r in created), key=str) == expected
