"""Mon espace as a dashboard: her organisations' records with their state, what ends soon,
her proposals and their outcome; for staff, what awaits the network."""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from icilabas.actors.models import ForeignAuthority
from icilabas.cooperation.models import Partnership, Project
from icilabas.core import permissions
from icilabas.core.mail import send_email
from icilabas.core.models import PendingChange, Publication
from icilabas.core.services import create_record, soft_delete_record
from icilabas.matching.models import DuplicateCandidate
from icilabas.members import selectors
from icilabas.members.models import Membership, Role

from . import factories as f
from .test_members import editor_of

pytestmark = pytest.mark.django_db


def _her_registry(projects: int):
    pessac = f.organisation(name="Ville de Pessac")
    partnership = f.partnership(
        title="Pessac – Kayes",
        french_partners=[pessac],
        signed_on=timezone.localdate() - timedelta(days=800),
        end_on=timezone.localdate() + timedelta(days=40),
    )
    for n in range(projects):
        f.project(title=f"Projet de Pessac {n}", partnership=partnership, publication="brouillon")
    f.project(title="Projet d'une autre ville", partnership=f.partnership(title="Autre"))
    return pessac, partnership


def test_an_editor_sees_her_records_what_ends_soon_and_her_proposals():
    pessac, partnership = _her_registry(3)
    editor = editor_of(pessac)
    change = PendingChange.objects.create(
        content_type=ContentType.objects.get_for_model(partnership),
        object_id=partnership.pk,
        values={"title": "Pessac – Kayes (2)"},
        proposed_by=editor,
        state=PendingChange.State.REJECTED,
        note="Le titre officiel reste celui de la convention.",
    )
    client = Client()
    client.force_login(editor)
    body = client.get(reverse("members:home")).content.decode()
    assert "Les fiches de mes organisations" in body
    assert "Projet de Pessac 2" in body and "Brouillon" in body
    assert "Projet d&#x27;une autre ville" not in body and "Projet d'une autre ville" not in body
    assert reverse("cooperation:project_create") in body
    ending = body[body.index('id="ending"') :]
    assert "Pessac – Kayes" in ending[: ending.index("</section>")]
    assert change.note in body and "Refusée" in body
    assert "Pour l’équipe du réseau" not in body


def test_staff_see_what_awaits_the_network(staff_client):
    _her_registry(1)
    f.project(title="À valider", publication="soumis")
    body = staff_client.get(reverse("members:home")).content.decode()
    assert "Pour l’équipe du réseau" in body
    assert "1 fiche soumise à validation" in body
    assert "Dernières fiches modifiées" in body


def test_the_network_figures_staff_see_follow_each_change(staff_client):
    """They are read once per registry version (one stored entry): a later submission and
    a deletion show on the next visit."""
    first = f.project(title="À valider", publication="soumis")
    assert "1 fiche soumise à validation" in staff_client.get(reverse("members:home")).text
    assert "1 fiche soumise à validation" in staff_client.get(reverse("members:home")).text
    f.project(title="À valider aussi", publication="soumis")
    assert "2 fiches soumises à validation" in staff_client.get(reverse("members:home")).text
    soft_delete_record(first, user=first.created_by)
    assert "1 fiche soumise à validation" in staff_client.get(reverse("members:home")).text


def _queries(client) -> int:
    """Queries of Mon espace once the registry's counts for this version are read (the first
    visit after a change reads a few more, as many whatever the rows)."""
    client.get(reverse("members:home"))
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("members:home")).status_code == 200
    return len(captured)


def test_mon_espace_queries_do_not_grow_with_the_records():
    pessac, partnership = _her_registry(3)
    editor = editor_of(pessac)
    client = Client()
    client.force_login(editor)

    few = _queries(client)
    for n in range(9):
        f.project(title=f"Encore {n}", partnership=partnership, publication="brouillon")
    assert _queries(client) == few


def _flag(project_a, project_b, probability=0.93):
    return DuplicateCandidate.objects.create(
        project_a=project_a,
        project_b=project_b,
        probability=probability,
        reasons="titres presque identiques ; même localité partenaire : Kayes",
    )


def _her_page(editor) -> str:
    client = Client()
    client.force_login(editor)
    return client.get(reverse("members:home")).content.decode()


def test_an_editor_sees_the_look_alikes_found_for_her_projects_and_only_those_she_may_see():
    pessac, _ = _her_registry(2)
    hers = Project.objects.get(title="Projet de Pessac 0")
    published = f.project(title="Puits de Kayes (Bègles)", publication="publie")
    other_draft = f.project(title="Brouillon secret de Talence", publication="brouillon")
    _flag(published, hers, 0.95)  # hers on either side of the pair
    _flag(Project.objects.get(title="Projet de Pessac 1"), other_draft, 0.81)
    _flag(published, other_draft)  # not hers: not shown
    editor = editor_of(pessac)

    section = _her_page(editor).split('id="look-alikes-title"')[1].split("</section>")[0]
    assert "Projet de Pessac 0" in section and "Puits de Kayes (Bègles)" in section
    assert "95 %" in section and "même localité partenaire : Kayes" in section
    assert "Brouillon secret de Talence" not in section
    assert "un projet non publié d’une autre organisation" in section
    assert section.index("95 %") < section.index("81 %")  # most likely first

    DuplicateCandidate.objects.all().delete()  # reviewed: the section goes
    assert 'id="look-alikes-title"' not in _her_page(editor)


def test_staff_see_how_many_look_alikes_await_a_decision(staff_client):
    _flag(f.project(), f.project())
    _flag(f.project(), f.project())
    body = staff_client.get(reverse("members:home")).content.decode()
    assert "2 paires de projets semblables attendent une décision" in body


