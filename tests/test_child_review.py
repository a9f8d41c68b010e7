"""Child records (budget lines, commitments, documents…) an editor adds to, changes in or bins
from a published record wait for staff like a change of the record itself, unless staff trust
her organisation; until then the public sees the published record as it was."""

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from icilabas.cooperation.models import BudgetLine, PartnershipDocument
from icilabas.core.models import PendingChange
from icilabas.core.services import apply_pending_change, reject_pending_change
from icilabas.members.models import Membership, Role

from . import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(db):
    organisation = f.organisation(name="Ville de Pessac")
    editor = get_user_model().objects.create_user(
        username="pessac", email="ed@pessac.fr", password="x-long-enough-1"
    )
    Membership.objects.create(user=editor, organisation=organisation, role=Role.EDITOR)
    partnership = f.partnership(french_partners=[organisation])
    project = f.project(partnership=partnership, title="Projet publié")
    return {"organisation": organisation, "editor": editor, "project": project}


def add_line(client, project, label="Forage MARQUEUR"):
    return client.post(
        reverse("cooperation:budgetline_create"),
        {"project": project.pk, "label": label, "amount": "1200", "currency": "EUR"},
    )


def test_an_added_budget_line_waits_then_staff_publish_it(client, published, staff_user):
    client.force_login(published["editor"])
    response = add_line(client, published["project"])
    assert response.status_code == 302
    assert not BudgetLine.objects.filter(label="Forage MARQUEUR").exists()
    visitor = Client()
    assert (
        "Forage MARQUEUR"
        not in visitor.get(published["project"].get_absolute_url()).content.decode()
    )
    change = PendingChange.objects.get()
    assert change.action == PendingChange.Action.CREATE and change.object_id is None
    client.force_login(staff_user)
    page = client.get(reverse("moderation")).content.decode()
    assert "Forage MARQUEUR" in page and "Projet publié" in page
    apply_pending_change(change, user=staff_user)
    line = BudgetLine.objects.get(label="Forage MARQUEUR")
    change.refresh_from_db()
    assert change.object_id == line.pk and change.state == PendingChange.State.APPLIED
    assert (
        "Forage MARQUEUR" in visitor.get(published["project"].get_absolute_url()).content.decode()
    )


def test_a_refused_addition_leaves_nothing(client, published, staff_user):
    client.force_login(published["editor"])
    add_line(client, published["project"])
    reject_pending_change(PendingChange.objects.get(), user=staff_user, note="Doublon")
    assert not BudgetLine.all_objects.filter(label="Forage MARQUEUR").exists()


def test_an_addition_is_checked_at_once(client, published):
    client.force_login(published["editor"])
    response = client.post(
        reverse("cooperation:budgetline_create"),
        {"project": published["project"].pk, "label": "x", "amount": "-5", "currency": "EUR"},
    )
    assert response.status_code == 200
    assert "amount" in response.context["form"].errors
    assert not PendingChange.objects.exists()


def test_changes_and_binning_of_a_child_wait_too(client, published, staff_user):
    line = f.budget_line(project=published["project"], label="Avant")
    client.force_login(published["editor"])
    client.post(
        reverse("cooperation:budgetline_update", args=[line.pk]),
        {"project": published["project"].pk, "label": "Après", "amount": "10", "currency": "EUR"},
    )
    client.post(reverse("cooperation:budgetline_delete", args=[line.pk]))
    line.refresh_from_db()
    assert line.label == "Avant" and line.deleted_at is None
    actions = list(PendingChange.objects.order_by("pk").values_list("action", flat=True))
    assert actions == ["modification", "suppression"]


def test_a_document_added_for_review_keeps_its_file(client, published, staff_user):
    client.force_login(published["editor"])
    response = client.post(
        reverse("cooperation:partnershipdocument_create"),
        {
            "partnership": published["project"].partnership.pk,
            "title": "Convention",
            "file": SimpleUploadedFile("convention.pdf", b"%PDF-1.7\nconvention"),
        },
    )
    assert response.status_code == 302
    apply_pending_change(PendingChange.objects.get(), user=staff_user)
    document = PartnershipDocument.objects.get()
    assert document.file.read().startswith(b"%PDF-1.7")


def test_a_trusted_organisation_s_additions_go_public_at_once(client, published):
    organisation = published["organisation"]
    organisation.trusted = True
    organisation.save(update_fields=["trusted"])
    client.force_login(published["editor"])
    add_line(client, published["project"])
    assert BudgetLine.objects.filter(label="Forage MARQUEUR").exists()
    assert not PendingChange.objects.exists()


def test_children_of_her_draft_are_written_at_once(client, published):
    client.force_login(published["editor"])
    draft = f.project(partnership=published["project"].partnership, title="Brouillon")
    draft.publication = "brouillon"
    draft.save(update_fields=["publication"])
    add_line(client, draft, label="Ligne du brouillon")
    assert BudgetLine.objects.filter(label="Ligne du brouillon").exists()
