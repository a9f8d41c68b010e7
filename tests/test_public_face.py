"""The public face: commune pages, maps, feeds, the dashboard, the elected officials' briefing
and "je veux m'impliquer". Figures are computed here from what the test made, not read back
from the code under test."""

import csv
import io
from decimal import Decimal

import feedparser
import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from pypdf import PdfReader

from icilabas.actors.models import Involvement, Organisation
from icilabas.members.models import Membership, Role
from icilabas.portal import selectors, worldmap
from icilabas.reference.models import Commune

from . import factories as f
from .test_queries import queries_for_3_then_12

pytestmark = pytest.mark.django_db

PESSAC = "33318"


def engaged_commune(insee=PESSAC, **data):
    """A commune's authority with a partnership in Senegal and a project carrying impact."""
    authority = f.organisation(name=data.pop("name", "Ville de Pessac"), insee_code=insee)
    partner = f.foreign_authority(
        name="Commune de Foundiougne", country="SN", latitude=14.13, longitude=-16.47
    )
    partnership = f.partnership(french_partners=[authority], foreign_authority=partner)
    project = f.project(title="Chantier de jeunes", partnership=partnership, country="SN")
    return authority, partnership, project


# --- Finding one's commune -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Pessac", "33318"),
        ("pessac", "33318"),
        ("PESSAC", "33318"),
        ("st medard en jalles", "33449"),
        ("Saint-Médard-en-Jalles", "33449"),
        ("33600", "33318"),
        ("33160", "33449"),
    ],
)
def test_a_commune_is_found_by_name_as_typed_or_postal_code(typed, expected):
    assert expected in [c.insee_code for c in selectors.find_communes(typed)]


def test_a_single_match_opens_the_commune_page(client):
    response = client.get(reverse("portal:commune_search"), {"q": "33600"})
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:commune", args=[PESSAC])


def test_several_matches_are_listed_exact_name_first(client):
    page = client.get(reverse("portal:commune_search"), {"q": "Pessac"}).content.decode()
    assert page.index("/communes/33318/") < page.index("/communes/33319/")  # Pessac-sur-Dordogne


@pytest.mark.parametrize("typed", ["Zzyzx-la-Forêt", "99999", "0"])
def test_an_unknown_commune_or_postal_code_says_so_and_names_it(client, typed):
    response = client.get(reverse("portal:commune_search"), {"q": typed})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Aucune commune française ne correspond" in page and typed in page


def test_an_unknown_insee_code_is_a_404(client):
    assert client.get(reverse("portal:commune", args=["99999"])).status_code == 404


# --- "Notre coopération" ---------------------------------------------------------------------


def test_a_commune_page_shows_partners_projects_and_local_impact_with_figures(client):
    authority, partnership, project = engaged_commune()
    other = f.project(title="Festival des solidarités", partnership=partnership)
    f.local_impact(project=project, category="education_jeunesse", people_reached=120)
    f.local_impact(project=other, category="education_jeunesse", people_reached=30)
    f.local_impact(project=other, category="animation_locale", events_count=4)
    association = f.organisation(name="Pessac Solidarité", kind="association", insee_code=PESSAC)
    page = client.get(reverse("portal:commune", args=[PESSAC])).content.decode()
    assert "Ville de Pessac" in page and "Commune de Foundiougne" in page
    assert "Chantier de jeunes" in page and "Festival des solidarités" in page
    overview = selectors.commune_overview(Commune.objects.get(insee_code=PESSAC))
    youth = next(r for r in overview["impacts"] if r["category"] == "education_jeunesse")
    assert (youth["projects"], youth["people"]) == (2, 150)
    assert "150" in page
    assert reverse("portal:involve", args=[association.pk]) in page
    assert reverse("portal:briefing", args=[authority.pk]) in page


def test_a_commune_without_cooperation_gets_a_helpful_empty_state(client):
    page = client.get(reverse("portal:commune", args=["33449"])).content.decode()
    assert "Aucune organisation de cette commune" in page
    assert "Festival des Solidarités" in page  # no event announced: what to expect


