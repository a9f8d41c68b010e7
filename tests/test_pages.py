"""Lists (filters, sorting, pagination, empty states), detail pages and health."""

import json
import os
import re
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.urls import path, reverse

from . import factories as f

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent


def listed(client, url_name, **params):
    response = client.get(reverse(url_name), params)
    assert response.status_code == 200
    return list(response.context["object_list"])


def test_project_filters_by_country_theme_status_year_and_departement(client):
    gironde = f.organisation(insee_code="33273")
    landes = f.organisation(insee_code="40192")
    water = f.project(
        country="ML",
        primary_theme=f.theme("3.1.1"),
        start_on=date(2010, 1, 1),
        end_on=date(2012, 12, 31),
        status="termine",
    )
    f.participation(project=water, organisation=gironde)
    health = f.project(country="SN", primary_theme=f.theme("4.1.1"), start_on=date(2015, 1, 1))
    f.participation(project=health, organisation=landes)
    assert listed(client, "cooperation:project_list", country="ML") == [water]
    environment = f.theme("3")  # a top-level theme matches its sub-themes
    assert listed(client, "cooperation:project_list", theme=environment.pk) == [water]
    assert listed(client, "cooperation:project_list", status="termine") == [water]
    assert listed(client, "cooperation:project_list", year=2011) == [water]
    assert listed(client, "cooperation:project_list", year=2016) == [health]
    assert listed(client, "cooperation:project_list", departement=gironde.departement.pk) == [water]


def test_secondary_theme_counts_for_the_theme_filter(client):
    project = f.project(primary_theme=f.theme("2.2"))
    f.secondary_theme(project=project, theme=f.theme("3.4"))
    assert listed(client, "cooperation:project_list", theme=f.theme("3").pk) == [project]


def test_partnership_and_organisation_filters(client):
    senegal = f.foreign_authority(country="SN", locality="Kaolack", name="Ville de Kaolack")
    org = f.organisation(insee_code="33281", name="Ville de Mérignac")
    partnership = f.partnership(
        foreign_authority=senegal, french_partners=[org], signed_on=date(2004, 3, 1)
    )
    f.partnership(
        foreign_authority=f.foreign_authority(country="ML", locality="Bamako"),
        french_partners=[f.organisation(insee_code="40192")],
    )
    assert listed(client, "cooperation:partnership_list", country="SN") == [partnership]
    assert listed(client, "cooperation:partnership_list", year=2004) == [partnership]
    assert listed(client, "cooperation:partnership_list", departement=org.departement.pk) == [
        partnership
    ]
    assert listed(client, "actors:organisation_list", country="SN") == [org]
    assert listed(client, "actors:organisation_list", kind="association") == []


def test_invalid_filter_value_shows_an_error_not_a_crash(client):
    response = client.get(reverse("cooperation:project_list"), {"country": "XX", "year": "abc"})
    assert response.status_code == 200
    assert response.context["filter"].errors
    assert "Aucun résultat" in response.content.decode()


def test_sorting_both_ways_and_unknown_sort_ignored(client):
    for title in ["Bêta", "Alpha", "Gamma"]:
        f.project(title=title)
    assert [p.title for p in listed(client, "cooperation:project_list", sort="title")] == [
        "Alpha",
        "Bêta",
        "Gamma",
    ]
    assert [p.title for p in listed(client, "cooperation:project_list", sort="-title")] == [
        "Gamma",
        "Bêta",
        "Alpha",
    ]
    assert len(listed(client, "cooperation:project_list", sort="password")) == 3


@override_settings(LIST_PAGE_SIZE=2)
def test_pagination_keeps_filters(client):
    for i in range(5):
        f.project(title=f"Projet {i}", country="ML")
    page = client.get(reverse("cooperation:project_list"), {"country": "ML", "page": 2})
    assert page.context["page_obj"].number == 2
    assert "country=ML&amp;page=3" in page.content.decode()


def test_empty_states(client):
    body = client.get(reverse("cooperation:project_list")).content.decode()
    assert "est vide pour l’instant" in body
    body = client.get(reverse("cooperation:project_list"), {"country": "ML"}).content.decode()
    assert "Aucun résultat pour ces critères" in body


