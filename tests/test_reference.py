"""Reference data shipped with the product and the gazetteer."""

import pytest

from icilabas.reference import gazetteer
from icilabas.reference.models import Commune, Concept, ConceptMapping, Departement, Region

pytestmark = pytest.mark.django_db


def test_french_territories_are_complete():
    assert Region.objects.count() == 18
    assert Departement.objects.count() >= 101
    assert Commune.objects.count() > 34_000
    paris = Commune.objects.get(insee_code="75056")
    assert paris.name == "Paris" and paris.population > 2_000_000
    assert Commune.objects.get(insee_code="33273").departement.region.code == "75"


def test_vocabularies_have_french_labels():
    assert Concept.objects.of("sdg").get(code="6").label.startswith("Objectif 6.")
    assert Concept.objects.of("dac-sector").get(code="14030").label
    assert Concept.objects.of("currency").filter(code="EUR").exists()
    assert Concept.objects.of("iati-organisation-role").count() == 4


def test_atlas_themes_have_three_levels():
    themes = Concept.objects.of("atlas-theme")
    assert set(themes.values_list("level", flat=True)) == {1, 2, 3}
    leaf = themes.get(code="3.1.1")
    assert leaf.parent.code == "3.1" and leaf.parent.parent.code == "3"


def test_crosswalk_links_atlas_themes_to_dac_sectors():
    mapping = ConceptMapping.objects.get(
        source__code="3.1.1", source__vocabulary__slug="atlas-theme"
    )
    assert mapping.target.vocabulary.slug == "dac-sector"
    assert mapping.target.code == "14030"


@pytest.mark.parametrize(
    ("name", "country", "expected"),
    [
        ("Figuig", "MA", "Figuig (Centre)"),
        ("São Paulo", "BR", "Sao Paulo"),
        ("sao-paulo", "br", "Sao Paulo"),
        ("BAMAKO", "ML", "Bamako"),
    ],
)
def test_gazetteer_matches_accent_case_and_brackets_insensitively(name, country, expected):
    assert expected in [p.name for p in gazetteer.find(name, country)]


def test_gazetteer_knows_its_limits():
    assert gazetteer.find("Kolobo", "ML") == []
    assert gazetteer.find("Figuig", "SN") == []


def test_gazetteer_suggests_by_prefix():
    names = [p.name for p in gazetteer.suggest("ouaga", "BF")]
    assert "Ouagadougou" in names
    assert gazetteer.suggest("", "BF") == []
