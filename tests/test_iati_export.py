"""IATI 2.03 export: valid against the shipped schemas, and import → export → import keeps the
activities."""

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from lxml import etree

from icilabas.cooperation.models import Project
from icilabas.demo.loader import load_demo_world, system_user
from icilabas.interop.iati_export import export_activities, validate
from icilabas.interop.services import Codelists, import_iati

pytestmark = pytest.mark.django_db
SAMPLES = Path(__file__).resolve().parent / "data" / "iati"


def snapshot():
    return sorted(
        Project.objects.values_list(
            "iati_identifier",
            "title",
            "description",
            "status",
            "start_on",
            "end_on",
            "country",
            "dac_sector__code",
            "iati_source__data",
        )
    )


KEPT_PARTS = {
    "who-arg.xml": {"sectors", "budgets", "transactions", "countries", "codes", "aid_types"},
    "usaid-798.xml": {"participating_orgs", "transactions"},  # sectors on transactions
    "acfspain-ph.xml": {"participating_orgs", "sectors"},
    "activity-standard-example-annotated.xml": {"locations", "budgets", "transactions", "regions"},
}


@pytest.mark.parametrize(("name", "parts"), KEPT_PARTS.items())
def test_export_writes_back_what_the_file_said(tmp_path, name, parts):
    """Narratives in every language, reporting and participating organisations with their
    roles, countries and sectors with percentages, locations, budgets and transactions."""
    from icilabas.interop.iati import read_activities

    import_iati(path=SAMPLES / name, user=system_user())
    exported = tmp_path / "export.xml"
    counts = export_activities(exported)
    assert validate(exported) == []
    source = {a.identifier: a for a in read_activities(SAMPLES / name)}
    codelists = Codelists.load()
    for activity in source.values():  # what the import left out, with a warning
        codelists.clean(activity)
    again = {a.identifier: a for a in read_activities(exported)}
    assert len(again) == counts["written"] > 0
    for identifier, activity in again.items():
        original = dict(source[identifier].extras)
        if "descriptions" not in original:  # the schema requires one: the title stands in
            original["descriptions"] = original["titles"]
        assert activity.extras == original, identifier
    kinds = {key for activity in again.values() for key in activity.extras}
    assert {"titles", "reporting_org"} | parts <= kinds


@pytest.mark.parametrize("name", ["acfspain-ph.xml", "who-arg.xml"])
def test_import_export_import_keeps_the_activities(tmp_path, name):
    import_iati(path=SAMPLES / name, user=system_user())
    # A second round makes the first export's choices (status, date kinds) explicit.
    first = tmp_path / "first.xml"
    export_activities(first)
    Project.all_objects.all().delete()
    assert not import_iati(path=first, user=system_user()).refused
    before = snapshot()
    second = tmp_path / "second.xml"
    counts = export_activities(second)
    assert validate(second) == []
    Project.all_objects.all().delete()
    report = import_iati(path=second, user=system_user())
    assert not report.refused and report.created == counts["written"]
    assert snapshot() == before


def test_demo_world_exports_valid_and_identifiers_are_prefixed(tmp_path):
    load_demo_world()
    path = tmp_path / "registre.xml"
    counts = export_activities(path)
    assert validate(path) == []
    assert counts["written"] == Project.objects.exclude(start_on=None, end_on=None).count()
    text = path.read_text(encoding="utf-8")
    assert "<iati-identifier>FR-ICILABAS-ICILABAS-" in text
    assert 'xml:lang="fr"' in text


def test_lead_organisation_with_a_siren_reports_its_projects(tmp_path):
    from . import factories as f

    lead = f.organisation(name="Ville de Bordeaux", insee_code="33063", siren="213300635")
    project = f.project(title="Forage")
    f.participation(project=project, organisation=lead, role="pilote")
    path = tmp_path / "bordeaux.xml"
    export_activities(path)
    text = path.read_text(encoding="utf-8")
    assert f"<iati-identifier>FR-RCS-213300635-ICILABAS-{project.pk}</iati-identifier>" in text
    assert validate(path) == []


