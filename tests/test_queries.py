"""No N+1: each list page runs the same number of queries for 3 rows as for 12."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from . import factories as f

pytestmark = pytest.mark.django_db


def _rich_project():
    project = f.project(partnership=f.partnership(), country="SN")
    f.secondary_theme(project=project)
    f.participation(project=project)
    f.budget_line(project=project)
    f.local_impact(project=project)
    return project


def _position():
    return f.position()


PAGES = [
    ("actors:organisation_list", lambda: f.partnership().french_partners.first()),
    ("actors:foreignauthority_list", lambda: f.partnership().foreign_authority),
    ("actors:person_list", _position),
    ("cooperation:partnership_list", lambda: f.project(partnership=f.partnership())),
    ("cooperation:project_list", _rich_project),
    ("portal:home", _rich_project),
    ("knowledge:term_list", f.term),
    ("knowledge:experiencesheet_list", f.experience_sheet),
    ("knowledge:guide_list", f.guide),
]


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def queries_for_3_then_12(client, url, make) -> tuple[int, int]:
    """Queries of the page with 3 rows made by `make()`, then with 12."""
    for _ in range(3):
        make()
    few = count_queries(client, url)
    for _ in range(9):
        make()
    return few, count_queries(client, url)


@pytest.mark.parametrize(("url_name", "make"), PAGES, ids=[p[0] for p in PAGES])
def test_list_page_queries_do_not_grow_with_rows(client, url_name, make):
    few, many = queries_for_3_then_12(client, reverse(url_name), make)
    assert many == few


def test_search_page_queries_do_not_grow_with_hits(client):
    for i in range(3):
        f.project(title=f"Puits numéro {i}")
    count_queries(client, reverse("portal:search") + "?q=eau")  # the glossary's synonyms, once
    few = count_queries(client, reverse("portal:search") + "?q=puits")
    for i in range(3, 15):
        f.project(title=f"Puits numéro {i}")
    many = count_queries(client, reverse("portal:search") + "?q=puits")
    assert many == few


@pytest.mark.parametrize("url_name", ["cooperation:project_detail", "actors:organisation_detail"])
def test_detail_page_queries_do_not_grow_with_children(client, url_name):
    project = _rich_project()
    organisation = project.participations.first().organisation
    target = project if url_name.startswith("cooperation") else organisation
    url = reverse(url_name, args=[target.pk])
    few = count_queries(client, url)
    for code in ["1.1", "2.1", "5.1", "6.1", "1.2"]:
        f.participation(project=project)
        f.budget_line(project=project)
        f.local_impact(project=project)
        f.secondary_theme(project=project, theme=f.theme(code))
        f.participation(project=f.project(), organisation=organisation)
    many = count_queries(client, url)
    assert many == few


def _submitted_and_proposed():
    from icilabas.core.services import update_record
    from icilabas.members.models import Membership

    from .test_members import editor_of

    organisation = f.organisation()
    project = f.project(partnership=f.partnership(french_partners=[organisation]))
    type(project).objects.filter(pk=project.pk).update(publication="soumis")
    editor = editor_of(organisation, username=f"editrice-{organisation.pk}")
    update_record(organisation, user=editor, data={"description": "Nouvelle présentation"})
    assert Membership.objects.filter(user=editor).exists()


@pytest.mark.parametrize(
    "url_name", ["moderation", "members:home"], ids=["moderation", "members-home"]
)
def test_staff_pages_queries_do_not_grow_with_rows(client, staff_user, url_name):
    client.force_login(staff_user)
    url = reverse(url_name)
    for _ in range(3):
        _submitted_and_proposed()
    few = count_queries(client, url)
    for _ in range(9):
        _submitted_and_proposed()
    many = count_queries(client, url)
    assert many == few


@pytest.mark.parametrize("as_staff", [False, True])
def test_link_proposals_on_mon_espace_and_moderation_do_not_grow(client, as_staff, staff_user):
    """Mon espace and the moderation page list proposed links with both their sides."""
    from django.contrib.auth import get_user_model

    from icilabas.actors.models import Position
    from icilabas.cooperation.models import Participation
    from icilabas.members.models import Membership, Role

    owner_org, other_org = f.organisation(), f.organisation()
    owner = get_user_model().objects.create_user(username="owner", password="x-long-enough-1")
    Membership.objects.create(user=owner, organisation=owner_org, role=Role.EDITOR)
    project = f.project(partnership=f.partnership(french_partners=[owner_org]))

    def propose():
        for link in (
            f.participation(project=project, organisation=f.organisation(), role="partenaire"),
            f.position(person=f.person(), organisation=other_org),
        ):
            type(link).all_objects.filter(pk=link.pk).update(link_accepted=False)
        f.position(person=f.person(), organisation=owner_org)  # hers, accepted

    client.force_login(staff_user if as_staff else owner)
    url = reverse("moderation" if as_staff else "members:home")
    few, many = queries_for_3_then_12(client, url, propose)
    assert Participation.all_objects.filter(link_accepted=False).count() == 12
    assert Position.all_objects.filter(link_accepted=False).count() == 12
    assert few == many


def test_a_project_page_reads_its_iati_data_in_the_project_query(client, settings):
    """The IATI file's data (interop) is joined into the query that reads the project
    (`core.contributions.add_page_related`): no query of its own, kept data or not."""
    from icilabas.interop.models import IatiActivityData

    settings.PAGE_CACHE_SECONDS = 0  # each visit rendered
    plain, imported = _rich_project(), _rich_project()
    kept = {"reporting_org": {"names": {"fr": "Ville de Lyon"}}}
    IatiActivityData.objects.create(project=imported, data=kept)
    url = reverse("cooperation:project_detail", args=[imported.pk])
    plain_url = reverse("cooperation:project_detail", args=[plain.pk])
    count_queries(client, plain_url)  # what a first page reads once (the vocabularies…)
    plain_queries = count_queries(client, plain_url)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url).content.decode()
    assert "Ville de Lyon" in page
    assert not [q for q in queries if 'FROM "interop_iatiactivitydata"' in q["sql"]]
    assert len(queries) == plain_queries


def test_a_record_page_reads_her_right_and_its_waiting_changes_with_the_record(
    client, settings, staff_user
):
    """Whether she may change the project and how many of its changes wait for review come
    with the project's own query; each reader sees the right notice."""
    from icilabas.core.models import PendingChange
    from icilabas.core.services import update_record

    from .test_members import editor_of

    settings.PAGE_CACHE_SECONDS = 0
    organisation = f.organisation()
    project = f.project(partnership=f.partnership(french_partners=[organisation]))
    editor = editor_of(organisation)
    for summary in ("Un résumé proposé", "Un autre"):
        update_record(project, user=editor, data={"summary": summary})
    assert PendingChange.objects.filter(object_id=project.pk).count() == 2
    notice = "2 modifications de cette fiche attendent la relecture"
    url = project.get_absolute_url()
    client.force_login(editor)
    client.get(url)  # what a first page reads once
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url).content.decode()
    assert notice in page
    own_tables = [q["sql"].split(" FROM ")[1].split()[0] for q in queries if " FROM " in q["sql"]]
    assert '"core_pendingchange"' not in own_tables
    assert not [q for q in queries if q["sql"].startswith("SELECT 1 AS")]  # no "is it hers?"
    client.force_login(editor_of(f.organisation(), username="autre"))
    assert notice not in client.get(url).content.decode()
    client.logout()
    assert notice not in client.get(url).content.decode()
    client.force_login(staff_user)
    assert notice in client.get(url).content.decode()


def test_a_project_page_reads_its_lists_in_order_without_joining_the_projects(
    client, settings, staff_user
):
    """The children's default ordering starts with "project", which would join the projects'
    table to sort by title: the page orders each list by its own fields. The edit and delete
    links of each child are there for who may edit, and only for her."""
    settings.PAGE_CACHE_SECONDS = 0
    project = _rich_project()
    for name in ("Mbour", "Dakar"):
        f.project_location(project=project, name=name)
    for year, label in ((2025, "Forage de 2025"), (2023, "Forage de 2023")):
        f.budget_line(project=project, year=year, label=label)
    url = project.get_absolute_url()
    client.get(url)  # what a first page reads once
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url).content.decode()
    assert page.index("Dakar") < page.index("Mbour")
    assert page.index("Forage de 2023") < page.index("Forage de 2025")
    joining = [q["sql"] for q in queries if 'JOIN "cooperation_project" ON' in q["sql"]]
    assert joining == []
    assert 'class="child-actions"' not in page
    client.force_login(staff_user)
    page = client.get(url).content.decode()
    edit = reverse("cooperation:projectlocation_update", args=[project.locations.first().pk])
    assert f'<span class="child-actions"><a href="{edit}"' in page
