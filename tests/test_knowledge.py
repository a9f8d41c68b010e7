"""Shared knowledge: the glossary (proposed by editors, adopted by staff, explained in every
long text), experience sheets ("ce que d'autres ont appris ici"), and what search finds."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from icilabas.core.search import search
from icilabas.core.services import change_publication, create_record
from icilabas.knowledge.markup import GlossaryEntry, link_terms, render_markdown, rendered_text
from icilabas.knowledge.models import (
    ExperienceSheet,
    Guide,
    GuideStep,
    StepCheck,
    Term,
    TermComment,
    TermTranslation,
)
from icilabas.members.models import Membership, Role
from icilabas.reference.models import ConceptMapping

from . import factories as f

pytestmark = pytest.mark.django_db


def entry(name: str) -> GlossaryEntry:
    return GlossaryEntry(name, f"/savoirs/glossaire/{name}/", f"définition de {name}")


def marked(text: str, *names: str) -> str:
    return link_terms(render_markdown(text), [entry(name) for name in names])


# ---------------------------------------------------------------- the linker


def test_a_term_is_marked_once_as_a_link_carrying_its_definition():
    html = marked("Le jumelage de 1990. Un jumelage actif.", "jumelage")
    assert html.count('class="glossary-term"') == 1
    assert '<a href="/savoirs/glossaire/jumelage/" class="glossary-term">jumelage' in html
    assert "définition de jumelage" in html  # read with the link, shown on focus


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Les jumelages de la région", "jumelages"),
        ("JUMELAGE", "JUMELAGE"),
        ("l'eau potable", "eau"),
        ("d’eau", "eau"),
        ("des coopérations décentralisées", "coopérations décentralisées"),
        ("coopération   décentralisée", "coopération   décentralisée"),
    ],
)
def test_plurals_case_elisions_and_spacing_are_found(text, found):
    html = marked(text, "jumelage", "eau", "coopération décentralisée")
    assert f'class="glossary-term">{found}<span' in html


@pytest.mark.parametrize(
    "text",
    [
        "le bureau du maire",  # "eau" inside a word
        "eau-de-vie",  # part of a compound word
        "[voir l'eau](https://example.org/eau)",  # inside a link
        "`eau`",  # inside code
        "    eau = 1\n",  # inside a code block
        "<https://eau.example.org>",  # inside a URL
    ],
)
def test_never_inside_a_word_a_link_code_or_a_url(text):
    html = marked(text, "eau")
    assert "glossary-term" not in html


def test_the_longest_term_wins():
    html = marked(
        "La coopération décentralisée et la coopération.",
        "coopération",
        "coopération décentralisée",
    )
    assert 'glossary-term">coopération décentralisée<span' in html
    assert 'glossary-term">coopération<span' in html  # the shorter one, further on


def test_typed_html_stays_text():
    html = rendered_text(
        '<script>alert(1)</script> <a href="javascript:x()">x</a> [y](javascript:y())'
    )
    assert "<script>" not in html and 'href="javascript:' not in html
    assert "&lt;script&gt;" in html


# ---------------------------------------------------------------- the glossary's workflow


def editor_of(organisation, username="editrice"):
    user = get_user_model().objects.create_user(username=username, password="x-long-enough-1")
    Membership.objects.create(user=user, organisation=organisation, role=Role.EDITOR)
    return user


def test_an_editor_proposes_a_term_staff_adopt_it_and_texts_explain_it(client, staff_user):
    editor = editor_of(f.organisation())
    client.force_login(editor)
    response = client.post(
        reverse("knowledge:term_create"),
        {"name": "Réciprocité", "definition": "Chacun apporte et reçoit."},
    )
    assert response.status_code == 302, response.context["form"].errors
    term = Term.all_objects.get(name="Réciprocité")
    assert (term.status, term.publication) == ("propose", "brouillon")
    # She may not adopt it herself: the form has no status for her, a forged one is ignored.
    assert "status" not in client.get(reverse("knowledge:term_create")).context["form"].fields
    data = {"name": "Réciprocité", "definition": "Chacun apporte et reçoit.", "status": "adopte"}
    client.post(reverse("knowledge:term_update", args=[term.pk]), data)
    term.refresh_from_db()
    assert term.status == "propose"
    project = f.project(description="La réciprocité des engagements.")
    visitor = Client()
    assert "glossary-term" not in visitor.get(project.get_absolute_url()).content.decode()
    client.force_login(staff_user)
    change_publication(term, user=staff_user, transition="publish")
    response = client.post(reverse("knowledge:term_update", args=[term.pk]), data)
    assert response.status_code == 302
    term.refresh_from_db()
    assert term.status == "adopte" and term.adopted_on is not None
    page = visitor.get(project.get_absolute_url()).content.decode()
    assert f'href="{term.get_absolute_url()}" class="glossary-term">réciprocité' in page


@pytest.mark.parametrize("role", ["anonymous", "member", "editor", "other_editor", "staff"])
def test_who_may_propose_and_change_a_term(role, client, staff_user, member_user):
    author = editor_of(f.organisation(), username="autrice")
    proposal = create_record(
        Term, user=author, data={"name": "Co-développement", "definition": "Avec les migrants."}
    )
    users = {
        "anonymous": None,
        "member": member_user,
        "editor": author,
        "other_editor": editor_of(f.organisation(), username="autre"),
        "staff": staff_user,
    }
    if users[role]:
        client.force_login(users[role])
    client.post(
        reverse("knowledge:term_create"),
        {"name": "Convention", "definition": "Un accord.", "status": "propose"},
    )
    edit = client.post(
        reverse("knowledge:term_update", args=[proposal.pk]),
        {"name": "Co-développement", "definition": "Avec les migrants d'ici.", "status": "propose"},
    )
    may_propose = role in ("editor", "other_editor", "staff")
    assert Term.all_objects.filter(name="Convention").exists() == may_propose
    proposal.refresh_from_db()
    changed = proposal.definition == "Avec les migrants d'ici."
    assert changed == (role in ("editor", "staff"))
    if role == "other_editor":
        assert edit.status_code in (403, 404)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "   ", "definition": "x"}, "name", "Ce champ est obligatoire"),
        ({"name": "JUMELAGE", "definition": "x"}, "name", "déjà dans le glossaire"),
        ({"name": "Nouveau", "definition": ""}, "definition", "obligatoire"),
    ],
)
def test_bad_terms_are_refused_on_their_field(data, field, message, staff_client):
    f.term(name="jumelage")
    response = staff_client.post(reverse("knowledge:term_create"), data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])


def test_a_term_is_neither_its_own_neighbour_nor_neighbour_and_opposite(staff_client):
    term, other = f.term(name="convention"), f.term(name="accord")
    url = reverse("knowledge:term_update", args=[term.pk])
    base = {"name": "convention", "definition": "Un accord.", "status": "adopte"}
    response = staff_client.post(url, {**base, "related": [term.pk]})
    assert "propre voisin" in " ".join(response.context["form"].errors["related"])
    response = staff_client.post(url, {**base, "related": [other.pk], "contrasted": [other.pk]})
    assert "à la fois" in " ".join(response.context["form"].errors["contrasted"])


def test_arabic_is_written_right_to_left(client):
    term = f.term(name="coopération décentralisée")
    create_record(
        TermTranslation,
        user=f.system_user(),
        data={"term": term, "language": "ar", "label": "التعاون اللامركزي"},
    )
    page = client.get(term.get_absolute_url()).content.decode()
    assert '<dd lang="ar" dir="rtl"><strong>التعاون اللامركزي</strong>' in page


# ---------------------------------------------------------------- experience sheets


def test_a_project_page_shows_what_others_learned_there(client):
    project = f.project(title="Centre de santé de Kolobo")
    published = f.experience_sheet(title="Écouter avant de construire", projects=[project])
    draft = f.experience_sheet(title="Brouillon", projects=[project])
    ExperienceSheet.all_objects.filter(pk=draft.pk).update(publication="brouillon")
    page = client.get(project.get_absolute_url()).content.decode()
    assert "Ce que d’autres ont appris ici" in page
    assert published.title in page and "Brouillon" not in page


def test_a_sheet_s_contacts_are_for_its_editors_only(client):
    organisation = f.organisation()
    sheet = f.experience_sheet(organisation=organisation, contacts="Awa Diop, 06 00 00 00 00")
    assert "06 00 00 00 00" not in client.get(sheet.get_absolute_url()).content.decode()
    client.force_login(editor_of(organisation))
    assert "06 00 00 00 00" in client.get(sheet.get_absolute_url()).content.decode()


# ---------------------------------------------------------------- one search for all


def test_search_finds_terms_sheets_and_what_a_project_carries(client):
    f.term(name="réciprocité", definition="Chacun apporte et reçoit.")
    f.experience_sheet(title="Écouter la population", lessons="Le dialogue avant tout.")
    project = f.project(title="Chantier du collège", primary_theme=f.theme("4.3.1"))
    f.local_impact(project=project, category="education_jeunesse", text="Trente jeunes mobilisés")
    assert [h.kind for h in search("réciprocité")] == ["term"]
    assert [h.kind for h in search("dialogue")] == ["sheet"]
    for query in ("jeunesse", "éducation", "jeunes"):
        assert project.title in [h.title for h in search(query)], query
    page = client.get(reverse("portal:search"), {"q": "réciprocité"}).content.decode()
    assert "Terme du glossaire" in page


def test_a_project_page_shows_its_themes_equivalents_in_other_vocabularies(client):
    mapping = ConceptMapping.objects.select_related("source", "target").first()
    project = f.project(primary_theme=mapping.source)
    page = client.get(project.get_absolute_url()).content.decode()
    assert "Équivalences" in page and mapping.target.label in page


def test_a_project_page_follows_its_vocabularies_when_they_change(client, settings):
    """The page takes its concepts from the vocabularies held in memory; a relabelled theme,
    broader theme or crosswalk target shows at the next visit, in every process (a save of
    reference data bumps the registry version the memory is keyed by)."""
    settings.PAGE_CACHE_SECONDS = 0  # the page rendered each time, as for a signed-in reader
    mapping = ConceptMapping.objects.select_related("source__parent", "target").first()
    project = f.project(primary_theme=mapping.source)
    page = client.get(project.get_absolute_url()).content.decode()
    assert mapping.source.label in page and mapping.target.label in page
    for concept, label in (
        (mapping.source, "Thème renommé"),
        (mapping.source.parent, "Thème plus large renommé"),
        (mapping.target, "Cible renommée"),
    ):
        concept.label = label
        concept.save()
    page = client.get(project.get_absolute_url()).content.decode()
    for label in ("Thème renommé", "Thème plus large renommé", "Cible renommée"):
        assert label in page, label


# ---------------------------------------------------------------- method guides


@pytest.fixture
def guide(db):
    guide = create_record(Guide, user=f.system_user(), data={"title": "La démarche projet"})
    create_record(
        GuideStep,
        user=f.system_user(),
        data={
            "guide": guide,
            "order": 1,
            "title": "Conventionner",
            "checklist": "Signer la convention\nÉcrire les engagements",
        },
    )
    return guide


def test_an_editor_ticks_a_step_for_her_project_and_sees_her_progress(client, guide):
    organisation = f.organisation()
    project = f.project(partnership=f.partnership(french_partners=[organisation]))
    step = guide.steps.get()
    client.force_login(editor_of(organisation))
    page = client.get(guide.get_absolute_url(), {"projet": project.pk})
    assert page.context["project"] == project
    tick = client.post(
        reverse("knowledge:step_check", args=[step.pk]), {"project": project.pk, "item": "1"}
    )
    assert tick.status_code == 302
    items = client.get(guide.get_absolute_url(), {"projet": project.pk}).context["steps"][0]
    assert [i["ticked"] for i in items["items"]] == [False, True]
    project_page = client.get(project.get_absolute_url()).content.decode()
    assert "1 point(s) vérifié(s) sur 2" in project_page
    # Ticked again: unticked; her notes are not shown to visitors.
    client.post(
        reverse("knowledge:step_check", args=[step.pk]), {"project": project.pk, "item": "1"}
    )
    assert "point(s) vérifié(s)" in client.get(project.get_absolute_url()).content.decode()
    assert "Démarche projet" not in Client().get(project.get_absolute_url()).content.decode()


def test_her_progress_in_every_guide_is_counted_in_one_query(client, guide, settings):
    """The project page's progress: as many queries for four guides as for one."""
    settings.PAGE_CACHE_SECONDS = 0
    organisation = f.organisation()
    project = f.project(partnership=f.partnership(french_partners=[organisation]))
    client.force_login(editor_of(organisation))
    tick = reverse("knowledge:step_check", args=[guide.steps.get().pk])
    client.post(tick, {"project": project.pk, "item": "0"})
    client.get(project.get_absolute_url())  # what a first page reads once
    with CaptureQueriesContext(connection) as one_guide:
        client.get(project.get_absolute_url())
    for n in range(3):
        other = create_record(Guide, user=f.system_user(), data={"title": f"Guide {n}"})
        create_record(
            GuideStep,
            user=f.system_user(),
            data={"guide": other, "order": 1, "title": "Évaluer", "checklist": "A\nB\nC"},
        )
    second = Guide.objects.get(title="Guide 1")
    tick = reverse("knowledge:step_check", args=[second.steps.get().pk])
    for item in ("0", "2"):
        client.post(tick, {"project": project.pk, "item": item})
    client.get(project.get_absolute_url())  # read again once after the writes
    with CaptureQueriesContext(connection) as four_guides:
        page = client.get(project.get_absolute_url()).content.decode()
    assert len(four_guides) == len(one_guide)
    assert "1 point(s) vérifié(s) sur 2" in page
    assert "2 point(s) vérifié(s) sur 3" in page
    assert page.count("0 point(s) vérifié(s) sur 3") == 2


