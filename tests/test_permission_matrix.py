"""Every role × every model × every action, through the views (and so the services), asserting
what is allowed and what is refused with nothing changed. Each record belongs to organisation A."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from icilabas.core import page_cache
from icilabas.core.models import PendingChange, PublishableRecord
from icilabas.core.services import parent_of
from icilabas.members.models import Membership, Role

from . import factories as f
from .contracts import CASES, OWNED_BY
from .test_contracts import EDITED_VALUES, as_form_data, url

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "member", "editor_a", "admin_a", "editor_b", "staff"]
MAY_CHANGE = {"editor_a", "admin_a", "staff"}


def may_change(case) -> set[str]:
    return {"staff"} if case.staff_only else MAY_CHANGE


@pytest.fixture
def world(db):
    return {"a": f.organisation(name="Ville A"), "b": f.organisation(name="Ville B")}


def login_as(client, role: str, world) -> None:
    if role == "anonymous":
        return
    user = get_user_model().objects.create_user(
        username=role, password="x-long-enough-1", is_staff=role == "staff"
    )
    if role in ("editor_a", "admin_a", "editor_b"):
        organisation = world["b"] if role == "editor_b" else world["a"]
        membership_role = Role.ADMIN if role == "admin_a" else Role.EDITOR
        Membership.objects.create(user=user, organisation=organisation, role=membership_role)
    client.force_login(user)


def assert_refused(response, role):
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == 403


def reviewed(record, role) -> bool:
    """An editor's change to a published record, or to a child record of one, waits for staff."""
    if role == "staff":
        return False
    if isinstance(record, PublishableRecord):
        return record.is_published
    return parent_of(record).is_published


def snapshot(model):
    return list(model.all_objects.order_by("pk").values_list("pk", "updated_at", "deleted_at"))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES, ids=str)
def test_edit(case, role, client, world):
    record = OWNED_BY[case.name](world["a"])
    login_as(client, role, world)
    data = as_form_data(record)
    data[case.edit_field] = EDITED_VALUES.get(case.edit_field, "Valeur changée")
    before = snapshot(type(record))
    response = client.post(url(case, "update", record.pk), data)
    record.refresh_from_db()
    if role in may_change(case) and reviewed(record, role):
        # An editor's change to a published record waits for staff: nothing public changes.
        assert response.status_code == 302, response.context["form"].errors
        assert snapshot(type(record)) == before
        change = PendingChange.objects.get(object_id=record.pk)
        assert change.values[case.edit_field] == data[case.edit_field]
    elif role in may_change(case):
        assert response.status_code == 302, response.context["form"].errors
        assert str(getattr(record, case.edit_field)) == data[case.edit_field]
    else:
        assert_refused(response, role)
        assert snapshot(type(record)) == before


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES, ids=str)
def test_delete_then_restore(case, role, client, world, author):
    from icilabas.core.services import soft_delete_record

    record = OWNED_BY[case.name](world["a"])
    model = type(record)
    login_as(client, role, world)
    response = client.post(url(case, "delete", record.pk))
    if role in may_change(case) and reviewed(record, role):
        # Binning a published record waits for staff, like a change of its fields.
        assert response.status_code == 302
        assert model.objects.filter(pk=record.pk).exists()
        change = PendingChange.objects.get(object_id=record.pk)
        assert change.action == PendingChange.Action.DELETE
        soft_delete_record(record, user=author)
    elif role in may_change(case):
        assert response.status_code == 302
        assert not model.objects.filter(pk=record.pk).exists()
    else:
        assert_refused(response, role)
        assert model.objects.filter(pk=record.pk).exists()
        soft_delete_record(record, user=author)
    restore = reverse("restore", args=[model._meta.app_label, model._meta.model_name, record.pk])
    response = client.post(restore)
    if role in may_change(case):
        assert response.status_code == 302
        assert model.objects.filter(pk=record.pk).exists()
    else:
        assert_refused(response, role)
        assert not model.objects.filter(pk=record.pk).exists()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES, ids=str)
def test_view_published_and_draft(case, role, client, world):
    record = OWNED_BY[case.name](world["a"])
    login_as(client, role, world)
    assert client.get(record.get_absolute_url()).status_code == 200
    if not isinstance(record, PublishableRecord):
        return
    type(record).all_objects.filter(pk=record.pk).update(publication="brouillon")
    page_cache.registry_changed()  # the update above bypasses the services and their signals
    detail = client.get(record.get_absolute_url())
    history = client.get(url(case, "history", record.pk))
    listed = case.has_list and record in client.get(url(case, "list")).context["object_list"]
    if role in may_change(case):
        assert (detail.status_code, history.status_code, listed) == (200, 200, case.has_list)
    else:
        assert (detail.status_code, history.status_code, listed) == (404, 404, False)


# Records no organisation owns yet (a new partner authority, a person) may be started by any
# editor; a new organisation only by staff (who then invite its editors).
STARTED_BY_ANY_EDITOR = {"foreignauthority", "person"}


def may_create(case, role) -> bool:
    if role == "staff":
        return True
    if case.staff_only:
        return False
    if role in ("editor_a", "admin_a"):
        return case.name != "organisation"
    return role == "editor_b" and case.name in STARTED_BY_ANY_EDITOR


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES, ids=str)
def test_create(case, role, client, world):
    """A copy of a record of A, posted as new: allowed to those who may write for A."""
    template = OWNED_BY[case.name](world["a"])
    model = type(template)
    data = as_form_data(template)
    data[case.edit_field] = EDITED_VALUES.get(case.edit_field, "Nouvelle fiche")
    if case.name == "secondarytheme":  # a project has each secondary theme once
        data["theme"] = f.theme("4.2").pk
    before = model.all_objects.count()
    login_as(client, role, world)
    response = client.post(url(case, "create"), data)
    created = model.all_objects.count() - before
    if may_create(case, role) and template.parent_field and reviewed(template, role):
        # Added to a published record: kept for staff, written when they accept it.
        assert response.status_code == 302, response.context["form"].errors
        assert created == 0
        change = PendingChange.objects.get(action=PendingChange.Action.CREATE)
        assert change.values[case.edit_field] == data[case.edit_field]
    elif may_create(case, role):
        assert response.status_code == 302, response.context["form"].errors
        assert created == 1
    elif role in ("anonymous", "member") or case.staff_only:
        assert_refused(response, role)
        assert created == 0
    else:  # an editor naming another organisation: told on the form, nothing kept
        assert response.status_code == 200
        assert "vos organisations" in response.content.decode()
        assert created == 0


@pytest.mark.parametrize("role", ROLES)
def test_personal_data_export(role, client, world):
    person = OWNED_BY["person"](world["a"])
    login_as(client, role, world)
    response = client.get(reverse("actors:person_data", args=[person.pk]))
    if role in MAY_CHANGE:
        assert response.status_code == 200
        assert response.json()["personne"]["last_name"] == person.last_name
    else:
        assert_refused(response, role)