def test_texts_are_escaped_and_characters_xml_cannot_carry_are_left_out(tmp_path):
    """Markup characters in a title or a name come back as typed; a control character
    pasted into a text (XML 1.0 cannot carry it) is dropped instead of failing the export,
    and the cycle collector is left as it was."""
    import gc

    from . import factories as f

    lead = f.organisation(name='Comité "Eau & vie" <Nord>', siren="213300635")
    project = f.project(title='Puits & forages <2026> "Sahel"\x0b', summary="Ligne 1\r\nLigne 2\t")
    f.participation(project=project, organisation=lead, role="pilote")
    assert "\x0b" in Project.objects.get(pk=project.pk).title
    path = tmp_path / "escaped.xml"
    assert export_activities(path, validated=True)["errors"] == []
    activity = etree.parse(str(path)).find("iati-activity")
    assert activity.findtext("title/narrative") == 'Puits & forages <2026> "Sahel"'
    assert activity.findtext("description/narrative").startswith("Ligne 1\r\nLigne 2\t")
    assert activity.findtext("reporting-org/narrative") == 'Comité "Eau & vie" <Nord>'
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_command_writes_and_validates(tmp_path, capsys):
    load_demo_world()
    call_command("export_iati", "--output", str(tmp_path / "out.xml"))
    assert "Fichier valide" in capsys.readouterr().out
    with pytest.raises(CommandError, match="Acteur inconnu"):
        call_command("export_iati", "--output", str(tmp_path / "o.xml"), "--organisation", "9999")


def test_the_project_page_shows_what_the_file_said(client):
    import_iati(path=SAMPLES / "who-arg.xml", user=system_user())
    project = Project.objects.filter(iati_source__data__has_key="transactions").first()
    page = client.get(project.get_absolute_url()).content.decode()
    assert "Données du fichier IATI" in page
    assert "World Health Organization" in page
    assert "Décaissement" in page or "Dépense" in page or "Engagement" in page
    client.cookies["django_language"] = "en"
    english = client.get(project.get_absolute_url()).content.decode()
    assert "Disbursement" in english or "Expenditure" in english or "Outgoing" in english
    assert "Décaissement" not in english and "Financeur" not in english


@pytest.mark.parametrize("name", ["ares-org.xml", "organisation-standard-example-annotated.xml"])
def test_organisation_files_import_then_update_on_reimport(name):
    from icilabas.actors.models import Organisation

    report = import_iati(path=SAMPLES / name, user=system_user())
    assert not report.refused, report.problems
    assert report.created >= 1
    organisation = Organisation.objects.get(source=f"IATI {name}")
    assert organisation.iati_identifier and organisation.name
    again = import_iati(path=SAMPLES / name, user=system_user())
    assert (again.created, again.updated) == (0, report.created)


def test_organisation_file_export_is_valid_and_reads_back(tmp_path):
    from icilabas.actors.models import Organisation
    from icilabas.interop.iati import read_organisations

    load_demo_world()
    output, organisations = tmp_path / "projects.xml", tmp_path / "organisations.xml"
    call_command(
        "export_iati", "--output", str(output), "--organisations-output", str(organisations)
    )
    assert validate(organisations) == []
    read = {record.identifier: record for record in read_organisations(organisations)}
    assert len(read) == Organisation.objects.published().filter(iati_identifier="").count()
    martignas = Organisation.objects.get(name="Ville de Martignas-sur-Jalle")
    expected = f"FR-RCS-{martignas.siren}" if martignas.siren else None
    if expected:
        assert read[expected].names == {"fr": "Ville de Martignas-sur-Jalle"}
        assert read[expected].type == "10"


def test_an_organisation_downloads_its_iati_files(client, tmp_path):
    from django.urls import reverse

    from icilabas.actors.models import Organisation

    from .test_members import editor_of

    load_demo_world()
    martignas = Organisation.objects.get(name="Ville de Martignas-sur-Jalle")
    url = reverse("interop:iati_organisation", args=[martignas.pk])
    client.force_login(editor_of(Organisation.objects.get(name="Ville de Talence")))
    assert client.get(url).status_code == 403
    client.force_login(editor_of(martignas, username="claire"))
    for kind in ("activites", "organisation"):
        response = client.get(url, {"fichier": kind})
        assert response.status_code == 200
        path = tmp_path / f"{kind}.xml"
        path.write_bytes(response.content)
        assert validate(path) == []
    activities = (tmp_path / "activites.xml").read_text()
    assert "Foundiougne" in activities


