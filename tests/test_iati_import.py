"""IATI activity files: the real samples import, re-importing updates, hostile or broken files
are refused with a graded report and leave the registry unchanged."""

import gc
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection

from icilabas.cooperation.models import Project
from icilabas.demo.loader import system_user
from icilabas.interop.iati import CRITICAL, ERROR
from icilabas.interop.services import import_iati

pytestmark = pytest.mark.django_db
SAMPLES = Path(__file__).resolve().parent / "data" / "iati"
ACTIVITY_FILES = {
    "who-arg.xml": 157,
    "usaid-798.xml": 108,
    "acfspain-ph.xml": 6,
    "activity-standard-example-annotated.xml": 1,
}


@pytest.mark.parametrize(("name", "count"), ACTIVITY_FILES.items())
def test_real_activity_files_import(name, count):
    report = import_iati(path=SAMPLES / name, user=system_user())
    assert not report.refused, report.problems
    assert report.created == count
    assert Project.objects.filter(source__startswith=f"IATI {name}").count() == count
    # The import pauses the cycle collector (collecting by hand) and leaves it as it was.
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_imported_activity_keeps_its_fields():
    import_iati(path=SAMPLES / "activity-standard-example-annotated.xml", user=system_user())
    project = Project.objects.get(iati_identifier="AA-AAA-123456789-ABC123")
    assert project.title
    assert project.status == "en_cours"
    assert project.country.code == "AF"
    assert project.dac_sector is None  # only 3-digit (vocabulary 2) and private sectors there
    assert project.history.first().history_change_reason == "Import IATI"
    import_iati(path=SAMPLES / "who-arg.xml", user=system_user())
    assert Project.objects.filter(dac_sector__code="13040").exists()  # vocabulary 1


def test_reimporting_updates_instead_of_duplicating():
    import_iati(path=SAMPLES / "acfspain-ph.xml", user=system_user())
    report = import_iati(path=SAMPLES / "acfspain-ph.xml", user=system_user())
    assert (report.created, report.updated) == (0, 6)
    assert Project.objects.count() == 6
    project = Project.objects.first()
    assert [h.history_type for h in project.history.order_by("history_date")] == ["+", "~"]
    assert project.history.first().history_change_reason == "Import IATI"


def refused(tmp_path, content: bytes, name="bad.xml"):
    path = tmp_path / name
    path.write_bytes(content)
    report = import_iati(path=path, user=system_user())
    assert report.refused and Project.objects.count() == 0
    return report.problems[0]


def test_xxe_and_billion_laughs_are_refused(tmp_path):
    xxe = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        b'<iati-activities version="2.03"><iati-activity><iati-identifier>&e;'
        b"</iati-identifier></iati-activity></iati-activities>"
    )
    assert "DTD" in refused(tmp_path, xxe).message
    lol = (
        b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><iati-activities version="2.03">'
        b"<iati-activity><iati-identifier>&b;</iati-identifier></iati-activity>"
        b"</iati-activities>"
    )
    assert refused(tmp_path, lol).level == CRITICAL


def test_truncated_file_is_refused_with_its_line_and_nothing_is_written(tmp_path):
    content = (SAMPLES / "acfspain-ph.xml").read_bytes()
    problem = refused(tmp_path, content[: len(content) // 2])
    assert problem.level == CRITICAL and problem.line and "XML invalide" in problem.message


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'<iati-activities version="1.05"></iati-activities>', "1.05"),
        (b"<projects></projects>", "Élément racine"),
        (b'<iati-organisations version="2.03"></iati-organisations>', "Aucune organisation"),
        (b'<iati-organisations version="1.03"></iati-organisations>', "1.03"),
    ],
)
def test_wrong_root_or_version_is_refused(tmp_path, content, message):
    assert message in refused(tmp_path, content).message


def test_an_activity_without_title_refuses_the_whole_file(tmp_path):
    content = (
        b'<iati-activities version="2.03"><iati-activity><iati-identifier>A-1'
        b"</iati-identifier><title><narrative>Puits</narrative></title></iati-activity>"
        b"<iati-activity><iati-identifier>A-2</iati-identifier></iati-activity>"
        b"</iati-activities>"
    )
    problem = refused(tmp_path, content)
    assert problem.level == ERROR and problem.line == 1 and "sans titre" in problem.message