def test_a_commune_page_lists_public_events_of_its_departement(client):
    f.meeting(title="Festisol à Pessac", kind="festisol")
    f.meeting(title="Réunion interne", kind="groupe")
    page = client.get(reverse("portal:commune", args=["33449"])).content.decode()
    assert "Festisol à Pessac" in page and "Réunion interne" not in page


def test_drafts_never_show_on_the_public_face(client):
    draft = f.organisation(name="Brouillon de Pessac", kind="association", insee_code=PESSAC)
    f.partnership(french_partners=[draft])
    Organisation.objects.filter(pk=draft.pk).update(publication="draft")
    page = client.get(reverse("portal:commune", args=[PESSAC])).content.decode()
    assert "Brouillon de Pessac" not in page


# --- Maps ------------------------------------------------------------------------------------


def test_the_world_map_shades_countries_and_links_them_with_no_network(client):
    engaged_commune()
    f.partnership(foreign_authority=f.foreign_authority(country="ML", locality="Bamako"))
    f.partnership(foreign_authority=f.foreign_authority(country="ML", locality="Kayes"))
    page = client.get(reverse("portal:map")).content.decode()
    assert "http://" not in page.split("<svg", 1)[1].split("</svg>")[0]  # nothing fetched
    mali = worldmap.world_map(counts={"ML": 2, "SN": 1}, urls={}, places=[])
    shades = {s["code"]: s["shade"] for s in mali.shapes}
    assert shades["ML"] > shades["SN"] > 0 == shades["FR"]
    assert f'href="{reverse("portal:country", args=["ML"])}"' in page
    assert "Commune de Foundiougne" in page  # a point, and its entry in the list


def test_a_country_with_no_outline_is_a_list_entry_not_a_crash(client):
    f.partnership(foreign_authority=f.foreign_authority(country="MU", locality="Port-Louis"))
    response = client.get(reverse("portal:map"))
    assert response.status_code == 200
    assert "Sans contour sur la carte" in response.content.decode()
    assert "Maurice" in response.content.decode()


def test_an_empty_registry_gets_an_empty_state_not_a_blank_map(client):
    for name in ("portal:map", "portal:home"):
        page = client.get(reverse(name)).content.decode()
        assert "la carte se remplira avec le registre" in page
    page = client.get(reverse("portal:map_here")).content.decode()
    assert "Aucune organisation engagée" in page


def test_the_world_map_shows_the_most_engaged_partners_first():
    partner = f.foreign_authority(name="Commune de Foundiougne", latitude=14.1, longitude=-16.4)
    f.partnership(foreign_authority=partner)
    f.partnership(foreign_authority=partner)
    for n in range(3):
        f.partnership(foreign_authority=f.foreign_authority(latitude=10 + n, longitude=-5))
    places = selectors._partner_places(limit=2)
    assert places[0].label == "Commune de Foundiougne" and len(places) == 2


def test_figures_over_the_whole_registry_follow_its_changes(client):
    f.partnership(foreign_authority=f.foreign_authority(country="ML", locality="Bamako"))
    assert selectors.partnerships_by_country() == {"ML": 1}
    f.partnership(foreign_authority=f.foreign_authority(country="SN"))
    assert selectors.partnerships_by_country() == {"ML": 1, "SN": 1}


def test_the_map_of_ici_frames_the_organisations_engaged(client):
    engaged_commune()
    f.partnership(french_partners=[f.organisation(name="Ville de Lille", insee_code="59350")])
    school = f.organisation(name="Lycée de Talence", kind="ecole", insee_code="33522")
    f.participation(organisation=school, project=f.project())  # engaged by a project only
    page = client.get(reverse("portal:map_here")).content.decode()
    assert "Ville de Lille" in page and "Ville de Pessac" in page and "Lycée de Talence" in page
    places = selectors.engaged_places()
    assert {p.label for p in places} == {"Ville de Pessac", "Ville de Lille", "Lycée de Talence"}
    local = worldmap.local_map(places=places)
    x, y, width, height = (float(v) for v in local.view_box.split())
    assert width == height
    assert all(x <= p.x <= x + width and y <= p.y <= y + height for p in places)


