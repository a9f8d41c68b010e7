"""Who else works here: actors active in a country or a locality, and mentors."""

import pytest
from django.urls import reverse

from icilabas.matching.activity import (
    active_actors,
    aid_world_actors,
    countries_of_theme,
    locality_variants,
    mentors,
    theme_mentors,
)

from . import factories as f

pytestmark = pytest.mark.django_db


def senegal_registry():
    veteran = f.organisation(name="Ville de Mérignac", insee_code="33281")
    newcomer = f.organisation(name="Ville de Cenon", insee_code="33119")
    kaolack = f.foreign_authority(name="Ville de Kaolack", locality="Kaolack", country="SN")
    partnership = f.partnership(foreign_authority=kaolack, french_partners=[veteran])
    for code in ("3.1.1", "3.1.2", "4.1.1"):
        f.project(partnership=partnership, country="SN", primary_theme=f.theme(code))
    f.participation(
        project=f.project(country="SN", primary_theme=f.theme("4.2.1")), organisation=newcomer
    )
    f.participation(project=f.project(country="ML"), organisation=newcomer)
    return veteran, newcomer


def test_actors_active_in_a_country_most_active_first():
    veteran, newcomer = senegal_registry()
    actors = active_actors(country="SN")
    assert [(a.organisation, a.projects) for a in actors] == [(veteran, 3), (newcomer, 1)]
    assert [a.organisation for a in mentors(actors)] == [veteran]


def test_a_project_counts_once_for_an_organisation_that_signs_and_takes_part():
    veteran, newcomer = senegal_registry()
    signed = veteran.partnerships.get().projects.first()
    f.participation(project=signed, organisation=veteran, role="pilote")
    f.participation(project=signed, organisation=newcomer, role="partenaire")
    actors = active_actors(country="SN")
    assert [(a.organisation, a.projects) for a in actors] == [(veteran, 3), (newcomer, 2)]


def test_theme_ranks_actors_by_experience_on_it():
    veteran, newcomer = senegal_registry()
    education = f.theme("4.2")
    actors = active_actors(country="SN", theme=education)
    assert actors[0].organisation == newcomer and actors[0].in_theme == 1
    water = f.theme("3")
    assert [
        a.organisation for a in mentors(active_actors(country="SN", theme=water), theme=water)
    ] == [veteran]


def test_locality_narrows_to_the_partner_place():
    veteran, _newcomer = senegal_registry()
    assert [a.organisation for a in active_actors(country="SN", locality="kaolack")] == [veteran]


def test_a_locality_counts_with_its_other_spellings():
    """An authority entered as "ndile" still shows among the actors of Ndilé."""
    veteran = f.organisation(name="Ville de Pessac")
    typed_again = f.organisation(name="Ville de Talence")
    stranger = f.organisation(name="Ville de Bègles")
    for organisation, locality in [
        (veteran, "Ndilé"),
        (typed_again, "ndile"),
        (stranger, "Ndioum"),
    ]:
        authority = f.foreign_authority(
            name=f"Commune de {locality}",
            locality=locality,
            country="SN",
            latitude=15.0,  # not in the gazetteer: placed by hand
            longitude=-16.0,
        )
        partnership = f.partnership(foreign_authority=authority, french_partners=[organisation])
        f.project(partnership=partnership, country="SN")
    assert locality_variants(country="SN", locality="Ndilé") == ["Ndilé", "ndile"]
    actors = {a.organisation for a in active_actors(country="SN", locality="Ndilé")}
    assert actors == {veteran, typed_again}


def test_authorities_placed_at_the_same_spot_are_one_locality_whatever_the_spelling(client):
    """The gazetteer (or typed coordinates) places "Ndilé" and "Ndile Ouolof" within a few
    hundred metres: the actors of one show on the other's page; a village 30 km away does not."""
    veteran = f.organisation(name="Ville de Pessac")
    typed_apart = f.organisation(name="Ville de Talence")
    elsewhere = f.organisation(name="Ville de Bègles")
    spots = [
        (veteran, "Ndilé", 15.001, -16.001),
        (typed_apart, "Ndile Ouolof", 15.004, -16.003),
        (elsewhere, "Keur Massar", 15.3, -16.3),
    ]
    authorities = []
    for organisation, locality, latitude, longitude in spots:
        authority = f.foreign_authority(
            name=f"Commune de {locality}",
            locality=locality,
            country="SN",
            latitude=latitude,
            longitude=longitude,
        )
        authorities.append(authority)
        partnership = f.partnership(foreign_authority=authority, french_partners=[organisation])
        f.project(partnership=partnership, country="SN")
    assert locality_variants(country="SN", locality="Ndilé", near=(15.001, -16.001)) == [
        "Ndile Ouolof",
        "Ndilé",
    ]
    page = client.get(authorities[0].get_absolute_url()).content.decode()
    assert "Ville de Talence" in page and "Ville de Bègles" not in page


def test_country_page_and_authority_page_show_who_else_works_there(client):
    veteran, _newcomer = senegal_registry()
    page = client.get(reverse("portal:country", args=["sn"]))
    body = page.content.decode()
    assert "Des acteurs expérimentés à solliciter" in body
    assert veteran.get_absolute_url() in body
    assert client.get(reverse("portal:country", args=["XX"])).status_code == 404
    kaolack = veteran.partnerships.get().foreign_authority
    assert veteran.name in client.get(kaolack.get_absolute_url()).content.decode()


def test_theme_page_shows_who_works_on_it_where_and_whom_to_ask(client):
    veteran, newcomer = senegal_registry()
    for code in ("3.1.1", "3.1.2"):
        f.participation(
            project=f.project(country="ML", primary_theme=f.theme(code)), organisation=veteran
        )
    water = f.theme("3")
    assert [a.organisation for a in theme_mentors(active_actors(theme=water))] == [veteran]
    assert countries_of_theme(water) == [("ML", 3), ("SN", 2)]
    page = client.get(reverse("portal:theme", args=[water.code]))
    body = page.content.decode()
    assert page.status_code == 200
    assert [a.organisation for a in page.context["mentors"]] == [veteran]
    assert [(a.organisation, a.in_theme) for a in page.context["actors"]] == [
        (veteran, 4),
        (newcomer, 1),
    ]
    assert newcomer.get_absolute_url() in body
    assert reverse("portal:country", args=["SN"]) in body
    assert client.get(reverse("portal:theme", args=["99.9"])).status_code == 404


def test_project_page_links_its_theme_pages(client):
    project = f.project(primary_theme=f.theme("3.1.1"))
    body = client.get(project.get_absolute_url()).content.decode()
    assert reverse("portal:theme", args=["3.1.1"]) in body
    assert reverse("portal:theme", args=["3"]) in body


def test_country_page_shows_the_wider_aid_world_once_iati_is_imported(client, staff_user):
    from pathlib import Path

    from icilabas.interop.services import import_iati

    samples = Path(__file__).resolve().parent / "data" / "iati"
    assert aid_world_actors(country="AR") == []
    import_iati(path=samples / "who-arg.xml", user=staff_user)
    ((name, activities),) = aid_world_actors(country="AR")
    assert "World Health Organization" in name and activities > 100
    body = client.get(reverse("portal:country", args=["AR"])).content.decode()
    assert "Dans le monde de l'aide" in body and f"{activities} activités" in body
