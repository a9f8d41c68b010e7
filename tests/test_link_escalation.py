"""An editor who links her organisation to another organisation's record (a position for its
person, a participation in its project, a partnership with its partner authority) gains nothing
over that record until its owners or staff accept the link; every other link she can make (a
co-financer, a step's owner, a document) never gives her anything."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from icilabas.actors.models import ForeignAuthority, Person, Position
from icilabas.cooperation.models import Participation, Partnership, Project
from icilabas.core import permissions
from icilabas.core.services import create_record
from icilabas.members.models import Membership, Role

from . import factories as f

pytestmark = pytest.mark.django_db


def editor_of(organisation, name):
    user = get_user_model().objects.create_user(username=name, password="x-long-enough-1")
    Membership.objects.create(user=user, organisation=organisation, role=Role.EDITOR)
    return user


@pytest.fixture
def world(db):
    bordeaux, martignas = f.organisation(name="Bordeaux"), f.organisation(name="Martignas")
    person = f.person(email="secret@bordeaux.fr", phone="0556000000", notes="MARQUEUR-PRIVE")
    f.position(person=person, organisation=bordeaux)
    hidden = f.person(public_consent=False, last_name="Sans-Consentement")
    f.position(person=hidden, organisation=bordeaux)
    authority = f.foreign_authority(name="Bamako")
    partnership = f.partnership(foreign_authority=authority, french_partners=[bordeaux])
    project = f.project(partnership=partnership, title="Projet de Bordeaux")
    return {
        "bordeaux": bordeaux,
        "martignas": martignas,
        "person": person,
        "hidden": hidden,
        "authority": authority,
        "project": project,
        "bordeaux_editor": editor_of(bordeaux, "bordeaux"),
        "attacker": editor_of(martignas, "martignas"),
    }


def propose_position(client, world):
    return client.post(
        reverse("actors:position_create"),
        {
            "person": world["person"].pk,
            "organisation": world["martignas"].pk,
            "title": "Conseillère",
            "role": "elu",
        },
    )


def propose_participation(client, world):
    return client.post(
        reverse("cooperation:participation_create"),
        {"project": world["project"].pk, "organisation": world["martignas"].pk, "role": "pilote"},
    )


def propose_partnership(client, world):
    return client.post(
        reverse("cooperation:partnership_create"),
        {
            "title": "Martignas – Bamako",
            "french_partners": [world["martignas"].pk],
            "foreign_authority": world["authority"].pk,
            "status": "en_cours",
        },
    )


# Each kind of self-made link: how it is made, the record it points at, how that record is
# read and changed by its owners.
LINKS = {
    "position": (propose_position, "person", Position, "actors:person"),
    "participation": (propose_participation, "project", Participation, "cooperation:project"),
    "partnership": (propose_partnership, "authority", Partnership, "actors:foreignauthority"),
}


@pytest.mark.parametrize("kind", LINKS)
def test_a_self_made_link_gives_nothing_over_the_linked_record(kind, client, world):
    make, target_key, link_model, prefix = LINKS[kind]
    target = world[target_key]
    client.force_login(world["attacker"])
    response = make(client, world)
    assert response.status_code == 302, response.context["form"].errors
    link = link_model._base_manager.latest("pk")
    assert link.link_accepted is False
    assert not permissions.can_edit(world["attacker"], target)
    assert client.get(reverse(f"{prefix}_update", args=[target.pk])).status_code == 403
    assert client.post(reverse(f"{prefix}_delete", args=[target.pk])).status_code == 403
    assert type(target).objects.filter(pk=target.pk).exists()
    if kind == "person":
        data = client.get(reverse("actors:person_data", args=[target.pk]))
        assert data.status_code == 403
    # The publication workflow is closed to her too.
    if hasattr(target, "publication"):
        meta = type(target)._meta
        archive = reverse(
            "publication", args=[meta.app_label, meta.model_name, target.pk, "archive"]
        )
        assert client.post(archive).status_code == 403
        target.refresh_from_db()
        assert target.publication == "publie"


def test_a_person_linked_by_a_proposal_keeps_her_data_private(client, world):
    client.force_login(world["attacker"])
    propose_position(client, world)
    person = world["person"]
    assert client.get(reverse("actors:person_data", args=[person.pk])).status_code == 403
    page = client.get(reverse("actors:person_update", args=[person.pk]))
    assert page.status_code == 403
    assert "MARQUEUR-PRIVE" not in page.content.decode()


def test_proposals_stay_off_public_pages(client, world):
    client.force_login(world["attacker"])
    propose_participation(client, world)
    propose_position(client, world)
    client.logout()
    project_page = client.get(world["project"].get_absolute_url()).content.decode()
    assert "Martignas" not in project_page
    person_page = client.get(world["person"].get_absolute_url()).content.decode()
    assert "Martignas" not in person_page


@pytest.mark.parametrize("kind", LINKS)
def test_the_owner_accepts_and_then_the_link_counts(kind, client, world):
    make, target_key, link_model, _prefix = LINKS[kind]
    target = world[target_key]
    client.force_login(world["attacker"])
    make(client, world)
    link = link_model._base_manager.latest("pk")
    home = client.get(reverse("members:home")).content.decode()
    assert "Vos rattachements en attente" in home
    # She cannot accept her own proposal.
    meta = link_model._meta
    accept = reverse("link_decision", args=[meta.app_label, meta.model_name, link.pk, "accepter"])
    client.post(accept)
    link.refresh_from_db()
    assert link.link_accepted is False
    client.force_login(world["bordeaux_editor"])
    home = client.get(reverse("members:home")).content.decode()
    assert "Rattachements proposés" in home and str(target) in home
    assert client.post(accept).status_code == 302
    link.refresh_from_db()
    assert link.link_accepted is True
    assert permissions.can_edit(world["attacker"], target)
    assert link.history.latest().history_change_reason == "Rattachement accepté"


@pytest.mark.parametrize("kind", ["position", "participation"])
def test_the_owner_refuses_and_the_link_goes_to_the_bin(kind, client, world):
    make, _target_key, link_model, _prefix = LINKS[kind]
    client.force_login(world["attacker"])
    make(client, world)
    link = link_model._base_manager.latest("pk")
    meta = link_model._meta
    client.force_login(world["bordeaux_editor"])
    refuse = reverse("link_decision", args=[meta.app_label, meta.model_name, link.pk, "refuser"])
    assert client.post(refuse).status_code == 302
    link.refresh_from_db()
    assert link.deleted_at is not None and link.link_accepted is False


def test_staff_see_and_accept_proposals_on_the_moderation_page(client, world, staff_user):
    client.force_login(world["attacker"])
    propose_participation(client, world)
    client.force_login(staff_user)
    page = client.get(reverse("moderation")).content.decode()
    assert "Rattachements proposés" in page and "Projet de Bordeaux" in page


def test_a_link_pointed_elsewhere_is_a_proposal_again(client, world):
    """She may change her own position, but moving it onto another organisation's person
    is a new proposal, not an accepted link."""
    client.force_login(world["attacker"])
    own = f.person(last_name="Interne")
    position = f.position(person=own, organisation=world["martignas"])
    assert position.link_accepted
    response = client.post(
        reverse("actors:position_update", args=[position.pk]),
        {
            "person": world["person"].pk,
            "organisation": world["martignas"].pk,
            "title": "Élue",
            "role": "elu",
        },
    )
    assert response.status_code == 302
    position.refresh_from_db()
    assert position.link_accepted is False
    assert not permissions.can_edit(world["attacker"], world["person"])


def test_her_own_new_person_and_project_are_linked_at_once(client, world):
    """Nothing changes for what she starts herself: a new person, a new project."""
    user = world["attacker"]
    person = create_record(Person, user=user, data={"first_name": "A", "last_name": "B"})
    create_record(
        Position,
        user=user,
        data={"person": person, "organisation": world["martignas"], "title": "x", "role": "elu"},
    )
    assert Position.objects.get(person=person).link_accepted
    assert permissions.can_edit(user, person)
    client.force_login(user)
    response = client.post(
        reverse("cooperation:project_create"),
        {
            "title": "Projet de Martignas",
            "status": "en_cours",
            "primary_theme": f.theme().pk,
            "lead_organisation": world["martignas"].pk,
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    project = Project.all_objects.get(title="Projet de Martignas")
    assert project.participations.get().link_accepted
    assert permissions.can_edit(user, project)


@pytest.mark.parametrize(
    "link",
    [
        lambda w: f.budget_line(project=w["project"], cofinancer=w["martignas"]),
        lambda w: f.action_step(project=w["project"], owner=w["martignas"]),
        lambda w: f.commitment(partnership=w["project"].partnership),
        lambda w: f.partnership_document(partnership=w["project"].partnership),
    ],
    ids=["cofinancing", "step-owner", "commitment", "document"],
)
def test_other_links_to_her_organisation_give_nothing(link, world):
    record = link(world)
    attacker = world["attacker"]
    assert not permissions.can_edit(attacker, record)
    assert not permissions.can_edit(attacker, world["project"])
    assert not permissions.can_edit(attacker, world["project"].partnership)


def test_she_cannot_add_children_to_a_record_she_does_not_own(client, world):
    client.force_login(world["attacker"])
    response = client.post(
        reverse("cooperation:budgetline_create"),
        {
            "project": world["project"].pk,
            "label": "Détournement",
            "amount": "10",
            "currency": "EUR",
            "cofinancer": world["martignas"].pk,
        },
    )
    assert response.status_code == 200
    assert "vos organisations" in response.content.decode()


def test_pickers_offer_only_what_she_may_see(client, world):
    draft = create_record(
        Project,
        user=world["bordeaux_editor"],
        data={"title": "Brouillon de Bordeaux", "status": "en_cours", "primary_theme": f.theme()},
        then=lambda p: create_record(
            Participation,
            user=world["bordeaux_editor"],
            data={"project": p, "organisation": world["bordeaux"], "role": "pilote"},
        ),
    )
    client.force_login(world["attacker"])
    form = client.get(reverse("actors:position_create")).context["form"]
    people = set(form.fields["person"].queryset)
    assert world["person"] in people and world["hidden"] not in people
    form = client.get(reverse("cooperation:participation_create")).context["form"]
    assert draft not in set(form.fields["project"].queryset)
    response = client.post(
        reverse("actors:position_create"),
        {
            "person": world["hidden"].pk,
            "organisation": world["martignas"].pk,
            "title": "x",
            "role": "elu",
        },
    )
    assert response.status_code == 200
    assert "person" in response.context["form"].errors
    assert not ForeignAuthority.objects.filter(created_by=world["attacker"]).exists()


@pytest.mark.parametrize("trusted", [False, True])
def test_archiving_or_binning_a_published_record_waits_for_staff(
    trusted, client, world, staff_user
):
    from icilabas.core.models import PendingChange
    from icilabas.core.services import apply_pending_change

    bordeaux = world["bordeaux"]
    if trusted:
        bordeaux.trusted = True
        bordeaux.save(update_fields=["trusted"])
    project = world["project"]
    client.force_login(world["bordeaux_editor"])
    client.post(reverse("publication", args=["cooperation", "project", project.pk, "archive"]))
    client.post(reverse("cooperation:project_delete", args=[project.pk]))
    project = Project.all_objects.get(pk=project.pk)
    if trusted:
        assert project.publication == "archive" and project.deleted_at is not None
        assert not PendingChange.objects.exists()
        return
    assert project.publication == "publie" and project.deleted_at is None
    assert client.get(project.get_absolute_url()).status_code == 200
    requests = PendingChange.objects.order_by("pk")
    assert [r.action for r in requests] == ["archivage", "suppression"]
    client.force_login(staff_user)
    page = client.get(reverse("moderation")).content.decode()
    assert "Mise à la corbeille" in page or "mise à la corbeille" in page
    apply_pending_change(requests[1], user=staff_user)
    assert not Project.objects.filter(pk=project.pk).exists()


def test_a_proposed_position_does_not_answer_the_people_filter(client, world):
    client.force_login(world["attacker"])
    propose_position(client, world)
    client.logout()
    found = client.get(reverse("actors:person_list"), {"organisation": "Martignas"})
    assert world["person"] not in found.context["object_list"]
    found = client.get(reverse("actors:person_list"), {"organisation": "Bordeaux"})
    assert world["person"] in found.context["object_list"]
