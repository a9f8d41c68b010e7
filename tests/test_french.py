"""French done right: countries with their preposition, "1er mars", a finished project's
years."""

import re
from datetime import date, datetime
from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation
from django_countries import countries

from icilabas.core.french import day_month, in_country

from . import factories as f


@pytest.mark.parametrize(
    ("code", "phrase"),
    [
        ("SN", "au Sénégal"),
        ("ML", "au Mali"),
        ("KM", "aux Comores"),
        ("FR", "en France"),
        ("MG", "à Madagascar"),
        ("US", "aux États-Unis"),
        ("MX", "au Mexique"),
        ("CI", "en Côte d'Ivoire"),
        ("BF", "au Burkina Faso"),
        ("HT", "en Haïti"),
        ("IR", "en Iran"),
        ("KR", "en Corée du Sud"),
        ("GW", "en Guinée-Bissau"),
        ("GB", "au Royaume-Uni"),
        ("PH", "aux Philippines"),
        ("RE", "à La Réunion"),
        ("CV", "au Cap-Vert"),
    ],
)
def test_countries_take_their_preposition(code, phrase):
    with translation.override("fr"):
        assert in_country(code) == phrase


def test_every_country_of_the_reference_table_has_a_phrase():
    prepositions = ("au ", "aux ", "en ", "à ", "à la ", "à l’", "sur l’", "dans le ", "dans les ")
    with translation.override("fr"):
        for code, _name in countries:
            phrase = in_country(code)
            assert phrase.startswith(prepositions), (code, phrase)
            assert len(phrase) > len(phrase.split()[0]) + 2, (code, phrase)


def test_in_english_a_country_is_in():
    with translation.override("en"):
        assert in_country("SN") == "in Senegal"


def test_the_first_of_the_month_is_1er():
    with translation.override("fr"):
        assert day_month(date(2024, 3, 1)) == "1er mars 2024"
        assert day_month(date(2024, 3, 2)) == "2 mars 2024"
        rendered = Template("{% load records %}{{ when|long_date }}").render(
            Context({"when": datetime(2011, 2, 1, 10, 0)})
        )
        assert rendered == "1er février 2011"
    with translation.override("en"):
        assert day_month(date(2024, 3, 1)) == "1 March 2024"


@pytest.mark.parametrize(
    ("start", "end", "shown"),
    [
        (date(2004, 1, 1), date(2007, 6, 30), "2004–2007"),
        (date(2007, 1, 1), None, "depuis 2007"),
        (date(2007, 1, 1), date(2007, 12, 31), "2007"),
        (None, date(2007, 12, 31), "jusqu’en 2007"),
        (None, None, ""),
    ],
)
def test_a_finished_project_reads_its_years(start, end, shown):
    record = SimpleNamespace(start_on=start, end_on=end)
    with translation.override("fr"):
        assert Template("{% load records %}{{ p|years }}").render(Context({"p": record})) == shown


@pytest.mark.django_db
def test_a_country_page_says_who_else_works_in_that_country(client):
    partner = f.foreign_authority(name="Ville de Kaolack", locality="Kaolack", country="SN")
    partnership = f.partnership(foreign_authority=partner)
    f.project(partnership=partnership, country="SN")
    body = client.get(reverse("portal:country", args=["sn"])).content.decode()
    assert "Qui d&#x27;autre agit au Sénégal" in body or "Qui d'autre agit au Sénégal" in body
    comoros = client.get(reverse("portal:country", args=["km"])).content.decode()
    assert "agit aux Comores" in comoros


@pytest.mark.django_db
def test_the_project_form_offers_the_17_sdgs_as_boxes_in_their_order(staff_client):
    page = staff_client.get(reverse("cooperation:project_create")).content.decode()
    boxes = re.findall(r'type="checkbox" name="sdgs" value="(\d+)"', page)
    assert len(boxes) == 17
    from icilabas.reference.models import Concept

    codes = dict(Concept.objects.filter(pk__in=boxes).values_list("pk", "code"))
    assert [int(codes[int(pk)]) for pk in boxes] == list(range(1, 18))


@pytest.mark.django_db
def test_the_network_member_filter_reads_all_yes_no(client):
    member = f.organisation(name="Ville de Pessac", is_network_member=True)
    other = f.organisation(name="Ville de Talence", is_network_member=False)
    url = reverse("actors:organisation_list")
    page = client.get(url).content.decode()
    assert "Inconnu" not in page
    assert re.search(r'<option value="" selected>Tous</option>', page)
    only_members = client.get(url, {"is_network_member": "true"}).content.decode()
    assert member.name in only_members and other.name not in only_members
    others = client.get(url, {"is_network_member": "false"}).content.decode()
    assert other.name in others and member.name not in others


