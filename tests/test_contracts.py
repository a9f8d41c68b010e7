"""CRUD, validation, permission and history tests for every model, from tests/contracts.py."""

import datetime

import pytest
from django.apps import apps
from django.forms.models import model_to_dict
from django.urls import reverse

from .contracts import CASES

pytestmark = pytest.mark.django_db


def url(case, action, *args):
    return reverse(f"{case.namespace}:{case.name}_{action}", args=args)


def as_form_data(instance) -> dict:
    """A record's current values as an edit form would post them."""
    data = {}
    for name, value in model_to_dict(instance).items():
        if getattr(instance._meta.get_field(name), "multiple", False):  # several countries
            value = list(value or [])
        if isinstance(value, list | tuple):
            data[name] = [getattr(v, "pk", getattr(v, "code", v)) for v in value if v != ""]
        elif value is None:
            data[name] = ""
        elif isinstance(value, datetime.date):
            data[name] = value.isoformat()
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = str(getattr(value, "code", value))
    return data


EDITED_VALUES = {"rank": "2", "role": "partenaire"}


@pytest.mark.parametrize("case", CASES, ids=str)
def test_staff_creates_through_the_form_and_history_records_it(case, staff_client, staff_user):
    response = staff_client.post(url(case, "create"), case.valid_post())
    assert response.status_code == 302, response.context["form"].errors
    model = apps.get_model(case.namespace, case.name)
    record = model.objects.latest("pk")
    assert response["Location"] == record.get_absolute_url()
    history = list(record.history.all())
    assert len(history) == 1
    assert history[0].history_user == staff_user
    assert history[0].history_type == "+"


@pytest.mark.parametrize("case", CASES, ids=str)
def test_staff_edits_and_history_keeps_before_and_after(case, staff_client):
    record = case.factory()
    before = getattr(record, case.edit_field)
    data = as_form_data(record)
    data[case.edit_field] = EDITED_VALUES.get(case.edit_field, f"{before} (modifié)")
    data["change_reason"] = "Correction de test"
    response = staff_client.post(url(case, "update", record.pk), data)
    assert response.status_code == 302, response.context["form"].errors
    record.refresh_from_db()
    assert str(getattr(record, case.edit_field)) == data[case.edit_field]
    latest = record.history.first()
    assert latest.history_change_reason == "Correction de test"
    delta = latest.diff_against(latest.prev_record)
    assert case.edit_field in delta.changed_fields
    page = staff_client.get(url(case, "history", record.pk))
    assert "Correction de test" in page.content.decode()


@pytest.mark.parametrize("case", CASES, ids=str)
def test_invalid_input_is_refused_on_its_field_and_nothing_is_saved(case, staff_client):
    data = case.invalid_post()
    model = apps.get_model(case.namespace, case.name)
    before = model.all_objects.count()
    response = staff_client.post(url(case, "create"), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert case.invalid_field in errors, errors
    assert any(case.invalid_message in e for e in errors[case.invalid_field]), errors
    assert model.all_objects.count() == before
    assert case.invalid_message in response.content.decode()


@pytest.mark.parametrize("case", CASES, ids=str)
def test_soft_delete_asks_confirmation_then_hides_and_keeps_the_record(case, staff_client):
    record = case.factory()
    model = type(record)
    confirm = staff_client.get(url(case, "delete", record.pk))
    assert confirm.status_code == 200
    assert "corbeille" in confirm.content.decode()
    assert model.objects.filter(pk=record.pk).exists()
    response = staff_client.post(url(case, "delete", record.pk))
    assert response.status_code == 302
    assert not model.objects.filter(pk=record.pk).exists()
    assert model.all_objects.get(pk=record.pk).deleted_at is not None
    assert staff_client.get(url(case, "update", record.pk)).status_code == 404


@pytest.mark.parametrize("case", CASES, ids=str)
@pytest.mark.parametrize("action", ["create", "update", "delete"])
def test_member_without_staff_right_gets_403_and_nothing_changes(case, action, member_client):
    record = case.factory()
    model = type(record)
    target = url(case, action) if action == "create" else url(case, action, record.pk)
    before = list(model.all_objects.values_list("pk", "updated_at", "deleted_at"))
    assert member_client.get(target).status_code == 403
    data = case.valid_post() if action != "delete" else {}
    assert member_client.post(target, data).status_code == 403
    assert list(model.all_objects.values_list("pk", "updated_at", "deleted_at")) == before


@pytest.mark.parametrize("case", CASES, ids=str)
def test_anonymous_visitor_is_sent_to_login_to_edit(case, client):
    record = case.factory()
    response = client.get(url(case, "update", record.pk))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("case", CASES, ids=str)
def test_public_pages_of_the_record(case, client):
    record = case.factory()
    assert client.get(record.get_absolute_url()).status_code == 200
    assert client.get(url(case, "history", record.pk)).status_code == 200
    if case.has_list:
        listing = client.get(url(case, "list"))
        assert listing.status_code == 200
        assert record in listing.context["object_list"]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_bin_lists_the_deleted_record_and_restores_it(case, staff_client):
    record = case.factory()
    staff_client.post(url(case, "delete", record.pk))
    model = type(record)
    record.refresh_from_db()
    assert str(record) in staff_client.get(reverse("bin")).content.decode()
    response = staff_client.post(
        reverse("restore", args=[model._meta.app_label, model._meta.model_name, record.pk])
    )
    assert response.status_code == 302
    assert model.objects.filter(pk=record.pk).exists()
    assert record.history.first().history_change_reason == "Restauration"


def test_bin_and_restore_are_for_staff_only(member_client):
    record = CASES[0].factory()
    assert member_client.get(reverse("bin")).status_code == 403
    restore = reverse("restore", args=["actors", "organisation", record.pk])
    assert member_client.post(restore).status_code == 403


def test_restore_refuses_a_name_taken_meanwhile(staff_client, author):
    from icilabas.core.services import soft_delete_record

    first = CASES[0].factory(name="Ville de Cenon", insee_code="33119")
    soft_delete_record(first, user=author)
    CASES[0].factory(name="Ville de Cenon", insee_code="33119")
    response = staff_client.post(
        reverse("restore", args=["actors", "organisation", first.pk]), follow=True
    )
    assert "ne peut pas être restauré" in response.content.decode()
    assert type(first).all_objects.get(pk=first.pk).deleted_at is not None