def test_mon_espace_queries_do_not_grow_with_the_look_alikes():
    pessac, _ = _her_registry(12)
    editor = editor_of(pessac)
    client = Client()
    client.force_login(editor)
    mine = list(Project.objects.filter(title__startswith="Projet de Pessac"))

    for project in mine[:2]:
        _flag(project, f.project(publication="publie"))
    few = _queries(client)
    for project in mine[2:]:
        _flag(project, f.project(publication="brouillon"))
    assert _queries(client) == few


def test_staff_see_records_nobody_confirmed_and_the_work_that_failed_this_week(
    staff_client, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    old = f.project(title="Projet oublié", publication=Publication.PUBLISHED)
    type(old).all_objects.filter(pk=old.pk).update(updated_at=timezone.now() - timedelta(days=400))
    f.project(title="Projet frais", publication=Publication.PUBLISHED)
    failed = send_email.enqueue("Sujet", "Message", ["a@example.org"]).db_result
    failed.status, failed.finished_at = "FAILED", timezone.now()
    failed.exception_class_path = "smtplib.SMTPServerDisconnected"
    failed.save()
    week_old = send_email.enqueue("Sujet", "Message", ["b@example.org"]).db_result
    week_old.status, week_old.finished_at = "FAILED", timezone.now() - timedelta(days=8)
    week_old.save()

    body = staff_client.get(reverse("members:home")).content.decode()
    assert "1 fiche publiée non confirmée depuis un an" in body
    assert "1 travail en arrière-plan en échec cette semaine" in body
    assert "<code>send_email</code>" in body and "SMTPServerDisconnected" in body


def test_what_she_may_edit_read_in_one_query_is_what_each_model_answers_alone():
    pessac, partnership = _her_registry(2)
    editor = editor_of(pessac)
    own_authority = create_record(
        ForeignAuthority,
        user=editor,
        data={"name": "Commune de Kolda", "country": "SN", "locality": "Kolda"},
    )  # hers, tied to no organisation yet
    f.person(first_name="Awa")  # not hers
    # The union is compiled once per shape: others of the same shape (one organisation) and
    # of another (two) must each get their own answer from it, not the first editor's.
    other = f.organisation(name="Ville de Bègles")
    f.project(title="Projet de Bègles", partnership=f.partnership(french_partners=[other]))
    other_editor = editor_of(other, username="autre")
    both_editor = editor_of(other, username="deux")
    Membership.objects.create(user=both_editor, organisation=pessac, role=Role.EDITOR)

    def editable(model, user):
        return set(
            model._base_manager.filter(permissions.editable_q(model, user)).values_list(
                "pk", flat=True
            )
        )

    for user in (editor, other_editor, both_editor, editor):
        alone = {model: editable(model, user) for model in selectors.WORK_MODELS}
        with permissions.reading_only():
            with CaptureQueriesContext(connection) as captured:
                permissions.remember_editable(user, selectors.WORK_MODELS)
            assert len(captured) == 1
            with CaptureQueriesContext(connection) as captured:
                remembered = {model: editable(model, user) for model in selectors.WORK_MODELS}
            assert remembered == alone, user
            # Plain lists of ids now: no model's ownership is asked again.
            assert not any("UNION" in query["sql"] for query in captured.captured_queries)
    assert own_authority.pk in alone[ForeignAuthority] and partnership.pk in alone[Partnership]
    assert len(editable(Project, both_editor)) == 3 and len(editable(Project, other_editor)) == 1


def test_her_lists_read_whole_or_asked_list_by_list_are_the_same(monkeypatch):
    """Mon espace reads a kind she has few records of once and draws its lists from it;
    above `READ_WHOLE` each list asks the database. Both give the same lists, their order
    and their cut (17 drafts: 15 shown and "more"; 18 to confirm: the 15 oldest)."""
    pessac, partnership = _her_registry(17)  # 17 drafts
    long_ago = timezone.now() - timedelta(days=400)
    for n in range(18):
        project = f.project(
            title=f"Projet ancien {n}", partnership=partnership, publication="publie"
        )
        Project.all_objects.filter(pk=project.pk).update(updated_at=long_ago + timedelta(hours=n))
    confirmed = f.project(title="Projet confirmé", partnership=partnership, publication="publie")
    Project.all_objects.filter(pk=confirmed.pk).update(
        updated_at=long_ago, confirmed_at=timezone.now()
    )
    Project.all_objects.filter(title="Projet de Pessac 3").update(updated_at=long_ago)
    editor = editor_of(pessac)

    def lists():
        with permissions.reading_only():
            drawn = selectors.my_lists(user=editor)
        return {
            name: [
                (s["meta"].model_name, [r.pk for r in s["records"]], s["more"]) for s in sections
            ]
            for name, sections in drawn.items()
        }

    with CaptureQueriesContext(connection) as whole:
        read_whole = lists()
    monkeypatch.setattr(selectors, "READ_WHOLE", 0)
    with CaptureQueriesContext(connection) as asked:
        list_by_list = lists()
    assert read_whole == list_by_list
    work = dict((kind, (pks, more)) for kind, pks, more in read_whole["work"])
    assert len(work["project"][0]) == 15 and work["project"][1]
    stale = dict((kind, pks) for kind, pks, _ in read_whole["stale"])
    oldest = Project.objects.filter(title="Projet ancien 0").get().pk
    assert len(stale["project"]) == 15 and stale["project"][0] == oldest
    assert confirmed.pk not in stale["project"]
    assert Project.objects.get(title="Projet de Pessac 3").pk not in stale["project"]  # a draft
    assert len(whole) < len(asked)