def test_nobody_ticks_for_another_organisation_s_project(client, guide, member_user):
    project = f.project(partnership=f.partnership(french_partners=[f.organisation()]))
    step = guide.steps.get()
    url = reverse("knowledge:step_check", args=[step.pk])
    client.force_login(editor_of(f.organisation()))
    assert client.post(url, {"project": project.pk, "item": "0"}).status_code == 403
    client.force_login(member_user)
    assert client.post(url, {"project": project.pk, "item": "0"}).status_code == 403
    assert client.post(url, {"project": project.pk, "item": "7"}).status_code in (403, 404)
    assert not StepCheck.all_objects.exists()


# ---------------------------------------------------------------- the debate on a term


def test_members_debate_a_term_and_withdraw_their_own_words_only(client, staff_user):
    term = f.term(name="Codéveloppement", status="debat")
    editor = editor_of(f.organisation())
    other = editor_of(f.organisation(), username="autre")
    client.force_login(editor)
    url = reverse("knowledge:term_comment", args=[term.pk])
    response = client.post(url, {"text": "Chez nous, on dit plutôt *double développement*."})
    assert response.status_code == 302
    comment = TermComment.objects.get()
    assert comment.author == editor and comment.history.count() == 1
    page = client.get(term.get_absolute_url()).content.decode()
    assert "<em>double développement</em>" in page and "Retirer" in page
    title = page.split("<title>")[1].split("</title>")[0]
    assert "Codéveloppement" in title and "Débat" not in title
    assert client.post(url, {"text": "   "}).status_code == 302
    assert TermComment.objects.count() == 1  # an empty comment is refused, nothing saved

    client.force_login(other)
    withdraw = reverse("knowledge:termcomment_withdraw", args=[comment.pk])
    assert client.post(withdraw).status_code == 403
    client.logout()
    visitor_page = client.get(term.get_absolute_url()).content.decode()
    assert "double développement" not in visitor_page and "connectez-vous" in visitor_page
    assert client.post(url, {"text": "Anonyme"}).status_code == 302  # to the login page
    assert TermComment.objects.count() == 1

    client.force_login(staff_user)
    assert client.post(withdraw).status_code == 302
    comment.refresh_from_db()
    assert comment.withdrawn_at is not None and comment.history.count() == 2
    assert "double développement" not in client.get(term.get_absolute_url()).content.decode()


def test_a_draft_term_cannot_be_commented_by_those_who_cannot_see_it(client):
    term = f.term(name="Brouillon secret")
    Term.objects.filter(pk=term.pk).update(publication="brouillon")
    client.force_login(editor_of(f.organisation()))
    response = client.post(reverse("knowledge:term_comment", args=[term.pk]), {"text": "Vu"})
    assert response.status_code == 404
    assert not TermComment.objects.exists()
