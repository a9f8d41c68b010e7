"""A network loads its own vocabulary and its crosswalks from a spreadsheet; a project tagged
with a theme shows its equivalents there. Bad rows are named; nothing is half-written."""

import pytest
from django.core.management import CommandError, call_command

from icilabas.reference.models import Concept, ConceptMapping, Vocabulary
from icilabas.reference.vocabularies import VocabularyFileError, import_vocabulary

from . import factories as f

pytestmark = pytest.mark.django_db

SECTORS = [
    {"code": "S1", "label": "Eau et assainissement", "parent": ""},
    {"code": "S1.1", "label": "Eau potable", "parent": "S1", "label_en": "Drinking water"},
    {"code": "S2", "label": "Jeunesse", "parent": ""},
]
MAPPINGS = [
    {
        "source_code": "S1.1",
        "target_vocabulary": "dac-sector",
        "target_code": "14030",
        "relation": "exact",
    },
    {
        "source_vocabulary": "atlas-theme",
        "source_code": "3.1.1",
        "target_vocabulary": "secteurs-rrma",
        "target_code": "S1.1",
        "relation": "proche",
    },
]


def load(staff_user, concepts=SECTORS, mappings=MAPPINGS):
    return import_vocabulary(
        name="Secteurs RRMA",
        slug="secteurs-rrma",
        version="2026",
        concepts=concepts,
        mappings=mappings,
        user=staff_user,
    )


def test_a_network_vocabulary_and_its_crosswalks_are_loaded_and_shown(staff_user, client):
    result = load(staff_user)
    assert (result.created, result.updated, result.mappings) == (3, 0, 2)
    water = Concept.objects.of("secteurs-rrma").get(code="S1.1")
    assert (water.parent.code, water.level, water.label_en) == ("S1", 2, "Drinking water")
    assert ConceptMapping.objects.get(source=water).target.code == "14030"
    project = f.project(primary_theme=f.theme("3.1.1"))
    page = client.get(project.get_absolute_url()).content.decode()
    assert "Secteurs RRMA : S1.1 – Eau potable" in page
    again = load(staff_user, concepts=[{**SECTORS[0], "label": "Eau, assainissement"}], mappings=[])
    assert (again.created, again.updated) == (0, 1)
    assert Concept.objects.of("secteurs-rrma").count() == 3


@pytest.mark.parametrize(
    ("concepts", "mappings", "problem"),
    [
        ([{"code": "", "label": "x"}], [], "Ligne 2, colonne « code »"),
        ([{"code": "A", "label": ""}], [], "Ligne 2, colonne « label »"),
        ([{"code": "A", "label": "a"}, {"code": "A", "label": "b"}], [], "figure déjà ligne 2"),
        ([{"code": "A", "label": "a", "parent": "Z"}], [], "« Z » n'est ni dans le fichier"),
        (
            [
                {"code": "A", "label": "a", "parent": "B"},
                {"code": "B", "label": "b", "parent": "A"},
            ],
            [],
            "descend de lui-même",
        ),
        (SECTORS, [{**MAPPINGS[0], "target_code": "99999"}], "« 99999 » est inconnu"),
        (SECTORS, [{**MAPPINGS[0], "relation": "cousin"}], "« cousin » n'est pas une relation"),
        (SECTORS, [{**MAPPINGS[0], "source_code": "S9"}], "« S9 » est inconnu"),
    ],
)
def test_bad_rows_are_named_and_nothing_is_written(staff_user, concepts, mappings, problem):
    with pytest.raises(VocabularyFileError) as error:
        load(staff_user, concepts=concepts, mappings=mappings)
    assert any(problem in p for p in error.value.problems), error.value.problems
    assert not Vocabulary.objects.filter(slug="secteurs-rrma").exists()


def test_the_command_reads_a_spreadsheet_and_names_the_line_at_fault(tmp_path, capsys):
    good = tmp_path / "secteurs.csv"
    good.write_text("code;label;parent\nS1;Eau;\nS1.1;Eau potable;S1\n", encoding="utf-8")
    call_command("import_vocabulary", str(good), "--name", "Secteurs RRMA")
    assert "2 concept(s) créé(s)" in capsys.readouterr().out
    bad = tmp_path / "mauvais.csv"
    bad.write_text("code;label;parent\nS3;;\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Ligne 2, colonne « label »"):
        call_command("import_vocabulary", str(bad), "--name", "Secteurs RRMA")