def test_a_projects_localities_show_by_name_on_a_small_map_of_their_country(client):
    project = f.project(title="Maraîchage à Foundiougne", country="SN")
    f.project_location(
        project=project, name="Foundiougne", country="SN", latitude=14.13, longitude=-16.47
    )
    f.project_location(project=project, name="Djilor", country="SN")  # not placed yet
    page = client.get(project.get_absolute_url()).content.decode()
    section = page.split('id="locations"')[1].split("</section>")[0]
    assert "Foundiougne (Sénégal)" in section and "Djilor (Sénégal)" in section
    assert "14.130" not in section and "-16.470" not in section  # names, not raw coordinates
    assert "<svg" in section and "Où le projet agit : Foundiougne" in section
    assert section.count("<circle") == 1  # only the placed locality
    # Framed on Senegal: its outline and the point inside the view.
    x, y, width, height = (float(v) for v in section.split('viewBox="')[1].split('"')[0].split())
    left, top, right, bottom = worldmap.outline_box(worldmap.outlines()["countries"]["SN"])
    assert x <= left and right <= x + width and y <= top and bottom <= y + height
    point_x, point_y = worldmap.project(14.13, -16.47)
    assert x <= point_x <= x + width and y <= point_y <= y + height


def test_a_project_without_placed_localities_shows_its_partners_place_or_no_map(client):
    partner = f.foreign_authority(locality="Kayes", country="ML", latitude=14.45, longitude=-11.44)
    project = f.project(partnership=f.partnership(foreign_authority=partner), country="ML")
    section = client.get(project.get_absolute_url()).content.decode().split('id="locations"')[1]
    assert "Où le projet agit : Kayes" in section.split("</section>")[0]
    unplaced = f.project(country="ML")  # no partnership, and its locality not placed
    f.project_location(project=unplaced, name="Djilor", country="SN")
    section = client.get(unplaced.get_absolute_url()).content.decode().split('id="locations"')[1]
    assert "<svg" not in section.split("</section>")[0]


def test_the_worker_computes_the_figures_after_a_change_not_the_first_visitor():
    from django.core.cache import cache

    from icilabas.core.page_cache import registry_version
    from icilabas.portal.tasks import warm_public_figures

    f.project(country="ML", partnership=f.partnership())
    assert cache.get(f"portal:dashboard:{registry_version()}:fr") is None
    assert warm_public_figures.call() > 0
    for name in ("dashboard", "countries", "partner-places", "engaged-places", "home"):
        for language in ("fr", "en"):
            assert cache.get(f"portal:{name}:{registry_version()}:{language}") is not None
    assert cache.get(f"portal:country:ML::{registry_version()}:fr") is not None
    assert warm_public_figures.call() == 0  # nothing changed since
    f.organisation()
    assert warm_public_figures.call() > 0


# --- Feeds -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["portal:project_feed", "portal:project_atom"])
def test_feeds_validate_and_filter_by_commune_country_and_theme(client, name):
    engaged_commune()
    f.project(title="Forage au Mali", country="ML", primary_theme=f.theme("2.1"))
    url = reverse(name)
    every = feedparser.parse(client.get(url).content)
    assert not every.bozo, every.get("bozo_exception")
    assert {e.title for e in every.entries} == {"Chantier de jeunes", "Forage au Mali"}
    by_commune = feedparser.parse(client.get(url, {"commune": PESSAC}).content)
    assert [e.title for e in by_commune.entries] == ["Chantier de jeunes"]
    by_country = feedparser.parse(client.get(url, {"country": "ml"}).content)
    assert [e.title for e in by_country.entries] == ["Forage au Mali"]
    by_theme = feedparser.parse(client.get(url, {"theme": "2"}).content)
    assert [e.title for e in by_theme.entries] == ["Forage au Mali"]