@pytest.mark.django_db
def test_the_people_menu_is_for_signed_in_users(staff_client):
    from django.test import Client

    url = reverse("actors:person_list")
    assert f'href="{url}"' not in Client().get("/").content.decode()
    assert f'href="{url}"' in staff_client.get("/").content.decode()


@pytest.mark.django_db
def test_lists_sort_names_in_french_order(client):
    """Accents and case set aside: Bègles before Bordeaux, "éco" among the e; "La
    Roche-sur-Yon" keeps its article (under L)."""
    for name in ["Ville de Bordeaux", "ville de Bègles", "Ville de Écully", "Ville de Eysines"]:
        f.organisation(name=name)
    f.organisation(name="La Roche-sur-Yon")
    page = client.get(reverse("actors:organisation_list"), {"sort": "name"}).content.decode()
    names = ["La Roche-sur-Yon", "ville de Bègles", "Ville de Bordeaux", "Ville de Écully"]
    positions = [page.index(name) for name in [*names, "Ville de Eysines"]]
    assert positions == sorted(positions)
    reverse_page = client.get(reverse("actors:organisation_list"), {"sort": "-name"})
    body = reverse_page.content.decode()
    assert body.index("Ville de Eysines") < body.index("Ville de Bordeaux")


@pytest.mark.django_db
def test_a_long_sqlite_list_keeps_the_byte_order(client, monkeypatch):
    """On SQLite, French order is a Python function: beyond SQLITE_FRENCH_ROWS rows the list
    keeps the database's own order rather than taking a third of a second per 100,000 rows."""
    from django.db import connection

    from icilabas.core import collation

    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL sorts in French order at any size (ICU and an index)")
    monkeypatch.setattr(collation, "SQLITE_FRENCH_ROWS", 2)
    for name in ["Ville de Bordeaux", "ville de Bègles", "Ville de Eysines"]:
        f.organisation(name=name)
    page = client.get(reverse("actors:organisation_list"), {"sort": "name"}).content.decode()
    assert page.index("Ville de Bordeaux") < page.index("ville de Bègles")  # "V" < "v"


@pytest.mark.django_db
def test_the_project_list_says_who_carries_each_project_and_where(client):
    pessac = f.organisation(name="Ville de Pessac")
    kayes = f.foreign_authority(name="Commune de Kayes", locality="Kayes", country="ML")
    partnership = f.partnership(foreign_authority=kayes, french_partners=[pessac])
    f.project(title="Forage à Kayes", partnership=partnership, country="ML")
    led = f.project(title="Festival des solidarités", country="FR")
    f.participation(
        project=led, organisation=f.organisation(name="Association Tiers-Monde"), role="pilote"
    )
    draft = f.organisation(name="Brouillon secret", publication="brouillon")
    f.participation(
        project=f.project(title="Projet discret", country="FR"), organisation=draft, role="pilote"
    )
    body = client.get(reverse("cooperation:project_list")).content.decode()
    assert "Porté par" in body and "Localité partenaire" in body
    row = body[body.index("Forage à Kayes") :]
    assert row.index("Ville de Pessac") < row.index("</tr>") and row.index("Kayes") < row.index(
        "</tr>"
    )
    assert "Association Tiers-Monde" in body
    assert "Brouillon secret" not in body  # a visitor never reads a draft's name


@pytest.mark.django_db
def test_the_people_list_gives_organisation_and_role(staff_client):
    person = f.person(first_name="Awa", last_name="Diallo")
    f.position(
        person=person,
        organisation=f.organisation(name="Ville de Pessac"),
        title="Chargée de mission",
    )
    body = staff_client.get(reverse("actors:person_list")).content.decode()
    row = body[body.index("Diallo") :]
    end = row.index("</tr>")
    assert 0 < row.index("Ville de Pessac") < end and 0 < row.index("Chargée de mission") < end


@pytest.mark.django_db
def test_dac_sector_labels_carry_their_capital_accents():
    from icilabas.reference.models import Concept

    sector = Concept.objects.get(vocabulary__slug="dac-sector", code="11120")
    assert sector.label == "Équipements scolaires et formation"
    labels = Concept.objects.filter(vocabulary__slug__startswith="dac").values_list(
        "label", flat=True
    )
    assert not [
        label for label in labels if re.search(r"\b(Education|Equipements?|Energie)\b", label)
    ]