# ---------------------------------------------------------------- SKOS files

SKOS_TURTLE = """
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix rrma: <https://rrma.example.org/secteurs/> .
@prefix dac: <https://dac.example.org/sector/> .

rrma:scheme a skos:ConceptScheme ; skos:prefLabel "Secteurs du réseau"@fr .
rrma:eau a skos:Concept ; skos:inScheme rrma:scheme ; skos:notation "S1" ;
    skos:prefLabel "Eau et assainissement"@fr , "Water and sanitation"@en .
rrma:eau-potable a skos:Concept ; skos:notation "S1.1" ; skos:broader rrma:eau ;
    skos:prefLabel "Eau potable"@fr , "Drinking water"@en ;
    skos:exactMatch dac:14030 ; skos:closeMatch rrma:eau .
rrma:jeunesse a skos:Concept ; skos:prefLabel "Jeunesse" .
"""


def _skos_file(tmp_path, text, name="secteurs.ttl"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_a_skos_vocabulary_is_loaded_with_its_hierarchy_labels_and_crosswalks(tmp_path, capsys):
    path = _skos_file(tmp_path, SKOS_TURTLE)
    call_command(
        "import_vocabulary", path, "--namespace", "https://dac.example.org/sector/=dac-sector"
    )
    assert "« Secteurs du réseau » (secteurs-du-reseau) : 3 concept(s)" in capsys.readouterr().out
    water = Concept.objects.of("secteurs-du-reseau").get(code="S1.1")
    assert (water.label, water.label_en, water.parent.code, water.level) == (
        "Eau potable",
        "Drinking water",
        "S1",
        2,
    )
    assert Concept.objects.of("secteurs-du-reseau").filter(code="jeunesse").exists()
    assert sorted(
        ConceptMapping.objects.filter(source=water).values_list("target__code", "relation")
    ) == [("14030", "exact"), ("S1", "close")]


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (
            ("skos:broader rrma:eau ;", "skos:broader rrma:inconnu ;"),
            "Concept <https://rrma.example.org/secteurs/eau-potable> (skos:broader) : "
            "« https://rrma.example.org/secteurs/inconnu » n'est ni dans le fichier",
        ),
        (
            ("skos:exactMatch dac:14030", "skos:exactMatch dac:99999"),
            "(skos:exactMatch <https://dac.example.org/sector/99999>) : « 99999 » est inconnu",
        ),
        (
            ("skos:exactMatch dac:14030", "skos:exactMatch <https://ailleurs.example/x>"),
            "ni sous un espace de noms connu",
        ),
        (
            ('skos:notation "S1" ;', 'skos:notation "S1" ; skos:broader rrma:eau-potable ;'),
            "descend de lui-même",
        ),
        (('skos:notation "S1.1"', 'skos:notation "S1"'), "« S1 » figure déjà Concept <"),
        (("rrma:eau a skos:Concept ;", "rrma:eau a skos:Concept ; skos:x <sans fin"), "illisible"),
        (('skos:prefLabel "Jeunesse"', 'skos:altLabel "Jeunesse"'), "(skos:prefLabel)"),
    ],
)
def test_a_bad_skos_file_names_the_concept_and_property_and_writes_nothing(
    tmp_path, change, problem
):
    path = _skos_file(tmp_path, SKOS_TURTLE.replace(*change))
    with pytest.raises(CommandError) as error:
        call_command(
            "import_vocabulary", path, "--namespace", "https://dac.example.org/sector/=dac-sector"
        )
    assert problem in str(error.value)
    assert not Vocabulary.objects.filter(slug="secteurs-du-reseau").exists()


def test_entities_in_an_rdf_xml_file_are_not_resolved(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("MOT-DE-PASSE")
    rdf = f"""<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [<!ENTITY x SYSTEM "file://{secret}">]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:skos="http://www.w3.org/2004/02/skos/core#">
  <skos:Concept rdf:about="https://example.org/c1"><skos:prefLabel>avant &x; apres</skos:prefLabel>
  </skos:Concept>
</rdf:RDF>"""
    path = _skos_file(tmp_path, rdf, name="piege.rdf")
    try:
        call_command("import_vocabulary", path, "--name", "Piège")
    except CommandError as error:
        assert "MOT-DE-PASSE" not in str(error)
    assert not Concept.objects.filter(label__contains="MOT-DE-PASSE").exists()