def test_windows_1252_and_upper_case_languages_are_read(tmp_path):
    content = (
        '<?xml version="1.0" encoding="windows-1252"?><iati-activities version="2.02">'
        '<iati-activity xml:lang="FR"><iati-identifier>FR-1</iati-identifier>'
        "<title><narrative>Santé à Kayes</narrative></title></iati-activity>"
        "</iati-activities>"
    ).encode("cp1252")
    path = tmp_path / "fr.xml"
    path.write_bytes(content)
    assert import_iati(path=path, user=system_user()).created == 1
    assert Project.objects.get().title == "Santé à Kayes"


def test_command_prints_the_graded_report(capsys, tmp_path):
    broken = tmp_path / "broken.xml"
    broken.write_bytes((SAMPLES / "acfspain-ph.xml").read_bytes()[:5000])
    with pytest.raises(CommandError, match="1 fichier"):
        call_command(
            "import_iati",
            str(SAMPLES / "acfspain-ph.xml"),
            str(SAMPLES / "ares-org.xml"),
            str(broken),
        )
    out = capsys.readouterr().out
    assert "acfspain-ph.xml : 6 créé(s)" in out
    assert "ares-org.xml : 1 créé(s)" in out
    assert "broken.xml : REFUSÉ" in out and "[critique]" in out


# ---------------------------------------------------------------- from the web page


