"""Invitations, the publication workflow, trusted organisations, forged ids, restoring an earlier
version, rendering of hostile text, login throttling and production settings."""

import base64
import os
import re
import subprocess
import sys
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from icilabas.actors.models import Organisation
from icilabas.cooperation.models import Partnership, Project
from icilabas.core import search
from icilabas.core.models import PendingChange
from icilabas.core.services import change_publication, update_record
from icilabas.members.models import Invitation, Membership, Role

from . import factories as f

pytestmark = pytest.mark.django_db


def editor_of(organisation, *, username="editrice", role=Role.EDITOR):
    user = get_user_model().objects.create_user(
        username=username, email=f"{username}@example.org", password="x-long-enough-1"
    )
    Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


def invitation_link(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


# ---------------------------------------------------------------- invitations


def test_staff_invites_an_editor_who_sets_her_password_and_edits_her_commune(
    staff_client, client, django_capture_on_commit_callbacks
):
    commune = f.organisation(name="Ville de Martignas-sur-Jalle")
    with django_capture_on_commit_callbacks(execute=True):  # sent once the invitation is kept
        response = staff_client.post(
            reverse("members:invite"),
            {"email": "Claire@Example.org", "organisation": commune.pk, "role": Role.EDITOR},
        )
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["claire@example.org"]
    link = invitation_link(mail.outbox[0])
    staff_client.logout()
    page = client.get(link)
    assert page.status_code == 200 and "Martignas" in page.content.decode()
    response = client.post(
        link,
        {
            "first_name": "Claire",
            "last_name": "Martin",
            "password1": "jumelage-foundiougne-2011",
            "password2": "jumelage-foundiougne-2011",
        },
    )
    assert response.status_code == 302 and response["Location"] == commune.get_absolute_url()
    user = get_user_model().objects.get(email="claire@example.org")
    assert Membership.objects.filter(user=user, organisation=commune, role=Role.EDITOR).exists()
    edit = client.get(reverse("actors:organisation_update", args=[commune.pk]))
    assert edit.status_code == 200
    assert "trusted" not in edit.context["form"].fields  # staff-only field hidden


def test_a_used_invitation_link_is_refused_and_changes_nothing(staff_user, client):
    commune = f.organisation()
    _invitation, key = Invitation.issue(
        email="a@example.org", organisation=commune, role=Role.EDITOR, invited_by=staff_user
    )
    form = {"first_name": "A", "last_name": "B", "password1": "pass-word-long-1"}
    form["password2"] = form["password1"]
    assert client.post(Invitation.accept_url(key), form).status_code == 302
    client.logout()
    again = client.post(Invitation.accept_url(key), {**form, "password1": "other-pass-99"})
    assert again.status_code == 410
    assert "déjà été utilisée" in again.content.decode()
    user = get_user_model().objects.get(email="a@example.org")
    assert user.check_password("pass-word-long-1")


def test_an_expired_or_unknown_invitation_is_explained(staff_user, client):
    invitation, key = Invitation.issue(
        email="b@example.org",
        organisation=f.organisation(),
        role=Role.EDITOR,
        invited_by=staff_user,
    )
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(1))
    expired = client.get(Invitation.accept_url(key))
    assert expired.status_code == 410 and "a expiré" in expired.content.decode()
    unknown = client.get(Invitation.accept_url("pas-une-cle"))
    assert unknown.status_code == 410 and "inconnu" in unknown.content.decode()
    assert not get_user_model().objects.filter(email="b@example.org").exists()