def test_htmx_filter_returns_only_the_results(client):
    f.project(title="Forage à Ségou", country="ML")
    response = client.get(
        reverse("cooperation:project_list"), {"country": "ML"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert "Forage à Ségou" in body
    assert "<html" not in body


def test_organisation_page_links_partnerships_projects_people_and_impact(client):
    org = f.organisation(name="Ville de Billère", insee_code="64129")
    partnership = f.partnership(french_partners=[org], title="Billère – Kolda")
    project = f.project(partnership=partnership, title="Jardins de Kolda")
    f.local_impact(project=project, text="Exposition à la médiathèque")
    person = f.position(organisation=org).person
    body = client.get(org.get_absolute_url()).content.decode()
    for expected in [
        partnership.get_absolute_url(),
        project.get_absolute_url(),
        person.get_absolute_url(),
        "Exposition à la médiathèque",
    ]:
        assert expected in body


def test_an_organisation_s_projects_by_its_partnerships_and_its_accepted_participations():
    from django.utils import timezone

    from icilabas.cooperation.models import Participation, Project
    from icilabas.cooperation.selectors import organisation_projects

    org = f.organisation()
    f.project(partnership=f.partnership(french_partners=[org]), title="A")  # by its partnership
    by_participation, proposed, withdrawn, binned = (f.project(title=t) for t in "BCDE")
    for project in (by_participation, withdrawn, binned):
        f.participation(project=project, organisation=org, role="partenaire")
    f.participation(project=proposed, organisation=org, role="partenaire")
    Participation.objects.filter(project=proposed).update(link_accepted=False)
    Participation.objects.filter(project=withdrawn).update(deleted_at=timezone.now())
    Project.objects.filter(pk=binned.pk).update(deleted_at=timezone.now())
    f.project(partnership=f.partnership(french_partners=[f.organisation()]), title="F")
    found = list(organisation_projects(organisation=org).values_list("title", flat=True))
    assert sorted(found) == ["A", "B"]


def test_project_page_totals_its_budget_per_currency(client):
    from decimal import Decimal

    project = f.project()
    for amount, currency in (("1000", "EUR"), ("500.50", "EUR"), ("200", "XOF")):
        f.budget_line(project=project, amount=Decimal(amount), currency=currency)
    gone = f.budget_line(project=project, amount=Decimal("9999"), currency="EUR")
    type(gone).objects.filter(pk=gone.pk).update(deleted_at="2026-01-01T00:00:00Z")
    page = client.get(project.get_absolute_url()).content.decode()
    totals = re.findall(r"Total</th><td class=\"num\">([^<]+)</td>", page)
    assert [" ".join(t.split()) for t in totals] == ["1 500,50 EUR", "200,00 XOF"]


def test_personal_contact_details_are_hidden_from_the_public(staff_client):
    person = f.person(email="awa@example.org")
    public = Client().get(person.get_absolute_url()).content.decode()
    assert "awa@example.org" not in public
    assert "awa@example.org" in staff_client.get(person.get_absolute_url()).content.decode()


def test_child_form_is_prefilled_from_its_parent_page(staff_client):
    project = f.project()
    form = staff_client.get(reverse("cooperation:budgetline_create"), {"project": project.pk})
    assert form.context["form"].initial["project"] == str(project.pk)
    partner = f.organisation()
    form = staff_client.get(
        reverse("cooperation:partnership_create"), {"french_partners": [partner.pk]}
    )
    assert form.context["form"].initial["french_partners"] == [str(partner.pk)]


def test_french_decimal_comma_is_accepted(staff_client):
    project = f.project()
    response = staff_client.post(
        reverse("cooperation:budgetline_create"),
        {"project": project.pk, "label": "Puits", "amount": "1 250,50", "currency": "EUR"},
    )
    assert response.status_code == 302
    assert str(project.budget_lines.get().amount) == "1250.50"


def test_unknown_record_is_a_404_page_in_french(client):
    response = client.get(reverse("cooperation:project_detail", args=[999999]))
    assert response.status_code == 404


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_healthz_answers_503_when_the_database_is_unreachable():
    """A real unreachable server (nothing listens on port 1), in a separate process."""
    script = (
        "import django; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/healthz', HTTP_HOST='localhost');"
        "print(r.status_code, r.content.decode())"
    )
    env = {
        **os.environ,
        "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none",
        "DJANGO_SETTINGS_MODULE": "icilabas.settings",
        "PYTHONPATH": str(ROOT / "src"),
    }
    out = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    status, body = out.split(" ", 1)
    assert status == "503"
    payload = json.loads(body)
    assert payload["status"] == "error"
    assert payload["reason"]


def _in_another_process(script: str, **env) -> str:
    """With its own empty cache: figures kept in the installation's cache by another run
    would let a page answer without the database."""
    with tempfile.TemporaryDirectory() as cache_dir:
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "icilabas.settings",
            "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
            "CACHE_DIR": cache_dir,
            **env,
        }
        done = subprocess.run(
            [sys.executable, "-c", script],
            env=environment,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_a_page_answers_a_french_503_while_the_database_is_unreachable():
    script = (
        "import django; django.setup();"
        "from django.test import Client;"
        "r = Client(raise_request_exception=False).get('/', HTTP_HOST='localhost');"
        "print(r.status_code, r.get('Retry-After'), r.content.decode())"
    )
    out = _in_another_process(
        script, DATABASE_URL="postgres://nobody@127.0.0.1:1/none", PAGE_CACHE_SECONDS="0"
    )
    status, retry, page = out.split(" ", 2)
    assert (status, retry) == ("503", "30")
    assert "Service momentanément indisponible" in page and "Traceback" not in page


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a database server that goes away")
def test_the_site_comes_back_by_itself_when_postgresql_does():
    """A real WSGI server talks to PostgreSQL through a relay, cut then restored: pages answer
    200, then 503 (with /healthz saying why), then 200 again, with no restart. Pages are not
    stored here (visitors would otherwise still get the stored ones while it is away)."""
    database = connection.settings_dict
    script = f"""
import json, os, threading, urllib.error, urllib.request
from wsgiref.simple_server import WSGIRequestHandler, make_server
from tests.tcp_proxy import Relay
relay = Relay(("{database["HOST"] or "127.0.0.1"}", {database["PORT"] or 5432}))
port = relay.start()
os.environ["DATABASE_URL"] = "postgres://{database["USER"]}@127.0.0.1:%d/{database["NAME"]}" % port
from django.core.wsgi import get_wsgi_application
class Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass
server = make_server("127.0.0.1", 0, get_wsgi_application(), handler_class=Quiet)
threading.Thread(target=server.serve_forever, daemon=True).start()
base = "http://127.0.0.1:%d" % server.server_port
def fetch(path):
    try:
        with urllib.request.urlopen(base + path) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
def status(path):
    return fetch(path)[0]
seen = [status("/cooperation/projets/"), status("/healthz")]
relay.stop()  # a restart between two requests: the kept connection is dead
relay.start()
seen += [status("/cooperation/projets/")]
relay.stop()
seen += [status("/cooperation/projets/"), status("/healthz")]
reason = json.loads(fetch("/healthz")[1])
relay.start()
seen += [status("/cooperation/projets/"), status("/healthz")]
print(json.dumps({{"seen": seen, "reason": reason}}))
"""
    output = _in_another_process(script, PAGE_CACHE_SECONDS="0", ALLOWED_HOSTS="127.0.0.1")
    result = json.loads(output.strip().splitlines()[-1])
    assert result["seen"] == [200, 200, 200, 503, 503, 200, 200]
    assert result["reason"]["database"] == "unavailable"


def test_healthz_answers_503_when_the_disk_is_nearly_full(client, settings):
    settings.HEALTH_MIN_FREE_MB = 10**9  # more than any disk has
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["reason"].startswith("disque presque plein")
    settings.HEALTH_MIN_FREE_MB = 1
    assert client.get("/healthz").json()["disk"]["free_mb"] > 1


def test_edit_form_shows_numbers_the_french_way_and_keeps_them(staff_client):
    authority = f.foreign_authority(
        name="Village de Kolobo",
        country="ML",
        locality="Kolobo",
        latitude=13.35,
        longitude=-6.25,
    )
    url = reverse("actors:foreignauthority_update", args=[authority.pk])
    form = staff_client.get(url).content.decode()
    assert 'value="13,35"' in form
    line = f.budget_line(amount="1250.5")
    body = staff_client.get(reverse("cooperation:budgetline_update", args=[line.pk]))
    assert 'value="1250,50"' in body.content.decode()


def test_interface_is_french_by_default_and_english_on_request(client):
    home = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "Acteurs d&#x27;ici" in home or "Acteurs d'ici" in home
    client.cookies["django_language"] = "en"
    english = client.get("/").content.decode()
    assert "Recently updated projects" in english
    assert '<html lang="en">' in english


def test_project_page_and_search_speak_english_on_request(client):
    project = f.project(title="Puits de Kayes", partnership=f.partnership())
    client.cookies["django_language"] = "en"
    page = client.get(project.get_absolute_url()).content.decode()
    assert "Primary theme" in page and "Action plan" in page and "Thématique principale" not in page
    search = client.get(reverse("portal:search"), {"q": "introuvable"}).content.decode()
    assert "Nothing matches “introuvable”" in search
    partnership = client.get(project.partnership.get_absolute_url()).content.decode()
    assert "Mutual commitments" in partnership and "Over there" in partnership
    authority = project.partnership.foreign_authority
    there = client.get(authority.get_absolute_url()).content.decode()
    assert f"Who else works in {authority.locality}" in there
    assert f"<title>{authority.name} — Ici" in there  # the title holds the name alone
    found = client.get(reverse("portal:search"), {"q": "Kayes"}).content.decode()
    assert "1 result for “Kayes”" in found
    country = client.get(reverse("portal:country", args=["SN"])).content.decode()
    assert "Who else works in Senegal" in country
    projects = client.get(reverse("cooperation:project_list")).content.decode()
    assert "1 result" in projects and ">Title" in projects and "<h1>Projects</h1>" in projects
    client.cookies["django_language"] = "fr"
    assert "Thématique principale" in client.get(project.get_absolute_url()).content.decode()


def test_forms_history_and_errors_speak_english_on_request(staff_client):
    from .contracts import _project_post

    staff_client.cookies["django_language"] = "en"
    form = staff_client.get(reverse("cooperation:project_create")).content.decode()
    assert "<h1>Add a project</h1>" in form
    assert ">Primary theme" in form and ">Save</button>" in form and "Thématique" not in form
    refused = staff_client.post(
        reverse("cooperation:project_create"), {**_project_post(), "end_on": "2020-01-01"}
    ).content.decode()
    assert "The form has 1 error" in refused
    assert "The end date must be after the start date." in refused
    project = f.project(title="Puits de Kayes")
    history = staff_client.get(reverse("cooperation:project_history", args=[project.pk]))
    assert "History of “Puits de Kayes”" in history.content.decode()
    delete = staff_client.get(reverse("cooperation:project_delete", args=[project.pk]))
    assert "Project will be moved to the bin" in delete.content.decode()
    binned = staff_client.post(
        reverse("cooperation:project_delete", args=[project.pk]), follow=True
    ).content.decode()
    assert "“Puits de Kayes” has been moved to the bin." in binned
    assert "Page not found" in staff_client.get("/nulle-part/").content.decode()
    organisation = f.organisation()
    wrong_key = staff_client.post(
        reverse("actors:organisation_update", args=[organisation.pk]),
        {"name": organisation.name, "kind": organisation.kind, "siren": "123456789"},
    ).content.decode()
    assert "This SIREN is not valid: its check digit (Luhn) does not match." in wrong_key


def test_add_buttons_speak_french(staff_client):
    assert (
        "Ajouter un projet"
        in staff_client.get(reverse("cooperation:project_list")).content.decode()
    )
    page = staff_client.get(reverse("actors:organisation_create")).content.decode()
    assert "<h1>Ajouter une organisation</h1>" in page


def test_every_template_compiles():
    """A template only reached by a rare page (a background job's status) still parses."""
    from django.conf import settings
    from django.template.loader import get_template

    root = Path(settings.BASE_DIR) / "templates"
    names = [str(p.relative_to(root)) for p in root.rglob("*.html")]
    assert len(names) > 50
    for name in names:
        get_template(name)


def _broken_view(request):
    raise RuntimeError("a bug")


urlpatterns = [path("casse/", _broken_view)]


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_a_server_error_shows_a_plain_page_in_the_visitor_language():
    client = Client(raise_request_exception=False)
    french = client.get("/casse/")
    assert french.status_code == 500
    assert "Une erreur est survenue" in french.content.decode()
    client.cookies["django_language"] = "en"
    english = client.get("/casse/").content.decode()
    assert "Something went wrong" in english and '<html lang="en">' in english


def test_country_filters_offer_only_the_countries_of_published_records(client):
    f.project(country="ML", publication="publie")
    f.project(country="SN", publication="publie")
    f.project(country="JP", publication="brouillon")  # a draft says nothing to visitors
    page = client.get(reverse("cooperation:project_list")).content.decode()
    select = re.search(r'<select[^>]*name="country".*?</select>', page, re.S).group(0)
    offered = re.findall(r'<option value="(\w*)"', select)
    assert offered == ["", "ML", "SN"]  # "all", then in French order of names
    assert client.get(reverse("cooperation:project_list"), {"country": "ML"}).status_code == 200
    # Any country stays a valid filter: a draft's, typed in the address, or through the API.
    assert client.get(reverse("cooperation:project_list"), {"country": "JP"}).status_code == 200
    assert client.get("/api/v1/projects", {"country": "BR"}).status_code == 200