@pytest.mark.parametrize("asked", [{"commune": "99999"}, {"country": "XX"}, {"theme": "nope"}])
def test_a_feed_for_something_unknown_is_a_404(client, asked):
    assert client.get(reverse("portal:project_feed"), asked).status_code == 404


# --- The dashboard ---------------------------------------------------------------------------


def test_the_dashboard_counts_and_each_chart_downloads_as_csv(client):
    authority, _partnership, project = engaged_commune()
    f.project(title="Autre", country="ML", partnership=f.partnership(french_partners=[authority]))
    f.budget_line(project=project, amount=Decimal("1500"), year=2020)
    f.budget_line(project=project, amount=Decimal("500"), year=2020)
    response = client.get(reverse("portal:dashboard"))
    figures = response.context
    assert (figures["authorities"], figures["engaged_communes"]) == (1, 1)
    gironde_aquitaine = Commune.objects.filter(departement__region__code="75").count()
    assert figures["commune_total"] == gironde_aquitaine
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(reverse("portal:dashboard"), {"csv": "pays"}).content.decode("utf-8-sig")
            )
        )
    )
    assert sorted(rows[1:]) == [["Mali", "1"], ["Sénégal", "1"]]
    budgets = client.get(reverse("portal:dashboard"), {"csv": "budgets"}).content.decode()
    assert "2020" in budgets and "2000" in budgets
    page = response.content.decode()
    assert 'role="img"' in page and "<table" in page


def test_an_unknown_chart_is_a_404(client):
    assert client.get(reverse("portal:dashboard"), {"csv": "nope"}).status_code == 404


# --- The elected officials' briefing ---------------------------------------------------------


def briefing_world():
    authority, _partnership, project = engaged_commune()
    region = f.organisation(name="Région test", kind="region", insee_code="")
    f.budget_line(project=project, amount=Decimal("10000"), cofinancer=authority)
    f.budget_line(project=project, amount=Decimal("15000"), cofinancer=region)
    f.budget_line(project=project, amount=Decimal("5000"), cofinancer_name="Ministère")
    f.budget_line(project=project, amount=Decimal("2000"))
    f.local_impact(project=project, category="education_jeunesse", people_reached=45)
    f.local_impact(project=project, category="animation_locale", people_reached=300)
    return authority


def test_the_briefing_holds_budget_leverage_impact_and_young_people():
    authority = briefing_world()
    figures = selectors.briefing(authority)
    money = figures["money"]
    assert (money.total, money.own, money.others, money.unattributed) == (
        Decimal("32000"),
        Decimal("10000"),
        Decimal("20000"),
        Decimal("2000"),
    )
    assert money.leverage == Decimal("2.00")
    assert (figures["people_reached"], figures["young_people"]) == (345, 45)
    assert figures["population"] == Commune.objects.get(insee_code=PESSAC).population


def test_comparable_authorities_are_those_of_the_same_kind_within_the_population_band():
    authority = briefing_world()
    pessac = Commune.objects.get(insee_code=PESSAC).population
    # Mérignac is comparable to Pessac (within half to twice); Bordeaux is not; a village either.
    merignac = f.organisation(name="Ville de Mérignac", insee_code="33281")
    f.partnership(french_partners=[merignac])
    f.organisation(name="Ville de Bordeaux", insee_code="33063")
    f.organisation(name="Village", insee_code="33011")
    populations = dict(
        Commune.objects.filter(insee_code__in=["33281", "33063", "33011"]).values_list(
            "insee_code", "population"
        )
    )
    assert pessac / 2 <= populations["33281"] <= pessac * 2
    assert not pessac / 2 <= populations["33063"] <= pessac * 2
    compared = selectors.briefing(authority)["comparables"]
    assert (compared["peers"], compared["engaged"]) == (1, 1)
    assert [o.name for o in compared["examples"]] == ["Ville de Mérignac"]