def test_a_weak_password_is_refused_on_its_field(staff_user, client):
    _invitation, key = Invitation.issue(
        email="c@example.org",
        organisation=f.organisation(),
        role=Role.EDITOR,
        invited_by=staff_user,
    )
    response = client.post(
        Invitation.accept_url(key),
        {"first_name": "C", "last_name": "D", "password1": "123", "password2": "123"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["password1"]
    assert not get_user_model().objects.filter(email="c@example.org").exists()


def test_organisation_admin_invites_for_her_organisation_only(client):
    mine, other = f.organisation(), f.organisation()
    admin = editor_of(mine, role=Role.ADMIN)
    client.force_login(admin)
    ok = client.post(
        reverse("members:invite"),
        {"email": "x@example.org", "organisation": mine.pk, "role": "editeur"},
    )
    assert ok.status_code == 302
    forged = client.post(
        reverse("members:invite"),
        {"email": "y@example.org", "organisation": other.pk, "role": "editeur"},
    )
    assert forged.status_code == 400
    assert not Invitation.objects.filter(email="y@example.org").exists()


def test_a_plain_editor_cannot_remove_members(client):
    commune = f.organisation()
    editor = editor_of(commune)
    colleague = editor_of(commune, username="collegue")
    client.force_login(editor)
    membership = Membership.objects.get(user=colleague)
    assert client.post(reverse("members:remove", args=[membership.pk])).status_code == 403
    assert Membership.objects.filter(pk=membership.pk).exists()


# ---------------------------------------------------------------- publication workflow


def test_editor_draft_is_submitted_then_published_by_staff_and_only_then_public(client, staff_user):
    commune = f.organisation(name="Ville de Bègles")
    editor = editor_of(commune)
    client.force_login(editor)
    response = client.post(
        reverse("cooperation:project_create"),
        {
            "title": "Bibliothèque de Kolda",
            "status": "en_cours",
            "lead_organisation": commune.pk,
            "primary_theme": f.theme("2.1.2").pk,
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    project = Project.objects.get(title="Bibliothèque de Kolda")
    assert project.publication == "brouillon" and project.created_by == editor
    assert not search.search("Kolda")
    client.post(reverse("publication", args=["cooperation", "project", project.pk, "submit"]))
    project.refresh_from_db()
    assert project.publication == "soumis"
    client.logout()
    assert client.get(project.get_absolute_url()).status_code == 404
    client.force_login(staff_user)
    queue = client.get(reverse("moderation"))
    assert "Bibliothèque de Kolda" in queue.content.decode()
    client.post(reverse("publication", args=["cooperation", "project", project.pk, "publish"]))
    client.logout()
    assert client.get(project.get_absolute_url()).status_code == 200
    assert [hit.title for hit in search.search("Kolda")] == ["Bibliothèque de Kolda"]


def test_editor_cannot_publish_her_own_draft(client):
    commune = f.organisation()
    editor = editor_of(commune)
    partnership = f.partnership(french_partners=[commune])
    Partnership.objects.filter(pk=partnership.pk).update(publication="brouillon")
    partnership.refresh_from_db()
    with pytest.raises(PermissionDenied):
        change_publication(partnership, user=editor, transition="publish")
    client.force_login(editor)
    url = reverse("publication", args=["cooperation", "partnership", partnership.pk, "publish"])
    assert client.post(url).status_code == 403
    partnership.refresh_from_db()
    assert partnership.publication == "brouillon"


def test_trusted_organisation_publishes_at_once(client):
    commune = f.organisation(trusted=True)
    client.force_login(editor_of(commune))
    response = client.post(
        reverse("cooperation:partnership_create"),
        {
            "title": "Confiance – Thiès",
            "french_partners": [commune.pk],
            "foreign_authority": f.foreign_authority().pk,
            "status": "en_cours",
        },
    )
    assert response.status_code == 302
    assert Partnership.objects.get(title="Confiance – Thiès").publication == "publie"


def test_editor_cannot_make_her_organisation_trusted(client):
    commune = f.organisation()
    editor = editor_of(commune)
    with pytest.raises(PermissionDenied):
        update_record(commune, user=editor, data={"trusted": True})
    commune.refresh_from_db()
    assert commune.trusted is False


def test_editor_change_to_a_published_record_waits_for_review_then_is_published(
    client, staff_user, django_capture_on_commit_callbacks
):
    commune = f.organisation(name="Ville de Martignas-sur-Jalle", description="Ancienne")
    editor = editor_of(commune)
    client.force_login(editor)
    form = client.get(reverse("actors:organisation_update", args=[commune.pk])).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k in form.fields}
    data.update(description="Nouvelle présentation", change_reason="Mandat 2026")
    response = client.post(reverse("actors:organisation_update", args=[commune.pk]), data)
    assert response.status_code == 302
    assert "relecture" in client.get(response["Location"]).content.decode()
    commune.refresh_from_db()
    assert commune.description == "Ancienne"
    client.force_login(staff_user)
    queue = client.get(reverse("moderation")).content.decode()
    assert "Nouvelle présentation" in queue and "Ancienne" in queue
    change = PendingChange.objects.get()
    client.cookies["django_language"] = "en"  # staff reads English; the editor gets French
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("pending_change_decision", args=[change.pk, "appliquer"]))
    client.cookies["django_language"] = "fr"
    commune.refresh_from_db()
    assert commune.description == "Nouvelle présentation"
    assert "Mandat 2026" in commune.history.first().history_change_reason
    assert mail.outbox and "a été publiée" in mail.outbox[-1].subject
    assert "L'équipe du réseau a validé et publié" in mail.outbox[-1].body
    again = client.post(
        reverse("pending_change_decision", args=[change.pk, "appliquer"]), follow=True
    )
    assert "déjà été traitée" in again.content.decode()


def test_rejected_change_leaves_the_record_as_published(client, staff_user):
    commune = f.organisation(description="Publiée")
    editor = editor_of(commune)
    update_record(commune, user=editor, data={"description": "Refusée"})
    change = PendingChange.objects.get()
    client.force_login(staff_user)
    client.post(
        reverse("pending_change_decision", args=[change.pk, "refuser"]), {"note": "Doublon"}
    )
    change.refresh_from_db()
    commune.refresh_from_db()
    assert (change.state, change.note, commune.description) == ("refusee", "Doublon", "Publiée")


def test_a_change_to_a_deleted_record_cannot_be_applied(client, staff_user):
    from icilabas.core.services import soft_delete_record

    commune = f.organisation()
    update_record(commune, user=editor_of(commune), data={"description": "Tardive"})
    soft_delete_record(commune, user=staff_user)
    client.force_login(staff_user)
    change = PendingChange.objects.get()
    response = client.post(
        reverse("pending_change_decision", args=[change.pk, "appliquer"]), follow=True
    )
    assert "supprimée" in response.content.decode()
    assert PendingChange.objects.get().state == "en_attente"


# ---------------------------------------------------------------- forged ids (IDOR)


def test_editor_cannot_create_a_partnership_for_another_organisation(client):
    mine, theirs = f.organisation(), f.organisation(name="Ville de Bègles")
    client.force_login(editor_of(mine))
    response = client.post(
        reverse("cooperation:partnership_create"),
        {
            "title": "Usurpation",
            "french_partners": [theirs.pk],
            "foreign_authority": f.foreign_authority().pk,
            "status": "en_cours",
        },
    )
    assert response.status_code == 200
    assert "vos organisations" in response.content.decode()
    assert not Partnership.all_objects.filter(title="Usurpation").exists()


def test_editor_cannot_move_her_project_to_another_partnership(client):
    mine, theirs = f.organisation(), f.organisation()
    project = f.project(partnership=f.partnership(french_partners=[mine]))
    their_partnership = f.partnership(french_partners=[theirs])
    editor = editor_of(mine)
    with pytest.raises(PermissionDenied):
        update_record(project, user=editor, data={"partnership": their_partnership})
    project.refresh_from_db()
    assert project.partnership.french_partners.get() == mine


def test_editor_cannot_add_a_budget_line_to_another_organisation_project(client):
    mine, theirs = f.organisation(), f.organisation()
    their_project = f.project(partnership=f.partnership(french_partners=[theirs]))
    client.force_login(editor_of(mine))
    response = client.post(
        reverse("cooperation:budgetline_create"),
        {"project": their_project.pk, "label": "Intrus", "amount": "10", "currency": "EUR"},
    )
    assert response.status_code == 200
    assert not their_project.budget_lines.exists()


def test_editor_token_obeys_the_same_rule_in_the_api(client):
    from icilabas.api.services import issue_token

    mine, theirs = f.organisation(), f.organisation(name="Ville de Cenon")
    _token, key = issue_token(user=editor_of(mine), name="script")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    denied = client.patch(
        f"/api/v1/organisations/{theirs.pk}",
        {"name": "Piratée"},
        content_type="application/json",
        **headers,
    )
    assert denied.status_code == 403
    assert Organisation.objects.get(pk=theirs.pk).name == "Ville de Cenon"
    queued = client.patch(
        f"/api/v1/organisations/{mine.pk}",
        {"description": "Mise à jour par script"},
        content_type="application/json",
        **headers,
    )
    assert queued.status_code == 202
    change = PendingChange.objects.get(pk=queued.json()["pending_change"])
    assert change.values == {"description": "Mise à jour par script"}
    assert Organisation.objects.get(pk=mine.pk).description == ""


def test_drafts_stay_out_of_public_lists_and_api(client):
    draft = f.project(title="Projet confidentiel")
    Project.objects.filter(pk=draft.pk).update(publication="brouillon")
    assert (
        "Projet confidentiel"
        not in client.get(reverse("cooperation:project_list")).content.decode()
    )
    assert client.get(f"/api/v1/projects/{draft.pk}").status_code == 404
    titles = [p["title"] for p in client.get("/api/v1/projects").json()["results"]]
    assert "Projet confidentiel" not in titles


# ---------------------------------------------------------------- history


def test_restore_an_earlier_version_brings_its_values_back(staff_client, staff_user):
    project = f.project(title="Version 1", summary="Premier résumé")
    update_record(project, user=staff_user, data={"title": "Version 2", "summary": "Autre"})
    first = project.history.order_by("history_date").first()
    response = staff_client.post(
        reverse("cooperation:project_history", args=[project.pk]), {"history_id": first.history_id}
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.title, project.summary) == ("Version 1", "Premier résumé")
    assert project.history.count() == 3  # nothing lost: the later version is still there


def test_only_editors_of_the_record_may_restore_a_version(member_client):
    project = f.project(title="Version 1")
    first = project.history.first()
    response = member_client.post(
        reverse("cooperation:project_history", args=[project.pk]), {"history_id": first.history_id}
    )
    assert response.status_code == 403


# ---------------------------------------------------------------- hostile input


def test_script_and_javascript_links_are_rendered_inert(client):
    project = f.project(
        title="<script>alert('titre')</script>",
        description='<script>alert(1)</script> <a href="javascript:alert(2)">clic</a>',
    )
    html = client.get(project.get_absolute_url()).content.decode()
    assert "<script>alert" not in html
    assert 'href="javascript:' not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    policy = client.get(project.get_absolute_url())["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy


def test_login_is_throttled_after_repeated_failures(client, settings):
    get_user_model().objects.create_user(username="claire", password="the-right-one-1")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "claire", "password": "wrong"})
    locked = client.post(reverse("login"), {"username": "claire", "password": "the-right-one-1"})
    assert locked.status_code == 429
    assert "Trop de tentatives" in locked.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    "typed_later", ["claire@example.org", "CLAIRE@Example.org", " Claire ", "claire"]
)
@pytest.mark.parametrize("typed_first", ["claire", "Claire@example.org"])
def test_the_lockout_counts_the_account_whatever_names_it(
    client, settings, typed_first, typed_later
):
    get_user_model().objects.create_user(
        username="claire", email="claire@example.org", password="the-right-one-1"
    )
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": typed_first, "password": "wrong"})
    locked = client.post(reverse("login"), {"username": typed_later, "password": "the-right-one-1"})
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_failures_spread_over_names_of_one_account_add_up(client, settings):
    get_user_model().objects.create_user(
        username="claire", email="claire@example.org", password="the-right-one-1"
    )
    names = ["claire", "claire@example.org", "CLAIRE@EXAMPLE.ORG", "Claire@example.org"]
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": names[attempt % 4], "password": "wrong"})
    locked = client.post(reverse("login"), {"username": "claire", "password": "the-right-one-1"})
    assert locked.status_code == 429


