"""Merging two records of one project keeps everything, and undoing restores both exactly."""

from datetime import date

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse

from icilabas.cooperation.models import Project
from icilabas.matching.models import ProjectMerge
from icilabas.reference.models import Concept

from . import factories as f

pytestmark = pytest.mark.django_db

CHILDREN = (
    "secondary_themes",
    "locations",
    "action_steps",
    "participations",
    "budget_lines",
    "local_impacts",
)


def snapshot(project: Project) -> dict:
    project = Project.all_objects.get(pk=project.pk)
    fields = model_to_dict(project)
    fields["sdgs"] = sorted(s.pk for s in fields["sdgs"])
    children = {
        name: sorted(getattr(project, name).values_list("pk", flat=True)) for name in CHILDREN
    }
    return {"fields": fields, "children": children, "deleted": project.deleted_at is not None}


def two_records_of_one_project():
    partnership = f.partnership()
    sdg = Concept.objects.of("sdg")
    kept = f.project(
        title="Collège de Foundiougne",
        partnership=partnership,
        summary="",
        start_on=date(2007, 7, 1),
        primary_theme=f.theme("4.3.1"),
        sdgs=[sdg.get(code="4")],
    )
    absorbed = f.project(
        title="Reconstruction du collège de Foundiougne",
        summary="30 jeunes",
        objectives="Reconstruire",
        start_on=date(2007, 6, 1),
        end_on=date(2007, 8, 31),
        primary_theme=f.theme("4.2.1"),
        sdgs=[sdg.get(code="4"), sdg.get(code="17")],
    )
    f.secondary_theme(project=kept, theme=f.theme("4.2"))
    f.secondary_theme(project=absorbed, theme=f.theme("4.2"))  # same theme: stays behind
    f.secondary_theme(project=absorbed, theme=f.theme("3.1"))
    f.budget_line(project=absorbed, label="Matériaux")
    f.local_impact(project=absorbed, text="Trente jeunes mobilisés")
    f.participation(project=absorbed)
    f.action_step(project=absorbed)
    f.project_location(
        project=absorbed, name="Foundiougne", country="SN", latitude=14.1, longitude=-16.4
    )
    return kept, absorbed


def test_merge_keeps_every_value_and_relation_then_undo_restores_both(staff_client, staff_user):
    kept, absorbed = two_records_of_one_project()
    before = {"kept": snapshot(kept), "absorbed": snapshot(absorbed)}
    response = staff_client.post(
        reverse("matching:merge", args=[kept.pk, absorbed.pk]), {"kept": kept.pk}
    )
    assert response.status_code == 302
    merged = snapshot(kept)
    assert merged["fields"]["summary"] == "30 jeunes"  # empty on kept: filled
    assert merged["fields"]["objectives"] == "Reconstruire"
    assert merged["fields"]["start_on"] == date(2007, 7, 1)  # kept's own value wins
    assert merged["fields"]["end_on"] == date(2007, 8, 31)
    assert len(merged["fields"]["sdgs"]) == 2
    assert len(merged["children"]["budget_lines"]) == 1
    assert len(merged["children"]["secondary_themes"]) == 2  # 4.2 (its own) + 3.1 moved
    assert snapshot(absorbed)["deleted"]
    merge = ProjectMerge.objects.get()
    assert merge.history.first().history_user == staff_user

    page = staff_client.get(kept.get_absolute_url()).content.decode()
    assert page.count("Annuler la fusion") == 1
    title = page[page.index("<title>") : page.index("</title>")]
    assert "<" not in title[len("<title>") :]  # the page's title is text, not the section
    staff_client.post(reverse("matching:undo_merge", args=[merge.pk]))
    after = {"kept": snapshot(kept), "absorbed": snapshot(absorbed)}
    for side in ("kept", "absorbed"):
        for key in ("updated_at",):
            before[side]["fields"].pop(key, None)
            after[side]["fields"].pop(key, None)
    assert after == before
    merge.refresh_from_db()
    assert merge.undone_at is not None


def test_undo_twice_is_refused_with_a_message(staff_client):
    kept, absorbed = two_records_of_one_project()
    staff_client.post(reverse("matching:merge", args=[kept.pk, absorbed.pk]), {"kept": kept.pk})
    merge = ProjectMerge.objects.get()
    staff_client.post(reverse("matching:undo_merge", args=[merge.pk]))
    response = staff_client.post(reverse("matching:undo_merge", args=[merge.pk]), follow=True)
    assert "déjà été annulée" in response.content.decode()


def test_merge_needs_a_choice_and_staff(staff_client, member_user):
    from django.test import Client

    kept, absorbed = two_records_of_one_project()
    url = reverse("matching:merge", args=[kept.pk, absorbed.pk])
    assert staff_client.get(url).status_code == 200
    staff_client.post(url, {"kept": "999"})
    assert not ProjectMerge.objects.exists()
    member = Client()
    member.force_login(member_user)
    assert member.post(url, {"kept": kept.pk}).status_code == 403
    assert not ProjectMerge.objects.exists()
