"""On SQLite, where one connection writes at a time, a big spreadsheet's job is written in
short transactions, each noting what it wrote; a failure after some are committed takes them
back, so the file stays all or nothing (the faults with real processes are in
tests/e2e/test_faults.py)."""

import pytest
from django.db import connection

from icilabas.actors.forms import OrganisationForm
from icilabas.actors.models import Organisation
from icilabas.actors.services import OrganisationServices
from icilabas.cooperation.forms import ProjectForm
from icilabas.cooperation.models import Project
from icilabas.cooperation.services import ProjectServices
from icilabas.core import bulk, importing, services
from icilabas.core.models import ImportedRecord, SearchEntry, SpreadsheetImport
from icilabas.reference.models import Concept

from . import factories as f

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's single writer"),
]


@pytest.fixture
def one_row_a_transaction(monkeypatch):
    monkeypatch.setattr(bulk, "SHORT_TRANSACTION_SECONDS", 0)
    monkeypatch.setattr(bulk, "SHORT_TRANSACTION_PAUSE", 0)


def _job(user) -> SpreadsheetImport:
    return services.save_spreadsheet_job(
        SpreadsheetImport(title="organisations", list_url="/", created_by=user), user=user
    )


def _plan(model, form_class, rows: list[dict]) -> importing.ImportPlan:
    """Each row checked alone against the database, as two rows of one file that clash only
    once the first is written (the check would catch the plain case, see test_import.py)."""
    plan = importing.ImportPlan()
    for number, row in enumerate(rows, start=2):
        alone = importing.plan_import(
            [row],
            form_class=form_class,
            find_existing=lambda row: model.objects.get(pk=row["id"]) if row.get("id") else None,
            key_of=lambda row: None,
        )
        assert not alone.errors, alone.errors
        plan.to_create += [(number, form) for _number, form in alone.to_create]
        plan.to_update += [(number, form) for _number, form in alone.to_update]
    return plan


def _run(plan, job, *, services=OrganisationServices, valid_only=False, progress=None):
    return importing.run_import(
        plan,
        services=services,
        model=Organisation if services is OrganisationServices else Project,
        user=job.created_by,
        valid_only=valid_only,
        progress=progress,
        job=job,
    )


def test_each_transaction_commits_its_rows_with_what_they_were(staff_user, one_row_a_transaction):
    town = f.organisation(name="Ville d'Origine", kind="association")
    job = _job(staff_user)
    plan = _plan(
        Organisation,
        OrganisationForm,
        [
            {"name": "Association A", "kind": "association"},
            {"name": "Association B", "kind": "association"},
            {"id": str(town.pk), "name": "Ville Renommée"},
        ],
    )
    seen = []

    def progress(done, total):
        # Between two transactions: nothing open, and the journal holds what is committed.
        seen.append((done, total, connection.in_atomic_block, job.written.count()))

    counts = _run(plan, job, progress=progress)
    assert counts == {"created": 2, "updated": 1, "skipped": 0}
    assert seen == [(1, 3, False, 1), (2, 3, False, 2), (3, 3, False, 3)]
    noted = {entry.object_id: entry.before for entry in job.written.all()}
    assert noted[town.pk]["name"] == "Ville d'Origine"
    assert [before for pk, before in noted.items() if pk != town.pk] == [None, None]
    services.end_spreadsheet_job(job, state=SpreadsheetImport.State.DONE)
    assert not ImportedRecord.objects.exists()  # imported whole: nothing left to take back


def test_a_row_refused_after_others_were_committed_takes_the_file_back(
    staff_user, one_row_a_transaction
):
    """Renamed "ville y", the other organisation clashes with "Ville Y" only once that one is
    written (new records are written first, then the changed ones)."""
    town = f.organisation(name="Ville d'Origine", kind="association")
    other = f.organisation(name="Autre ville", kind="association")
    twinning = f.partnership(french_partners=[town])  # its search entry shows town's name
    job = _job(staff_user)
    plan = _plan(
        Organisation,
        OrganisationForm,
        [
            {"id": str(town.pk), "name": "Ville Renommée"},
            {"name": "Ville Y", "kind": "association"},
            {"id": str(other.pk), "name": "ville y"},
        ],
    )
    with pytest.raises(importing.ImportFileError, match=r"^Ligne 4 : .* Rien n'a été importé"):
        _run(plan, job)
    town.refresh_from_db()
    other.refresh_from_db()
    assert (town.name, other.name) == ("Ville d'Origine", "Autre ville")
    shown = SearchEntry.objects.get(kind="partnership", object_id=twinning.pk).body
    assert "Ville d'Origine" in shown and "Renommée" not in shown
    assert not Organisation.all_objects.filter(name__iexact="Ville Y").exists()
    assert not job.written.exists()
    reasons = list(town.history.values_list("history_change_reason", flat=True)[:2])
    assert reasons == ["Import de tableur annulé", "Import de tableur"]


def test_the_rows_valid_alone_are_kept_when_only_the_valid_ones_were_asked_for(
    staff_user, one_row_a_transaction
):
    job = _job(staff_user)
    plan = _plan(
        Organisation,
        OrganisationForm,
        [{"name": "Ville Y", "kind": "association"}, {"name": "ville y", "kind": "association"}],
    )
    counts = _run(plan, job, valid_only=True)
    assert counts == {"created": 1, "updated": 0, "skipped": 1}
    assert Organisation.objects.filter(name__iexact="Ville Y").count() == 1
    assert job.written.count() == 1


def test_a_project_changed_then_taken_back_gets_its_lists_and_search_entry_back(
    staff_user, one_row_a_transaction
):
    sdgs = list(Concept.objects.of("sdg").order_by("code")[:3])
    project = f.project(title="Puits de Kayes", sdgs=sdgs[:2])
    job = _job(staff_user)
    plan = _plan(
        Project,
        ProjectForm,
        [
            {"id": str(project.pk), "title": "Citernes de Kayes", "sdgs": str(sdgs[2].pk)},
            {"title": "Jardins de Dakar", "status": "en_cours", "country": "SN"},
            {"title": "Forages de Mopti", "status": "en_cours", "country": "ML"},
        ],
    )

    def progress(done, total):
        if done == 2:  # two rows committed; then the worker is stopped
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        _run(plan, job, services=ProjectServices, progress=progress)
    project.refresh_from_db()
    assert project.title == "Puits de Kayes"
    assert set(project.sdgs.all()) == set(sdgs[:2])
    entry = SearchEntry.objects.get(kind="project", object_id=project.pk)
    assert "Puits" in entry.title
    assert not Project.all_objects.filter(title__in=["Jardins de Dakar", "Forages de Mopti"])
    assert not job.written.exists()


def test_a_record_someone_changed_since_the_import_keeps_her_change(
    staff_user, one_row_a_transaction
):
    town = f.organisation(name="Ville d'Origine", kind="association")
    job = _job(staff_user)
    plan = _plan(Organisation, OrganisationForm, [{"id": str(town.pk), "name": "Ville Renommée"}])
    _run(plan, job)
    town.refresh_from_db()
    services.update_record(town, user=staff_user, data={"acronym": "VR"})
    assert services.undo_import(job, user=staff_user) == 1
    town.refresh_from_db()
    assert (town.name, town.acronym) == ("Ville Renommée", "VR")
    assert not job.written.exists()