def pdf_text(content: bytes) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return " ".join(text.replace("\xa0", " ").split())


def test_the_briefing_pdf_is_made_by_the_worker_and_holds_the_figures(
    client, django_capture_on_commit_callbacks
):
    authority = briefing_world()
    url = reverse("portal:briefing_pdf", args=[authority.pk])
    with django_capture_on_commit_callbacks(execute=True):
        first = client.get(url)
    assert first.status_code in (200, 202)
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    content = b"".join(response.streaming_content) if response.streaming else response.content
    pages = PdfReader(io.BytesIO(content)).pages
    assert 1 <= len(pages) <= 4
    text = pdf_text(content)
    for expected in (
        "Ville de Pessac",
        "Commune de Foundiougne",
        "32 000",
        "10 000",
        "2,00",
        "345",
    ):
        assert expected in text, expected
    # The same page as HTML.
    page = client.get(reverse("portal:briefing", args=[authority.pk])).content.decode()
    assert "2,00" in page and "32\xa0000" in page  # French thousands: a no-break space


def test_a_briefing_for_an_authority_with_no_data_is_made_and_says_so(
    client, django_capture_on_commit_callbacks
):
    lonely = f.organisation(name="Commune sans projet", insee_code="33011")
    url = reverse("portal:briefing_pdf", args=[lonely.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.get(url)
    response = client.get(url)
    content = b"".join(response.streaming_content)
    assert "Aucun partenariat ni projet publié" in pdf_text(content)


def test_a_new_figure_makes_a_new_pdf_version():
    authority = briefing_world()
    before = selectors.briefing(authority)["digest"]
    assert selectors.briefing(authority)["digest"] == before
    f.local_impact(project=selectors.projects_of([authority]).first(), people_reached=5)
    assert selectors.briefing(authority)["digest"] != before


# --- "Je veux m'impliquer" -------------------------------------------------------------------


def offer(client, organisation, **changes):
    data = {
        "ways": ["benevolat", "temps"],
        "name": "Claire Martin",
        "email": "claire@example.org",
        "postal_code": "33600",
        "message": "Je parle wolof.",
        "consent": "on",
        **changes,
    }
    return client.post(reverse("portal:involve", args=[organisation.pk]), data)


def test_an_offer_reaches_the_organisations_editors_in_mon_espace(
    client, django_capture_on_commit_callbacks
):
    association = f.organisation(
        name="Pessac Solidarité", kind="association", insee_code=PESSAC, email="asso@example.org"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = offer(client, association)
    assert response.status_code == 200 and "Merci" in response.content.decode()
    kept = Involvement.objects.get()
    assert kept.ways == ["benevolat", "temps"] and kept.consent_at is not None
    assert kept.commune.insee_code == PESSAC
    to = sorted(address for message in mail.outbox for address in message.to)
    assert to == ["asso@example.org", "claire@example.org"]
    erase_link = reverse("portal:involvement_erase", args=[kept.erase_key])
    assert any(erase_link in m.body for m in mail.outbox if m.to == ["claire@example.org"])
    editor = get_user_model().objects.create_user(username="editrice", password="x")
    Membership.objects.create(user=editor, organisation=association, role=Role.EDITOR)
    stranger = get_user_model().objects.create_user(username="autre", password="x")
    Membership.objects.create(user=stranger, organisation=f.organisation(), role=Role.EDITOR)
    client.force_login(editor)
    home = client.get(reverse("members:home")).content.decode()
    assert "Claire Martin" in home and "Je parle wolof." in home
    client.force_login(stranger)
    assert "Claire Martin" not in client.get(reverse("members:home")).content.decode()
    denied = client.post(reverse("members:involvement", args=[kept.pk, "effacer"]))
    assert denied.status_code == 403 and Involvement.objects.exists()
    client.force_login(editor)
    client.post(reverse("members:involvement", args=[kept.pk, "traitee"]))
    assert Involvement.objects.get().answered_at is not None
    client.post(reverse("members:involvement", args=[kept.pk, "effacer"]))
    assert not Involvement.objects.exists()


def test_she_erases_her_offer_from_her_link_after_confirming(client):
    association = f.organisation(kind="association")
    offer(client, association)
    key = Involvement.objects.get().erase_key
    url = reverse("portal:involvement_erase", args=[key])
    assert "Claire Martin" in client.get(url).content.decode()
    assert Involvement.objects.exists()  # looking is not erasing
    client.post(url)
    assert not Involvement.objects.exists()
    assert "aucune proposition" in client.get(url).content.decode()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"consent": ""}, "consent", "Sans votre accord"),
        ({"ways": []}, "ways", "Cochez au moins une façon"),
        ({"email": "pas-un-courriel"}, "email", "courriel valide"),
        ({"postal_code": "336"}, "postal_code", "cinq chiffres"),
    ],
)
def test_a_bad_offer_names_the_field_and_keeps_nothing(client, changes, field, message):
    association = f.organisation(kind="association")
    response = offer(client, association, **changes)
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert not Involvement.objects.exists()