def test_without_a_dated_project_no_invalid_file_is_handed_out(client, tmp_path):
    """IATI wants at least one activity, and a date on each: an organisation whose projects
    have none is told so on its page, and the command says so instead of writing a file the
    schema refuses."""
    from django.urls import reverse

    from icilabas.actors.models import Organisation

    from .test_members import editor_of

    load_demo_world()
    martignas = Organisation.objects.get(name="Ville de Martignas-sur-Jalle")
    Project.objects.filter(participations__organisation=martignas).update(
        start_on=None, end_on=None
    )
    Project.objects.filter(partnership__french_partners=martignas).update(
        start_on=None, end_on=None
    )
    client.force_login(editor_of(martignas))
    url = reverse("interop:iati_organisation", args=[martignas.pk])
    response = client.get(url, {"fichier": "activites"}, follow=True)
    assert response.redirect_chain == [(martignas.get_absolute_url(), 302)]
    assert "aucun projet publié de l’organisation n’a de date" in response.content.decode()
    output = tmp_path / "out.xml"
    with pytest.raises(CommandError, match="Aucune activité à écrire"):
        call_command("export_iati", "--output", str(output), "--organisation", str(martignas.pk))
    assert not output.exists()


def test_validation_names_each_schema_error_with_its_line(tmp_path):
    """An element the schema does not know, in the third activity of a valid export: the
    streaming pass finds it, the whole-file pass gives its line."""
    load_demo_world()
    path = tmp_path / "registre.xml"
    export_activities(path)
    pretty = etree.tostring(etree.parse(str(path)), pretty_print=True, encoding="unicode")
    lines = pretty.splitlines(keepends=True)
    starts = [n for n, line in enumerate(lines) if "<iati-activity " in line]
    assert len(starts) >= 3
    third = starts[2]
    lines.insert(third + 1, "<budget-not-in-the-schema/>\n")
    broken = tmp_path / "casse.xml"
    broken.write_text("".join(lines), encoding="utf-8")
    errors = validate(broken)
    assert len(errors) == 1
    assert "budget-not-in-the-schema" in errors[0]
    assert errors[0].startswith(f"ligne {third + 2} : ")  # 1-based line of the inserted one
    organisations = tmp_path / "organisations.xml"
    organisations.write_text(
        '<iati-organisations version="2.03"><iati-organisation/></iati-organisations>',
        encoding="utf-8",
    )
    assert validate(organisations)  # an organisation without its required parts


JUNK_VALUES = ["", "abc", "-1", "1e400", "NaN", "2020-13-45", "2020-02-30", "1,5", "1 000", "<>&"]


def _mutated_sample(rng, tmp_path) -> Path:
    """A real sample cut to 30 items, then 1–8 random blows: an element or attribute removed,
    an attribute or text replaced by a value off its type, an element repeated."""
    import copy

    tree = etree.parse(str(rng.choice(sorted(SAMPLES.glob("*.xml")))))
    root = tree.getroot()
    for item in list(root)[30:]:
        root.remove(item)
    for _blow in range(rng.randint(1, 8)):
        nodes = [n for n in root.iter() if isinstance(n.tag, str) and n is not root]
        with_attributes = [n for n in nodes if n.attrib]
        with_text = [n for n in nodes if (n.text or "").strip()]
        blow = rng.randrange(4)
        if blow == 0:
            node = rng.choice(nodes)
            node.getparent().remove(node)
        elif blow == 1 and with_attributes:
            node = rng.choice(with_attributes)
            node.attrib[rng.choice(sorted(node.attrib))] = rng.choice(JUNK_VALUES)
        elif blow == 2 and with_text:
            rng.choice(with_text).text = rng.choice(JUNK_VALUES)
        else:
            node = rng.choice(nodes)
            node.addnext(copy.deepcopy(node))
    path = tmp_path / "mutated.xml"
    tree.write(str(path), xml_declaration=True, encoding="utf-8")
    return path


@pytest.mark.parametrize("seed", range(60))
def test_whatever_a_damaged_real_file_says_what_is_imported_exports_valid(tmp_path, seed):
    """Before the import checked values against the schema's types and the codelists, 15 of
    these 60 files imported without an error and then exported invalid."""
    import random

    report = import_iati(path=_mutated_sample(random.Random(seed), tmp_path), user=system_user())
    assert all(problem.message for problem in report.problems)
    exported = tmp_path / "export.xml"
    if export_activities(exported)["written"]:
        assert validate(exported) == []