def test_another_account_is_not_locked_by_ones_failures(client, settings):
    get_user_model().objects.create_user(username="claire", password="the-right-one-1")
    get_user_model().objects.create_user(username="paul", password="the-right-one-2")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "claire", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "paul", "password": "the-right-one-2"})
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_production_settings_pass_the_deploy_check(tmp_path):
    # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process; a server would not.
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {
        **inherited,
        "DEBUG": "0",
        "HTTPS": "1",
        "SECRET_KEY": "a-production-secret-" + "k" * 40 + "-9Xz!",
        "ALLOWED_HOSTS": "icilabas.example.org",
        "DJANGO_SETTINGS_MODULE": "icilabas.settings",
        "ICILABAS_VAR_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


# ---------------------------------------------------------------- personal data


def test_a_person_without_consent_is_seen_only_by_staff_and_her_organisations(client):
    commune, other = f.organisation(), f.organisation()
    person = f.person(public_consent=False, email="awa@example.org")
    f.position(person=person, organisation=commune)
    assert client.get(person.get_absolute_url()).status_code == 404
    assert person not in client.get(reverse("actors:person_list")).context["object_list"]
    client.force_login(editor_of(other, username="voisine"))
    assert client.get(person.get_absolute_url()).status_code == 404
    client.force_login(editor_of(commune))
    page = client.get(person.get_absolute_url()).content.decode()
    assert "awa@example.org" in page


def test_contact_details_are_never_public(client):
    person = f.person(email="public@example.org", phone="05 56 00 00 00")
    page = client.get(person.get_absolute_url()).content.decode()
    assert "public@example.org" not in page and "05 56" not in page


def test_personal_data_export_is_logged_and_refused_to_others(client, staff_user):
    from icilabas.actors.models import PersonalDataAccess

    commune, other = f.organisation(), f.organisation()
    person = f.person(email="awa@example.org")
    f.position(person=person, organisation=commune)
    client.force_login(editor_of(other, username="voisine"))
    assert client.get(reverse("actors:person_data", args=[person.pk])).status_code == 403
    assert not PersonalDataAccess.objects.exists()
    client.force_login(staff_user)
    response = client.get(reverse("actors:person_data", args=[person.pk]))
    assert response.status_code == 200
    data = response.json()
    assert data["personne"]["email"] == "awa@example.org"
    assert data["fonctions"][0]["organisation"] == str(commune)
    assert PersonalDataAccess.objects.get().user == staff_user


def test_erasure_anonymises_the_record_and_its_history(client, staff_user):
    from icilabas.actors.models import Person

    person = f.person(first_name="Awa", last_name="Diop", email="awa@example.org")
    update_record(person, user=staff_user, data={"phone": "0600000000"})
    client.force_login(editor_of(f.organisation()))
    assert client.post(reverse("actors:person_erase", args=[person.pk])).status_code == 403
    client.force_login(staff_user)
    assert client.post(reverse("actors:person_erase", args=[person.pk])).status_code == 302
    person = Person.objects.get(pk=person.pk)
    assert (person.first_name, person.email, person.phone) == ("Personne", "", "")
    for version in person.history.all():
        assert "Awa" not in (version.first_name, version.last_name)
        assert (version.email, version.phone) == ("", "")
    assert not search.search("Diop")


# ---------------------------------------------------------------- freshness and the bin


def _age(record, days: int) -> None:
    old = timezone.now() - timedelta(days=days)
    type(record).all_objects.filter(pk=record.pk).update(updated_at=old, created_at=old)


def test_yearly_campaign_writes_to_editors_of_stale_records_who_confirm_them(
    client, django_capture_on_commit_callbacks
):
    from django.core.management import call_command

    stale, fresh = f.organisation(name="Ville ancienne"), f.organisation(name="Ville à jour")
    editor = editor_of(stale)
    editor_of(fresh, username="autre")
    _age(stale, 400)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("confirmation_campaign", "--site-url", "https://icilabas.example.org")
    assert [m.to for m in mail.outbox] == [[editor.email]]
    assert "https://icilabas.example.org/membres/" in mail.outbox[0].body
    client.force_login(editor)
    assert "Fiches à confirmer" in client.get(reverse("members:home")).content.decode()
    client.post(reverse("publication", args=["actors", "organisation", stale.pk, "confirm"]))
    stale.refresh_from_db()
    assert stale.confirmed_at is not None
    assert "Fiches à confirmer" not in client.get(reverse("members:home")).content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("confirmation_campaign")
    assert mail.outbox == []


def test_another_organisation_editor_cannot_confirm(client):
    record = f.organisation()
    client.force_login(editor_of(f.organisation()))
    url = reverse("publication", args=["actors", "organisation", record.pk, "confirm"])
    assert client.post(url).status_code == 403
    record.refresh_from_db()
    assert record.confirmed_at is None


def test_hard_delete_only_after_the_delay_and_only_by_staff(client, staff_user, settings):
    from icilabas.core.services import soft_delete_record

    record = f.organisation(name="Ville à oublier")
    soft_delete_record(record, user=staff_user)
    url = reverse("hard_delete", args=["actors", "organisation", record.pk])
    client.force_login(staff_user)
    early = client.post(url, follow=True)
    assert f"au moins {settings.HARD_DELETE_AFTER_DAYS} jours" in early.content.decode()
    assert Organisation.all_objects.filter(pk=record.pk).exists()
    Organisation.all_objects.filter(pk=record.pk).update(
        deleted_at=timezone.now() - timedelta(days=settings.HARD_DELETE_AFTER_DAYS + 1)
    )
    client.force_login(editor_of(record))
    assert client.post(url).status_code == 403
    client.force_login(staff_user)
    client.post(url)
    assert not Organisation.all_objects.filter(pk=record.pk).exists()
    assert Organisation.history.filter(id=record.pk, history_type="-").exists()


def test_compare_two_versions_of_a_record(client, staff_user):
    project = f.project(title="Version 1", summary="Résumé")
    update_record(project, user=staff_user, data={"title": "Version 2"})
    update_record(project, user=staff_user, data={"title": "Version 3", "summary": "Autre"})
    first, last = project.history.order_by("history_date")[0], project.history.latest()
    url = reverse("cooperation:project_history", args=[project.pk])
    page = client.get(url, {"de": last.history_id, "a": first.history_id})
    changes = {c.label: (c.old, c.new) for c in page.context["comparison"]}
    assert changes == {"Titre": ("Version 1", "Version 3"), "Résumé": ("Résumé", "Autre")}
    other = f.project().history.first()
    foreign = client.get(url, {"de": other.history_id, "a": first.history_id})
    assert foreign.context["comparison"] is None
    assert "n’appartiennent pas" in foreign.content.decode()


def test_members_log_in_with_their_email(client):
    user = get_user_model().objects.create_user(
        username="claire@example.org", email="claire@example.org", password="the-right-one-1"
    )
    response = client.post(
        reverse("login"), {"username": "Claire@Example.org", "password": "the-right-one-1"}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_forged_post_without_csrf_token_changes_nothing(staff_user):
    from django.test import Client

    organisation = f.organisation(name="Ville intacte")
    forger = Client(enforce_csrf_checks=True)
    forger.force_login(staff_user)
    response = forger.post(reverse("actors:organisation_delete", args=[organisation.pk]))
    assert response.status_code == 403
    assert "Ici &amp; Là-bas" in response.content.decode()  # the site's own 403 page
    assert Organisation.objects.filter(pk=organisation.pk).exists()


# ---------------------------------------------------------------- second factor


def _code(device, *, steps_ahead: int = 0) -> str:
    """The code the phone shows now (or after `steps_ahead` 30-second steps)."""
    from django_otp.oath import totp

    value = totp(device.bin_key, step=device.step, digits=device.digits, drift=steps_ahead)
    return f"{value:06d}"


def _forget_failures(device) -> None:
    """A wrong code makes the next try wait (django-otp's throttling); tests need not wait."""
    type(device).objects.filter(pk=device.pk).update(
        throttling_failure_count=0, throttling_failure_timestamp=None
    )
    device.refresh_from_db()


def test_staff_turns_on_the_second_factor_and_then_needs_a_code(client, staff_user):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from icilabas.members.two_factor import CANDIDATE_KEY

    client.force_login(staff_user)
    setup = client.get(reverse("members:two_factor"))
    assert "<svg" in setup.content.decode()
    assert not TOTPDevice.objects.exists()  # showing the set-up page writes nothing
    candidate = TOTPDevice(key=client.session[CANDIDATE_KEY])
    assert base64.b32encode(candidate.bin_key).decode() in setup.content.decode()
    wrong = "000000" if _code(candidate) != "000000" else "111111"
    assert client.post(reverse("members:two_factor"), {"code": wrong}).status_code == 400
    assert not TOTPDevice.objects.exists()
    activation_code = _code(candidate)
    client.post(reverse("members:two_factor"), {"code": activation_code})
    device = TOTPDevice.objects.get(user=staff_user)
    assert device.confirmed and device.key == candidate.key
    client.logout()

    staff_user.set_password("the-right-one-1")
    staff_user.save()
    step = client.post(reverse("login"), {"username": "staff", "password": "the-right-one-1"})
    assert step["Location"] == reverse("members:login_code")
    assert "_auth_user_id" not in client.session  # the password alone does not log in
    replayed = client.post(reverse("members:login_code"), {"code": activation_code})
    assert replayed.status_code == 200 and "Code incorrect" in replayed.content.decode()
    assert "_auth_user_id" not in client.session
    _forget_failures(device)
    right = client.post(reverse("members:login_code"), {"code": _code(device, steps_ahead=1)})
    assert right.status_code == 302
    assert client.session["_auth_user_id"] == str(staff_user.pk)

    # Turned off with a code from her app; a wrong one changes nothing.
    _forget_failures(device)
    assert client.post(reverse("members:two_factor"), {"code": wrong}).status_code == 400
    assert TOTPDevice.objects.filter(user=staff_user).exists()
    _forget_failures(device)
    off = client.post(reverse("members:two_factor"), {"code": _code(device, steps_ahead=2)})
    assert off.status_code == 302
    assert not TOTPDevice.objects.filter(user=staff_user).exists()


def test_the_code_page_without_a_password_step_goes_back_to_login(client):
    response = client.post(reverse("members:login_code"), {"code": "123456"})
    assert response.status_code == 302 and response["Location"] == reverse("login")


def test_an_editor_creates_a_draft_through_the_api_and_cannot_for_others(client):
    from icilabas.api.services import issue_token

    mine, theirs = f.organisation(), f.organisation()
    _token, key = issue_token(user=editor_of(mine), name="script")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    body = {"title": "Forage de Kolda", "status": "en_cours", "start_on": "2026-01-01"}
    own = f.partnership(french_partners=[mine])
    created = client.post(
        "/api/v1/projects",
        {**body, "partnership": own.pk},
        content_type="application/json",
        **headers,
    )
    assert created.status_code == 201
    assert created.json()["publication"] == "brouillon"
    other = f.partnership(french_partners=[theirs])
    refused = client.post(
        "/api/v1/projects",
        {**body, "title": "Intrus", "partnership": other.pk},
        content_type="application/json",
        **headers,
    )
    assert refused.status_code == 403
    assert not Project.all_objects.filter(title="Intrus").exists()
    assert client.get(f"/api/v1/projects/{created.json()['id']}").status_code == 404  # public
