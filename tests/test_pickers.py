"""Searchable pickers: a choice among many records holds only what is chosen and fetches the
rest as she types, among the records she may see; the form still checks the value."""

import re

import pytest
from django import forms
from django.contrib.auth import get_user_model
from django.urls import reverse

from icilabas.cooperation.forms import ProjectForm
from icilabas.cooperation.models import Project
from icilabas.core import pickers
from icilabas.core.models import Publication
from icilabas.members.models import Membership, Role
from icilabas.reference.models import Concept

from . import factories as f

pytestmark = pytest.mark.django_db


def editor_of(organisation, username="editrice"):
    user = get_user_model().objects.create_user(username=username, password="x-long-enough-1")
    Membership.objects.create(user=user, organisation=organisation, role=Role.EDITOR)
    return user


def _suggestions(client, label: str, text: str):
    response = client.get(reverse("picker_options", args=[label]), {"q": text})
    return response.status_code, [r["text"] for r in response.json().get("results", [])]


def test_suggestions_hold_every_word_typed_among_records_she_may_see(client):
    mine = f.organisation(name="Comité de jumelage de Presles")
    f.partnership(title="Presles – Tabé Zalou", publication=Publication.PUBLISHED)
    f.partnership(title="Presles – Kolda", publication=Publication.PUBLISHED)
    f.partnership(title="Presles – Ndilé (brouillon)", publication=Publication.DRAFT)
    own_draft = f.partnership(
        title="Presles – Mbour", publication=Publication.DRAFT, french_partners=[mine]
    )
    client.force_login(editor_of(mine))
    status, texts = _suggestions(client, "cooperation.Partnership", "presles")
    assert status == 200
    assert sorted(texts) == sorted(
        ["Presles – Tabé Zalou", "Presles – Kolda", str(own_draft)]
    )  # another organisation's draft is not offered
    assert _suggestions(client, "cooperation.Partnership", "kolda presles")[1] == [
        "Presles – Kolda"
    ]
    assert _suggestions(client, "cooperation.Partnership", "p") == (200, [])  # two letters first


def test_people_are_found_by_either_name_and_accounts_are_never_offered(client, staff_user):
    f.person(first_name="Awa", last_name="Diop", publication=Publication.PUBLISHED)
    client.force_login(staff_user)
    assert (
        _suggestions(client, "actors.Person", "awa")[1]
        == _suggestions(client, "actors.Person", "diop")[1]
    )
    assert len(_suggestions(client, "actors.Person", "diop awa")[1]) == 1
    for label in ("auth.User", "api.ApiToken", "members.Membership", "nothing.Here", "x"):
        response = client.get(reverse("picker_options", args=[label]), {"q": "staff"})
        assert response.status_code == 404, label


def test_visitors_get_no_suggestions(client):
    response = client.get(reverse("picker_options", args=["actors.Organisation"]), {"q": "ville"})
    assert response.status_code == 403


def test_a_long_list_holds_only_the_chosen_record_and_the_form_still_accepts_any(
    staff_client, monkeypatch
):
    partnerships = [f.partnership() for _ in range(4)]
    project = f.project(partnership=partnerships[1])
    edit = reverse("cooperation:project_update", args=[project.pk])

    def partnership_select():
        page = staff_client.get(edit).content.decode()
        return re.search(r'<select[^>]*name="partnership".*?</select>', page, re.S).group(0)

    short = partnership_select()  # all held, searched in the page
    assert all(f'<option value="{p.pk}"' in short for p in partnerships)
    assert "data-picker-url" not in short

    monkeypatch.setattr(pickers, "LOCAL_LIMIT", 2)
    long = partnership_select()
    assert 'data-picker-url="/choix/cooperation.Partnership/"' in long
    assert f'<option value="{partnerships[1].pk}" selected>' in long
    assert f'<option value="{partnerships[3].pk}"' not in long

    form = {
        "title": project.title,
        "partnership": partnerships[3].pk,  # never rendered: found by typing
        "status": "en_cours",
        "start_on": "2020-01-01",
        "primary_theme": project.primary_theme_id,
        "version": project.version,
        "change_reason": "Bon partenariat",
    }
    response = staff_client.post(edit, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Project.objects.get(pk=project.pk).partnership == partnerships[3]


def test_themes_and_sectors_are_searchable_pickers_holding_their_whole_vocabulary(staff_client):
    page = staff_client.get(reverse("cooperation:project_create")).content.decode()
    fields = ProjectForm().fields
    for name in ("primary_theme", "dac_sector"):
        select = re.search(rf'<select[^>]*name="{name}".*?</select>', page, re.S).group(0)
        assert "data-picker" in select and "data-picker-url" not in select, name
        assert select.count("<option") == fields[name].queryset.count() + 1, name  # and ""
    # A vocabulary is held whole in the page even beyond the limit: a remote search would
    # not know which vocabulary the field takes.
    every_concept = forms.ModelChoiceField(queryset=Concept.objects.all())
    assert every_concept.queryset.count() > pickers.LOCAL_LIMIT
    widget = pickers.RecordPicker(choices=every_concept.widget.choices)
    assert "data-picker-url" not in widget.render("theme", None)