def test_staff_upload_a_file_and_read_the_report_on_the_job_page(
    staff_client, tmp_path, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    from icilabas.interop.models import ImportJob

    with (
        open(SAMPLES / "acfspain-ph.xml", "rb") as upload,
        django_capture_on_commit_callbacks(execute=True),  # the import runs once committed
    ):
        response = staff_client.post(reverse("interop:iati_import"), {"file": upload})
    job = ImportJob.objects.get()
    assert response["Location"] == job.get_absolute_url()
    assert (job.state, job.total, job.created) == ("terminee", 6, 6)
    # The records say which file they come from by the name it was sent with.
    sources = set(Project.objects.values_list("source", flat=True))
    assert sources == {"IATI acfspain-ph.xml (ES-CIF-G81164105)"}
    assert not job.path.exists() and not job.progress.path.exists()  # nothing left behind
    page = staff_client.get(job.get_absolute_url()).content.decode()
    assert "6 projets créés" in page
    partial = staff_client.get(job.get_absolute_url(), HTTP_HX_REQUEST="true")
    assert "<h1>" not in partial.content.decode() and "Rapport" in partial.content.decode()
    assert "acfspain-ph.xml" in staff_client.get(reverse("interop:iati_import")).content.decode()


def test_a_broken_upload_is_refused_with_its_line_and_nothing_lands(
    staff_client, tmp_path, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from icilabas.interop.models import ImportJob

    text = (SAMPLES / "acfspain-ph.xml").read_bytes()
    broken = SimpleUploadedFile("tronque.xml", text[: len(text) // 2])
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(reverse("interop:iati_import"), {"file": broken})
    job = ImportJob.objects.get()
    assert job.state == "refusee"
    level, line, message = job.problems[0]
    assert level == CRITICAL and line and "XML invalide" in message
    assert not Project.objects.exists()


def test_only_staff_import(member_client):
    from django.urls import reverse

    with open(SAMPLES / "acfspain-ph.xml", "rb") as upload:
        assert (
            member_client.post(reverse("interop:iati_import"), {"file": upload}).status_code == 403
        )
    assert not Project.objects.exists()


def _many_activities(tmp_path, count: int, truncate: bool = False) -> Path:
    """`count` copies of a sample activity with their own identifiers, optionally cut short
    after the last one (a broken file whose first batches were already written)."""
    activity = (
        '<iati-activity xml:lang="fr"><iati-identifier>XM-T-{n}</iati-identifier>'
        "<title><narrative>Puits n° {n}</narrative></title>"
        '<description type="1"><narrative>Eau potable à Kayes</narrative></description>'
        '<recipient-country code="ML"/><sector vocabulary="1" code="14030"/>'
        '<budget type="1"><period-start iso-date="2024-01-01"/>'
        '<period-end iso-date="2024-12-31"/><value currency="EUR" value-date="2024-01-01">'
        "1000</value></budget></iati-activity>\n"
    )
    body = "".join(activity.format(n=n) for n in range(count))
    path = tmp_path / "many.xml"
    end = "<iati-activity><iati-identifier>" if truncate else "</iati-activities>"
    path.write_text(f'<iati-activities version="2.03">\n{body}{end}', encoding="utf-8")
    return path


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_activities_are_written_beside_the_reading(tmp_path, reference_data):
    """Outside a caller's transaction the writes run in a thread of their own, which commits
    the whole file at the end: records, history, search entries and the file's own data."""
    from icilabas.core.models import SearchEntry
    from icilabas.interop.models import IatiActivityData

    report = import_iati(path=_many_activities(tmp_path, 1200), user=system_user())
    assert not report.refused, report.problems[:3]
    assert report.created == 1200
    projects = Project.objects.filter(iati_identifier__startswith="XM-T-")
    assert projects.count() == 1200
    assert Project.history.filter(history_change_reason="Import IATI").count() == 1200
    assert set(
        SearchEntry.objects.filter(kind="project").values_list("object_id", flat=True)
    ) == set(projects.values_list("pk", flat=True))
    kept = IatiActivityData.objects.get(project__iati_identifier="XM-T-7").data
    assert kept["budgets"][0]["value"] == "1000"
    assert Project.objects.get(iati_identifier="XM-T-7").country.code == "ML"


@pytest.mark.django_db(transaction=True)
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite writes a batch per transaction")
def test_on_sqlite_a_batch_that_fails_takes_back_the_batches_written_before_it(
    tmp_path, reference_data
):
    """On SQLite a file is written one batch per transaction (so that logins and edits never
    wait for the whole file). When the third batch fails in the database (a trigger standing
    for a full disk), the two batches committed before it are taken back: the projects it
    created are gone with their history and search entries, those it changed have their
    values, history and kept IATI data as before the file."""
    from icilabas.core.models import SearchEntry
    from icilabas.interop.models import IatiActivityData

    user = system_user()
    first = _many_activities(tmp_path, 600)
    assert import_iati(path=first, user=user).created == 600
    before = {
        "projects": Project.objects.count(),
        "history": Project.history.count(),
        "search": SearchEntry.objects.count(),
        "kept": IatiActivityData.objects.count(),
    }
    second = tmp_path / "second.xml"
    text = _many_activities(tmp_path, 1200).read_text(encoding="utf-8")
    changed = text.replace("Eau potable à Kayes", "Eau potable à Nioro")
    second.write_text(changed.replace(">1000</value>", ">2500</value>"), encoding="utf-8")
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TRIGGER full_disk BEFORE INSERT ON cooperation_project "
            "WHEN NEW.title = 'Puits n° 1100' BEGIN SELECT RAISE(ABORT, 'disk full'); END"
        )
    try:
        with pytest.raises(DatabaseError):
            import_iati(path=second, user=user)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER full_disk")
    assert {
        "projects": Project.objects.count(),
        "history": Project.history.count(),
        "search": SearchEntry.objects.count(),
        "kept": IatiActivityData.objects.count(),
    } == before
    assert not Project.objects.filter(description__contains="Nioro").exists()
    assert not SearchEntry.objects.filter(body__contains="Nioro").exists()
    kept = IatiActivityData.objects.get(project__iati_identifier="XM-T-7").data
    assert kept["budgets"][0]["value"] == "1000"
    # The same file, once the database takes it, goes through whole.
    report = import_iati(path=second, user=user)
    assert (report.created, report.updated) == (600, 600)
    assert Project.objects.filter(description__contains="Nioro").count() == 1200


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite writes a batch per transaction")
def test_on_sqlite_progress_counts_the_activities_read_then_those_written(tmp_path, reference_data):
    from icilabas.interop.models import ImportJob

    calls = []
    report = import_iati(
        path=_many_activities(tmp_path, 450),
        user=system_user(),
        progress=lambda done, step="": calls.append((done, step)),
    )
    assert report.created == 450
    writing = ImportJob.WRITING
    assert calls == [(200, ""), (400, ""), (200, writing), (400, writing), (450, writing)]


def test_the_job_page_says_whether_the_file_is_being_read_or_written(staff_client):
    from django.contrib.auth import get_user_model

    from icilabas.interop.models import ImportJob

    job = ImportJob.objects.create(
        original_name="a.xml",
        stored_name="a.xml",
        size=1,
        created_by=get_user_model().objects.get(username="staff"),
        state=ImportJob.State.RUNNING,
        total=450,
    )
    job.progress.write(200, 450)
    page = staff_client.get(job.get_absolute_url()).content.decode()
    assert "200 activités lues sur environ 450" in page
    job.progress.write(400, 450, ImportJob.WRITING)
    page = staff_client.get(job.get_absolute_url()).content.decode()
    assert "fichier vérifié, 400 activités enregistrées sur environ 450" in page
    assert 'value="400"' in page


def test_a_file_broken_after_its_first_batches_leaves_nothing_behind(tmp_path):
    """The reader meets the error after the writer has written batches: they are rolled
    back, and the report names the line."""
    report = import_iati(path=_many_activities(tmp_path, 1200, truncate=True), user=system_user())
    assert report.refused and (report.created, report.updated) == (0, 0)
    critical = [p for p in report.problems if p.level == CRITICAL]
    assert critical and critical[0].line >= 1200 and "XML invalide" in critical[0].message
    assert not Project.objects.exists()


def test_the_report_speaks_the_language_of_the_editor_who_uploaded(
    staff_client, django_capture_on_commit_callbacks
):
    """The upload runs in the uploader's language: levels, lines and messages of the report."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from icilabas.interop.models import ImportJob

    text = (SAMPLES / "acfspain-ph.xml").read_bytes()
    staff_client.cookies["django_language"] = "en"
    broken = SimpleUploadedFile("cut.xml", text[: len(text) // 2])
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(reverse("interop:iati_import"), {"file": broken})
    job = ImportJob.objects.get()
    assert job.problems[0][2].startswith("Invalid XML: ")
    page = staff_client.get(job.get_absolute_url()).content.decode()
    assert "<td>critical</td>" in page and "Invalid XML" in page and "XML invalide" not in page
    staff_client.cookies["django_language"] = "fr"
    assert "<td>critique</td>" in staff_client.get(job.get_absolute_url()).content.decode()


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8"])
def test_a_dtd_is_refused_in_any_encoding_and_after_a_long_comment(tmp_path, encoding):
    """A look at the first bytes would miss a UTF-16 DTD, or one after 4 kB of comment: the
    parser's own reading of the prologue catches both."""
    padding = "<!--" + "x" * 5000 + "-->"
    text = (
        f'<?xml version="1.0" encoding="{encoding.upper()}"?>{padding}'
        '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        '<iati-activities version="2.03"><iati-activity><iati-identifier>&e;'
        "</iati-identifier><title><narrative>Puits</narrative></title></iati-activity>"
        "</iati-activities>"
    )
    problem = refused(tmp_path, text.encode(encoding))
    assert problem.level == CRITICAL and "DTD" in problem.message


def _one_activity(tmp_path, body: str) -> Path:
    """A 2.03 file whose single French activity (line 2) holds `body`."""
    path = tmp_path / "activity.xml"
    path.write_text(
        '<iati-activities version="2.03">\n<iati-activity xml:lang="fr">'
        f"{body}</iati-activity></iati-activities>",
        encoding="utf-8",
    )
    return path


def test_unknown_codes_are_warned_against_the_shipped_codelists(tmp_path):
    """Organisation types and roles, currencies, transaction types, countries and DAC sectors
    off their codelists: one warning each, naming the code and the activity's line; the
    activity is still taken, without the parts that would make its export codelist-invalid."""
    body = (
        "<iati-identifier>XM-CODES-1</iati-identifier>"
        '<reporting-org ref="XM-1" type="999"><narrative>Org</narrative></reporting-org>'
        "<title><narrative>Puits</narrative></title>"
        '<participating-org role="9" type="10"><narrative>Commune</narrative></participating-org>'
        '<participating-org role="4" type="22"><narrative>ONG</narrative></participating-org>'
        '<recipient-country code="XX"/><recipient-country code="sn"/>'
        '<sector code="99999"/><sector code="14030"/><sector vocabulary="99" code="local"/>'
        '<budget type="1"><period-start iso-date="2024-01-01"/><period-end iso-date="2024-12-31"/>'
        '<value currency="QQQ" value-date="2024-01-01">10</value></budget>'
        '<transaction><transaction-type code="77"/><transaction-date iso-date="2024-01-01"/>'
        '<value currency="EUR" value-date="2024-01-01">5</value>'
        '<provider-org type="998"><narrative>X</narrative></provider-org></transaction>'
        '<transaction><transaction-type code="3"/><transaction-date iso-date="2024-02-01"/>'
        '<value currency="QQQ" value-date="2024-02-01">5</value></transaction>'
        '<transaction><transaction-type code="3"/><transaction-date iso-date="2024-03-01"/>'
        '<value currency="EUR" value-date="2024-03-01">7</value>'
        '<receiver-org type="997"><narrative>Y</narrative></receiver-org>'
        '<flow-type code="10"/><finance-type code="999"/><aid-type code="Z99"/></transaction>'
        '<default-flow-type code="10"/><default-finance-type code="110"/>'
        '<default-aid-type code="A01"/><default-aid-type code="Q"/><activity-scope code="12"/>'
    )
    report = import_iati(path=_one_activity(tmp_path, body), user=system_user())
    assert not report.refused and report.created == 1
    assert sorted((p.line, p.message) for p in report.problems) == [
        (2, "Code IATI inconnu pour « activity-scope » : « 12 » (ignoré)."),
        (2, "Code IATI inconnu pour « aid-type » : « Q » (ignoré)."),
        (2, "Code IATI inconnu pour « aid-type » : « Z99 » (ignoré)."),
        (2, "Code IATI inconnu pour « finance-type » : « 999 » (ignoré)."),
        (2, "Devise inconnue : « QQQ » (montant ignoré)."),
        (2, "Pays inconnu : « XX » (ignoré)."),
        (2, "Rôle d'organisation IATI inconnu : « 9 » (organisation participante ignorée)."),
        (2, "Secteur CAD inconnu : « 99999 » (ignoré)."),
        (2, "Type d'organisation IATI inconnu : « 997 » (type ignoré)."),
        (
            2,
            "Type d'organisation déclarante IATI inconnu : « 999 » (l'export la remplace par "
            "l'organisation du registre).",
        ),
        (2, "Type de transaction IATI inconnu : « 77 » (transaction ignorée)."),
    ]
    project = Project.objects.get(iati_identifier="XM-CODES-1")
    assert (project.country.code, project.dac_sector.code) == ("SN", "14030")
    kept = project.iati_source.data
    assert "reporting_org" not in kept and "budgets" not in kept
    assert [o["names"] for o in kept["participating_orgs"]] == [{"fr": "ONG"}]
    assert [c["code"] for c in kept["countries"]] == ["SN"]
    assert [(s["vocabulary"], s["code"]) for s in kept["sectors"]] == [
        ("1", "14030"),
        ("99", "local"),
    ]
    assert [(t["value"], t["receiver"]["type"]) for t in kept["transactions"]] == [("7", "")]
    assert kept["transactions"][0]["codes"] == {"flow-type": "10"}
    assert "aid_types" not in kept["transactions"][0]
    assert kept["codes"] == {"default-flow-type": "10", "default-finance-type": "110"}
    assert kept["aid_types"] == [{"code": "A01", "vocabulary": "1"}]


def test_the_real_samples_use_known_codes():
    """All but one: the standard's own annotated example gives a transaction the region 616,
    which the current Region codelist no longer has."""
    unknown = {}
    for name in ACTIVITY_FILES:
        report = import_iati(path=SAMPLES / name, user=system_user())
        unknown[name] = [p.message for p in report.problems if "inconnu" in p.message]
    assert unknown == {
        **{name: [] for name in ACTIVITY_FILES},
        "activity-standard-example-annotated.xml": ["Région IATI inconnue : « 616 » (ignorée)."],
    }


def test_values_the_schema_would_refuse_are_left_out_with_their_line(tmp_path):
    """A date, an amount, a percentage, a language or a position off its type: a warning on
    the element's own line, the part (or only the attribute) left out, the activity taken, and
    its export still valid."""
    from icilabas.interop.iati_export import export_activities, validate

    content = "\n".join(
        [
            '<iati-activities version="2.03">',
            '<iati-activity xml:lang="fr" default-currency="USD">',
            "<iati-identifier>XM-TYPES-1</iati-identifier>",
            '<reporting-org ref="XM-1" type="10"><narrative>Org</narrative></reporting-org>',
            '<title><narrative xml:lang="&lt;&gt;">Puits</narrative></title>',
            '<activity-date type="1" iso-date="2024-02-30"/>',
            '<activity-date type="2" iso-date="2024-03-01T10:00:00Z"/>',
            '<recipient-country code="SN" percentage="1,5"/>',
            '<sector vocabulary="1" code="14030" percentage="100"/>',
            '<location><point srsName="x"><pos>95 12</pos></point></location>',
            '<budget><period-start iso-date="2024-01-01"/><period-end iso-date="2024-13-01"/>',
            '<value value-date="2024-01-01">10</value></budget>',
            '<budget><period-start iso-date="2024-01-01"/><period-end iso-date="2024-12-31"/>',
            '<value value-date="demain">1 000</value></budget>',
            '<budget><period-start iso-date="2024-01-01"/><period-end iso-date="2024-12-31"/>',
            '<value value-date="demain">1000.50</value></budget>',
            '<transaction><transaction-type code="3"/>',
            '<value value-date="2024-01-01">5</value></transaction>',
            "</iati-activity></iati-activities>",
        ]
    )
    path = tmp_path / "types.xml"
    path.write_text(content, encoding="utf-8")
    report = import_iati(path=path, user=system_user())
    assert not report.refused and report.created == 1
    lines = [(p.line, p.message) for p in report.problems]
    assert lines == [
        (5, "Attribut « xml:lang » de « narrative » ignoré : « <> » n'est pas un code de langue."),
        (
            6,
            "Attribut « iso-date » de « activity-date » ignoré : « 2024-02-30 » n'est pas une "
            "date (aaaa-mm-jj).",
        ),
        (
            8,
            "Attribut « percentage » de « recipient-country » ignoré : « 1,5 » n'est pas un "
            "pourcentage (0 à 100).",
        ),
        (10, "Élément « pos » ignoré : « 95 12 » n'est pas une position (latitude longitude)."),
        (
            11,
            "Attribut « iso-date » de « period-end » ignoré : « 2024-13-01 » n'est pas une date "
            "(aaaa-mm-jj).",
        ),
        (11, "Élément « budget » ignoré : il lui manque une période (début et fin)."),
        (
            13,
            "Élément « budget » ignoré : « 1 000 » n'est pas un montant (chiffres et point "
            "décimal).",
        ),
        (
            16,
            "Attribut « value-date » de « value » ignoré : « demain » n'est pas une date "
            "(aaaa-mm-jj).",
        ),
        (17, "Élément « transaction » ignoré : il lui manque une date."),
    ]
    project = Project.objects.get(iati_identifier="XM-TYPES-1")
    assert project.title == "Puits" and str(project.start_on) == "2024-03-01"
    kept = project.iati_source.data
    assert kept["countries"] == [{"code": "SN", "percentage": ""}]
    assert kept["locations"] == [{"ref": "", "names": {}, "pos": ""}]
    # The activity's default currency goes with its amount: the export says EUR by default.
    assert kept["budgets"] == [
        {
            "type": "",
            "status": "",
            "start": "2024-01-01",
            "end": "2024-12-31",
            "value": "1000.50",
            "currency": "USD",
            "value_date": "",
        }
    ]
    assert "transactions" not in kept
    exported = tmp_path / "export.xml"
    export_activities(exported)
    assert validate(exported) == []
    assert 'value-date="2024-01-01" currency="USD">1000.50</value>' in exported.read_text()


def test_a_reporting_organisation_the_schema_would_refuse_is_replaced_on_export(tmp_path):
    from icilabas.interop.iati_export import export_activities, validate

    path = _one_activity(
        tmp_path,
        "<iati-identifier>XM-REP-1</iati-identifier>"
        '<reporting-org ref="XM-1"><narrative>Sans type</narrative></reporting-org>'
        "<title><narrative>Puits</narrative></title>"
        '<activity-date type="1" iso-date="2024-01-01"/>',
    )
    report = import_iati(path=path, user=system_user())
    assert [p.message for p in report.problems] == [
        "Élément « reporting-org » ignoré : il lui manque une référence, un type et un nom."
    ]
    exported = tmp_path / "export.xml"
    export_activities(exported)
    assert validate(exported) == []


def test_sector_percentages_are_brought_back_to_100_per_vocabulary(tmp_path):
    """Once an unknown sector is left out, the others share its part in their proportions;
    another vocabulary is untouched; a three-way split lands exactly on 100."""
    path = _one_activity(
        tmp_path,
        "<iati-identifier>XM-SECT-1</iati-identifier><title><narrative>Puits</narrative></title>"
        '<sector code="99999" percentage="40"/><sector code="14030" percentage="45"/>'
        '<sector code="15110" percentage="15"/>'
        '<sector vocabulary="2" code="140" percentage="33"/>'
        '<sector vocabulary="2" code="151" percentage="33"/>'
        '<sector vocabulary="2" code="311" percentage="33"/>'
        '<sector vocabulary="99" code="eau" percentage="100"/>',
    )
    report = import_iati(path=path, user=system_user())
    assert [p.message for p in report.problems] == [
        "Secteur CAD inconnu : « 99999 » (ignoré).",
        "Pourcentages des secteurs (vocabulaire 1) ramenés à 100 : leur somme était 60.",
        "Pourcentages des secteurs (vocabulaire 2) ramenés à 100 : leur somme était 99.",
    ]
    kept = Project.objects.get(iati_identifier="XM-SECT-1").iati_source.data["sectors"]
    assert [(s["vocabulary"], s["code"], s["percentage"]) for s in kept] == [
        ("1", "14030", "75"),
        ("1", "15110", "25"),
        ("2", "140", "33.34"),
        ("2", "151", "33.33"),
        ("2", "311", "33.33"),
        ("99", "eau", "100"),
    ]


def test_a_long_file_name_does_not_refuse_the_file(tmp_path):
    """The source ("IATI <file> (<reporting organisation>)") is cut to its field's length."""
    path = tmp_path / ("activites-" + "x" * 230 + ".xml")
    path.write_bytes((SAMPLES / "acfspain-ph.xml").read_bytes())
    report = import_iati(path=path, user=system_user())
    assert not report.refused and report.created == 6
    assert {len(s) for s in Project.objects.values_list("source", flat=True)} == {200}


def test_every_single_code_part_the_reader_keeps_has_its_codelist():
    from icilabas.interop.iati import ACTIVITY_CODES, TRANSACTION_CODES
    from icilabas.interop.services import SINGLE_CODE_LISTS, Codelists

    assert set(SINGLE_CODE_LISTS) == {*ACTIVITY_CODES, *TRANSACTION_CODES}
    assert all(Codelists.load().single_codes.values())  # each loaded by a migration


def _with_one_activity_in_error(tmp_path) -> Path:
    path = tmp_path / "mixed.xml"
    path.write_text(
        '<iati-activities version="2.03">\n'
        "<iati-activity><iati-identifier>XM-OK-1</iati-identifier><title><narrative>Puits"
        "</narrative></title></iati-activity>\n"
        "<iati-activity><iati-identifier>XM-KO-2</iati-identifier></iati-activity>\n"
        "<iati-activity><iati-identifier>XM-OK-3</iati-identifier><title><narrative>École"
        "</narrative></title></iati-activity>\n</iati-activities>",
        encoding="utf-8",
    )
    return path


def test_the_valid_activities_only_when_chosen_explicitly(tmp_path, capsys):
    """All or nothing by default; asked for, the activities in error are left out and named,
    the others imported. A critical problem still refuses the file."""
    path = _with_one_activity_in_error(tmp_path)
    assert import_iati(path=path, user=system_user()).refused
    assert not Project.objects.exists()
    report = import_iati(path=path, user=system_user(), valid_only=True)
    assert not report.refused and report.created == 2
    assert [(p.level, p.line, p.message) for p in report.problems] == [
        (ERROR, 3, "Activité sans titre.")
    ]
    assert set(Project.objects.values_list("iati_identifier", flat=True)) == {"XM-OK-1", "XM-OK-3"}
    broken = tmp_path / "broken.xml"
    broken.write_bytes(path.read_bytes()[:-30])
    assert import_iati(path=broken, user=system_user(), valid_only=True).refused
    Project.objects.all().delete()
    call_command("import_iati", str(path), "--valid-only")
    assert "2 créé(s)" in capsys.readouterr().out


def test_the_upload_form_offers_the_valid_activities_only(
    staff_client, tmp_path, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from icilabas.interop.models import ImportJob

    upload = SimpleUploadedFile("mixte.xml", _with_one_activity_in_error(tmp_path).read_bytes())
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(reverse("interop:iati_import"), {"file": upload, "valid_only": "on"})
    job = ImportJob.objects.get()
    assert (job.valid_only, job.state, job.created) == (True, "terminee", 2)
    page = staff_client.get(job.get_absolute_url()).content.decode()
    assert "Activités valides seulement" in page and "Activité sans titre." in page