def test_a_robot_filling_the_trap_is_thanked_and_nothing_is_kept(client):
    association = f.organisation(kind="association")
    response = offer(client, association, website="http://spam.example")
    assert response.status_code == 200 and not Involvement.objects.exists()
    assert not mail.outbox


def test_more_than_five_offers_an_hour_from_one_address_are_refused(client):
    association = f.organisation(kind="association")
    statuses = [offer(client, association, name=f"Robot {n}").status_code for n in range(7)]
    assert statuses == [200] * 5 + [429, 429]
    assert Involvement.objects.count() == 5
    other = client.post(
        reverse("portal:involve", args=[association.pk]), {}, REMOTE_ADDR="10.0.0.9"
    )
    assert other.status_code == 400  # another visitor is not held back


def test_behind_the_proxy_the_limit_counts_the_address_it_saw(client, settings):
    settings.BEHIND_PROXY = True
    association = f.organisation(kind="association")
    for n in range(5):
        offer(client, association, HTTP_X_FORWARDED_FOR=f"1.2.3.4, 10.0.0.{n}")
    # Each forged first address is ignored; the proxy's own addition counts: 5 visitors.
    assert Involvement.objects.count() == 5


def test_no_offer_to_an_unpublished_or_unknown_organisation(client):
    assert client.get(reverse("portal:involve", args=[999999])).status_code == 404


# --- No N+1 ----------------------------------------------------------------------------------


def _engaged_in_pessac():
    authority = f.organisation(kind="association", insee_code=PESSAC)
    partner = f.foreign_authority(latitude=14.0, longitude=-16.0)
    project = f.project(
        partnership=f.partnership(french_partners=[authority], foreign_authority=partner)
    )
    f.local_impact(project=project, people_reached=3)
    return authority


@pytest.mark.parametrize(
    "url",
    [
        reverse("portal:commune", args=[PESSAC]),
        reverse("portal:map"),
        reverse("portal:map_here"),
        reverse("portal:dashboard"),
        reverse("portal:project_feed"),
    ],
)
def test_public_pages_queries_do_not_grow_with_rows(client, url):
    few, many = queries_for_3_then_12(client, url, _engaged_in_pessac)
    assert many == few


def test_the_briefing_queries_do_not_grow_with_projects(client):
    authority = f.organisation(insee_code=PESSAC)

    def one_more():
        partnership = f.partnership(french_partners=[authority])
        f.local_impact(project=f.project(partnership=partnership), people_reached=1)

    few, many = queries_for_3_then_12(
        client, reverse("portal:briefing", args=[authority.pk]), one_more
    )
    assert many == few
