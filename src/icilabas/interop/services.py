"""Importing IATI files into the registry, through the same services as every other write."""

import copy
import gc
import logging
import pickle
import tempfile
import time
import uuid
from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries

from icilabas.actors.models import Organisation
from icilabas.cooperation.models import Project
from icilabas.core import background, bulk
from icilabas.core.collection import cycle_collector_paused
from icilabas.core.permissions import require_staff
from icilabas.core.services import (
    BULK_BATCH,
    BulkChecked,
    BulkResult,
    check_bulk_records,
    create_record,
    undo_checked_write,
    update_record,
    write_checked_records,
)
from icilabas.reference.models import Concept

from .iati import (
    CRITICAL,
    ERROR,
    MAX_BYTES,
    WARNING,
    Activity,
    IatiFileError,
    Problem,
    file_kind,
    preferred_text,
    read_activities,
    read_organisations,
)
from .models import IatiActivityData, ImportJob

logger = logging.getLogger(__name__)
MAX_PROBLEMS = 1000  # kept with a job; the command line prints them all
# IATI ActivityStatus -> project status.
STATUSES = {
    "1": "identification",
    "2": "en_cours",
    "3": "en_cours",
    "4": "termine",
    "5": "annule",
    "6": "suspendu",
}
TITLE_LENGTH = Project._meta.get_field("title").max_length


@dataclass
class ImportReport:
    path: str
    # Chosen explicitly: the activities in error are left out and the others kept.
    valid_only: bool = False
    created: int = 0
    updated: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def refused(self) -> bool:
        refusing = (CRITICAL,) if self.valid_only else (CRITICAL, ERROR)
        return any(p.level in refusing for p in self.problems)


class _Rollback(Exception):
    pass


@contextmanager
def all_or_nothing(report: ImportReport):
    """The file's writes are kept only if its report has no critical problem and no error
    (or, when the user chose the valid activities only, no critical problem)."""
    try:
        with transaction.atomic():
            yield
            if report.refused:
                raise _Rollback
    except IatiFileError as error:
        report.problems.append(error.problem)
    except _Rollback:
        pass
    if report.refused:
        report.created = report.updated = 0


def _project_data(
    activity: Activity, source: str, sectors: Mapping[str, Concept], report: ImportReport
) -> dict:
    title = preferred_text(activity.titles)
    if len(title) > TITLE_LENGTH:
        report.problems.append(
            Problem(
                WARNING, activity.line, _("Titre tronqué à %(n)s caractères.") % {"n": TITLE_LENGTH}
            )
        )
        title = title[: TITLE_LENGTH - 1] + "…"
    data = {
        "title": title,
        "description": preferred_text(activity.descriptions),
        "status": STATUSES.get(activity.status, "en_cours"),
        "start_on": activity.start,
        "end_on": activity.end,
        "iati_identifier": activity.identifier,
        "source": source,
        "country": "",
        "dac_sector": None,
    }
    if activity.status and activity.status not in STATUSES:
        report.problems.append(
            Problem(
                WARNING,
                activity.line,
                _("Statut IATI inconnu : « %(code)s ».") % {"code": activity.status},
            )
        )
    if activity.start and activity.end and activity.end < activity.start:
        report.problems.append(
            Problem(WARNING, activity.line, _("Date de fin antérieure au début : fin ignorée."))
        )
        data["end_on"] = None
    # The first the registry knows (the others were left out with a warning, Codelists.clean).
    data["country"] = next(iter(activity.countries), "")
    dac = next((code for vocabulary, code in activity.sectors if vocabulary == "1"), None)
    data["dac_sector"] = sectors.get(dac)
    return data


@dataclass(frozen=True)
class Codelists:
    """The shipped codelists an activity's codes are checked against, read once per import."""

    organisation_types: frozenset[str]
    roles: frozenset[str]
    currencies: frozenset[str]
    transaction_types: frozenset[str]
    dac_sectors: Mapping[str, Concept]  # by code: the project's sector is one of them
    regions: frozenset[str]
    countries: frozenset[str]
    aid_types: frozenset[str]
    single_codes: dict[str, frozenset[str]]  # element -> its codelist (ACTIVITY_CODES…)

    @classmethod
    def load(cls) -> "Codelists":
        def codes(slug: str) -> frozenset[str]:
            return frozenset(Concept.objects.of(slug).values_list("code", flat=True))

        return cls(
            organisation_types=codes("iati-organisation-type"),
            roles=codes("iati-organisation-role"),
            currencies=codes("currency"),
            transaction_types=codes("iati-transaction-type"),
            dac_sectors={c.code: c for c in Concept.objects.of("dac-sector")},
            regions=codes("iati-region"),
            countries=frozenset(code for code, _name in countries),
            aid_types=codes("iati-aid-type"),
            single_codes={tag: codes(slug) for tag, slug in SINGLE_CODE_LISTS.items()},
        )

    def clean(self, activity: Activity) -> list[str]:
        """Leave out of the activity what carries a code its codelist does not have, so that
        what is kept exports codelist-valid; a warning for each such code (once per activity).
        An unknown organisation type loses only the type; an unknown role, currency or
        transaction type, the part it belongs to."""
        unknown: dict[tuple, set[str]] = {}

        def known(code: str, codes: Collection[str], message, required=True, element="") -> bool:
            if code in codes or not (code or required):
                return True
            unknown.setdefault((message, element), set()).add(code)
            return False

        def coded(parent: dict) -> None:
            """The part's single codes and aid types (vocabulary 1 is checked)."""
            parent["codes"] = {
                tag: code
                for tag, code in parent.get("codes", {}).items()
                if known(code, self.single_codes[tag], UNKNOWN_CODE, element=tag)
            }
            parent["aid_types"] = [
                aid
                for aid in parent.get("aid_types", [])
                if aid["vocabulary"] != "1"
                or known(aid["code"], self.aid_types, UNKNOWN_CODE, element="aid-type")
            ]
            for key in ("codes", "aid_types"):
                if not parent[key]:
                    del parent[key]

        def sector(item: dict) -> bool:
            return item["vocabulary"] != "1" or known(
                item["code"], self.dac_sectors, UNKNOWN_SECTOR
            )

        def region(item: dict) -> bool:  # only the DAC vocabulary (1) has a shipped codelist
            return item["vocabulary"] != "1" or known(item["code"], self.regions, UNKNOWN_REGION)

        def typed(organisation: dict) -> dict:
            if not known(organisation["type"], self.organisation_types, UNKNOWN_TYPE, False):
                organisation["type"] = ""
            return organisation

        extras = activity.extras
        kept = {
            "participating_orgs": [
                typed(o)
                for o in extras.get("participating_orgs", [])
                if known(o["role"], self.roles, UNKNOWN_ROLE)
            ],
            "countries": [
                c
                for c in extras.get("countries", [])
                if known(c["code"], self.countries, UNKNOWN_COUNTRY)
            ],
            "regions": [r for r in extras.get("regions", []) if region(r)],
            "sectors": [s for s in extras.get("sectors", []) if sector(s)],
            "budgets": [
                b
                for b in extras.get("budgets", [])
                if known(b["currency"], self.currencies, UNKNOWN_CURRENCY, False)
            ],
            "transactions": [
                t
                for t in extras.get("transactions", [])
                if known(t["type"], self.transaction_types, UNKNOWN_TRANSACTION_TYPE)
                and known(t["currency"], self.currencies, UNKNOWN_CURRENCY, False)
            ],
        }
        coded(extras)
        for item in kept["transactions"]:
            coded(item)
            for side in ("provider", "receiver"):
                if side in item:
                    typed(item[side])
            if sectors := [s for s in item.pop("sectors", []) if sector(s)]:
                item["sectors"] = sectors
            if "country" in item and not known(item["country"], self.countries, UNKNOWN_COUNTRY):
                del item["country"]
            if "region" in item and not region(item["region"]):
                del item["region"]
        reporting = extras.get("reporting_org")
        if reporting and not known(reporting["type"], self.organisation_types, UNKNOWN_REPORTING):
            del extras["reporting_org"]  # its type is required: the registry reports instead
        for key, items in kept.items():
            if items:
                extras[key] = items
            else:
                extras.pop(key, None)
        activity.countries = [c["code"] for c in kept["countries"]]
        activity.sectors = [(s["vocabulary"], s["code"]) for s in kept["sectors"]]
        return [
            str(message) % {"code": code, "element": element}
            for (message, element), codes in unknown.items()
            for code in sorted(codes)
        ] + _sectors_to_100(kept["sectors"])


def _sectors_to_100(sectors: list[dict]) -> list[str]:
    """IATI wants an activity's sector percentages to add up to 100 within each vocabulary:
    where the file's do not (or no longer, once unknown codes are left out), they are scaled
    to 100 in their proportions, to the hundredth, with a warning."""
    warnings = []
    for vocabulary in dict.fromkeys(s["vocabulary"] for s in sectors):
        group = [s for s in sectors if s["vocabulary"] == vocabulary]
        if not any(s["percentage"] for s in group):
            continue
        shares = [Decimal(s["percentage"] or 0) for s in group]
        total = sum(shares)
        if total == 100:
            continue
        if not total:  # all at 0: equal shares
            shares = [Decimal(1)] * len(group)
        # Largest remainder: hundredths that add up to exactly 10,000.
        exact = [share * 10000 / sum(shares) for share in shares]
        units = [int(value) for value in exact]
        by_remainder = sorted(range(len(group)), key=lambda i: exact[i] - units[i], reverse=True)
        for i in by_remainder[: 10000 - sum(units)]:
            units[i] += 1
        for sector, unit in zip(group, units, strict=True):
            sector["percentage"] = format(Decimal(unit).scaleb(-2).normalize(), "f")
        read = format(total.normalize(), "f")
        warnings.append(str(SECTORS_SCALED) % {"vocabulary": vocabulary, "total": read})
    return warnings


# Translated only when a code is unknown: gettext costs microseconds, and files have millions
# of codes.
UNKNOWN_TYPE = gettext_lazy("Type d'organisation IATI inconnu : « %(code)s » (type ignoré).")
UNKNOWN_REPORTING = gettext_lazy(
    "Type d'organisation déclarante IATI inconnu : « %(code)s » (l'export la remplace par "
    "l'organisation du registre)."
)
UNKNOWN_ROLE = gettext_lazy(
    "Rôle d'organisation IATI inconnu : « %(code)s » (organisation participante ignorée)."
)
UNKNOWN_CURRENCY = gettext_lazy("Devise inconnue : « %(code)s » (montant ignoré).")
UNKNOWN_TRANSACTION_TYPE = gettext_lazy(
    "Type de transaction IATI inconnu : « %(code)s » (transaction ignorée)."
)
UNKNOWN_COUNTRY = gettext_lazy("Pays inconnu : « %(code)s » (ignoré).")
UNKNOWN_SECTOR = gettext_lazy("Secteur CAD inconnu : « %(code)s » (ignoré).")
UNKNOWN_REGION = gettext_lazy("Région IATI inconnue : « %(code)s » (ignorée).")
UNKNOWN_CODE = gettext_lazy("Code IATI inconnu pour « %(element)s » : « %(code)s » (ignoré).")
# The codelist of each single-code part an activity or a transaction keeps.
SINGLE_CODE_LISTS = {
    "activity-scope": "iati-activity-scope",
    "collaboration-type": "iati-collaboration-type",
    "default-flow-type": "iati-flow-type",
    "flow-type": "iati-flow-type",
    "default-finance-type": "iati-finance-type",
    "finance-type": "iati-finance-type",
    "default-tied-status": "iati-tied-status",
    "tied-status": "iati-tied-status",
    "disbursement-channel": "iati-disbursement-channel",
}
SECTORS_SCALED = gettext_lazy(
    "Pourcentages des secteurs (vocabulaire %(vocabulary)s) ramenés à 100 : leur somme "
    "était %(total)s."
)


PROGRESS_EVERY = 200  # activities between two progress reports
# Activities read between two runs of the cycle collector, paused meanwhile: reading and
# writing leave few cycles (a dozen objects per 500 activities on the real files), and each
# run walks every object alive, the batches in flight included (40-60 ms).
COLLECT_EVERY = 10 * BULK_BATCH


def import_iati(
    *, path: Path, user, progress=None, file_name: str = "", valid_only: bool = False
) -> ImportReport:
    """An activity file or an organisation file, whichever the file is. `file_name`: the file's
    name as its user knows it (an upload is stored under another), for the records' source.
    All or nothing, unless `valid_only`: then only a critical problem refuses the file."""
    options = {"path": path, "user": user, "file_name": file_name, "valid_only": valid_only}
    if file_kind(Path(path)) == "iati-organisations":
        return import_iati_organisations(**options)
    return import_iati_activities(progress=progress, **options)


SOURCE_LENGTH = Project._meta.get_field("source").max_length


def _source(path: Path, file_name: str, reporting_org: str = "") -> str:
    """Where an imported record comes from: "IATI <file> (<reporting organisation>)"."""
    source = f"IATI {file_name or path.name}" + (f" ({reporting_org})" if reporting_org else "")
    return source[:SOURCE_LENGTH]


# IATI OrganisationType -> our kinds (the others are "autre").
ORGANISATION_KINDS = {
    "21": "association",
    "22": "association",
    "23": "association",
    "24": "association",
    "80": "universite",
    "70": "entreprise",
}


def import_iati_organisations(
    *, path: Path, user, file_name: str = "", valid_only: bool = False
) -> ImportReport:
    """Organisations of an IATI organisation file, created or (same identifier) updated; all
    or nothing, like activity files."""
    require_staff(user)
    path = Path(path)
    report = ImportReport(str(path), valid_only=valid_only)
    with all_or_nothing(report):
        records = 0
        for record in read_organisations(path):
            records += 1
            report.problems += [
                Problem(WARNING, line, message) for line, message in record.problems
            ]
            if not record.identifier or not record.names:
                message = (
                    _("Organisation sans identifiant.")
                    if not record.identifier
                    else _("Organisation sans nom.")
                )
                report.problems.append(Problem(ERROR, record.line, message))
                continue
            name = preferred_text(record.names)[:200]
            existing = Organisation.objects.filter(iati_identifier=record.identifier).first()
            data = {
                "name": name,
                "iati_identifier": record.identifier,
                "source": _source(path, file_name),
            }
            try:
                if existing:
                    update_record(existing, user=user, data=data, reason="Import IATI")
                    report.updated += 1
                else:
                    data["kind"] = ORGANISATION_KINDS.get(record.type, "autre")
                    create_record(Organisation, user=user, data=data, reason="Import IATI")
                    report.created += 1
            except ValidationError as error:
                for field_name, messages in error.message_dict.items():
                    report.problems.append(
                        Problem(ERROR, record.line, f"{field_name} : {' '.join(messages)}")
                    )
        if not records:
            report.problems.append(
                Problem(CRITICAL, None, _("Aucune organisation dans le fichier."))
            )
    return report


def import_iati_activities(
    *, path: Path, user, progress=None, file_name: str = "", valid_only: bool = False
) -> ImportReport:
    """All or nothing per file: any critical problem or error leaves the registry unchanged
    (unless `valid_only`, chosen explicitly: then the activities in error are left out).

    Activities are checked and written in batches with `core.services.check_bulk_records` and
    `write_checked_records` (same rules, history and search entries as one record at a time).
    On PostgreSQL the file is written in one transaction, in a thread of its own while the
    file is read (`core.background.consume_beside`); on SQLite, checked whole first, then
    written a batch per transaction (`_check_then_write`). `progress(n)` is called every few
    hundred activities read, then on SQLite `progress(n, ImportJob.WRITING)` after each batch
    written."""
    require_staff(user)
    path = Path(path)
    report = ImportReport(str(path), valid_only=valid_only)
    codelists = Codelists.load()
    # Collected by hand every COLLECT_EVERY activities read (_read_batches).
    with cycle_collector_paused():
        if connection.vendor == "sqlite" and not connection.in_atomic_block:
            batches = _read_batches(path, file_name, report, codelists, progress, SQLITE_BATCH)
            _check_then_write(batches, user=user, report=report, progress=progress)
        else:
            batches = _read_batches(path, file_name, report, codelists, progress)

            def write(batches: Iterator[list[tuple[Activity, dict]]]) -> None:
                with all_or_nothing(report):
                    for batch in batches:
                        _write(_check(batch, user=user, report=report), user=user, report=report)

            background.consume_beside(batches, write)
    report.problems.sort(key=lambda problem: problem.line or 0)  # both threads add some
    return report


def _read_batches(
    path: Path,
    file_name: str,
    report: ImportReport,
    codelists: Codelists,
    progress,
    size: int = BULK_BATCH,
) -> Iterator[list[tuple[Activity, dict]]]:
    """The file's activities with their project fields, `size` at a time; what cannot be
    taken goes to the report."""
    batch: list[tuple[Activity, dict]] = []
    seen: set[str] = set()
    for number, activity in enumerate(read_activities(path), start=1):
        if progress is not None and number % PROGRESS_EVERY == 0:
            progress(number)
        if number % COLLECT_EVERY == 0:
            gc.collect()  # what reading and writing left (cycle_collector_paused)
        if not activity.identifier or not activity.titles:
            message = (
                _("Activité sans identifiant.")
                if not activity.identifier
                else _("Activité sans titre.")
            )
            report.problems.append(Problem(ERROR, activity.line, message))
            continue
        if activity.identifier in seen:
            report.problems.append(
                Problem(
                    ERROR,
                    activity.line,
                    _("Identifiant en double dans le fichier : %(identifier)s.")
                    % {"identifier": activity.identifier},
                )
            )
            continue
        seen.add(activity.identifier)
        source = _source(path, file_name, activity.reporting_org)
        report.problems += [
            Problem(WARNING, activity.line, message) for message in codelists.clean(activity)
        ]
        batch.append((activity, _project_data(activity, source, codelists.dac_sectors, report)))
        report.problems += [Problem(WARNING, line, message) for line, message in activity.problems]
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


@dataclass
class _CheckedBatch:
    """A batch of activities checked and not written, with what its stored projects were
    (to take a committed batch back)."""

    records: BulkChecked
    fields: list[str]  # the fields an activity sets
    extras: dict[str, dict]  # the file's own data by activity identifier
    previous: list[Project]
    previous_extras: dict[int, dict]


IMPORT_REASON = "Import IATI"


def _check(
    batch: list[tuple[Activity, dict]], *, user, report: ImportReport, undoable: bool = False
) -> _CheckedBatch:
    """The batch's activities as new projects or changes to those imported before, checked;
    the rows refused go to the report. `undoable`: keep what the stored ones were."""
    identifiers = [activity.identifier for activity, _data in batch]
    existing = {
        project.iati_identifier: project
        for project in Project.objects.filter(iati_identifier__in=identifiers)
    }
    previous = [copy.copy(project) for project in existing.values()] if undoable else []
    rows = []
    for activity, data in batch:
        project = existing.get(activity.identifier) or Project()
        for name, value in data.items():
            setattr(project, name, value)
        rows.append((activity.line, project))
    fields = list(batch[0][1])
    records = check_bulk_records(
        Project,
        user=user,
        rows=rows,
        update_fields=fields,
        checked_fields=("dac_sector", "country"),  # looked up in _project_data
    )
    for line, messages in records.errors:
        for name, texts in messages.items():
            report.problems.append(Problem(ERROR, line, f"{name} : {' '.join(texts)}"))
    previous_extras = (
        dict(
            IatiActivityData.objects.filter(project__in=previous).values_list("project_id", "data")
        )
        if previous
        else {}
    )
    extras = {activity.identifier: activity.extras for activity, _data in batch}
    return _CheckedBatch(records, fields, extras, previous, previous_extras)


def _write(batch: _CheckedBatch, *, user, report: ImportReport) -> BulkResult:
    result = write_checked_records(
        Project, batch.records, user=user, update_fields=batch.fields, reason=IMPORT_REASON
    )
    report.created += result.created
    report.updated += result.updated
    written = batch.records.new + batch.records.changed
    IatiActivityData.objects.filter(project__in=written).delete()
    # By id: `project=p` would put each project and its data in a reference cycle (the
    # one-to-one caches both ways) that only the cycle collector frees.
    bulk.insert(
        IatiActivityData,
        [IatiActivityData(project_id=p.pk, data=batch.extras[p.iati_identifier]) for p in written],
    )
    return result


# Activities written per transaction on SQLite: about half a second of the lock held for the
# benchmark's rich activities on a 2-core machine (docs/benchmarks.md).
SQLITE_BATCH = 200


def _check_then_write(batches, *, user, report: ImportReport, progress=None) -> None:
    """SQLite lets one connection write at a time: a file written in one transaction kept
    logins, edits and API tokens waiting for the whole import (and failing after the busy
    timeout). So the file is first read and checked whole, writing nothing, its checked
    batches kept in a temporary file; only a file that passes is written, a batch per
    transaction, so that others wait for one batch at most. A batch that fails takes back
    those written before it: the file stays all or nothing. (A process killed between two
    batches leaves the first ones; the job is run again and writes the rest, activities
    being found by identifier.)"""
    with tempfile.TemporaryFile() as spool:
        try:
            for batch in batches:
                pickle.dump(_check(batch, user=user, report=report, undoable=True), spool)
        except IatiFileError as error:
            report.problems.append(error.problem)
        if report.refused:
            return
        spool.seek(0)
        # What each committed batch wrote: its result and the ids it created (small; the
        # batches themselves are read again from the spool to be taken back).
        written: list[tuple[BulkResult, list[int]]] = []
        try:
            while checked := _next_batch(spool):
                with transaction.atomic():
                    result = _write(checked, user=user, report=report)
                written.append((result, [project.pk for project in checked.records.new]))
                if progress is not None:
                    progress(report.created + report.updated, ImportJob.WRITING)
                time.sleep(bulk.LOCK_PAUSE)
        except BaseException:
            spool.seek(0)
            for result, created_ids in written:
                _undo(_next_batch(spool), result, created_ids)
            report.created = report.updated = 0
            raise


def _next_batch(spool) -> _CheckedBatch | None:
    try:
        return pickle.load(spool)  # our own file, written just before
    except EOFError:
        return None


@transaction.atomic
def _undo(batch: _CheckedBatch, result: BulkResult, created_ids: list[int]) -> None:
    undo_checked_write(
        Project,
        result,
        created_ids=created_ids,
        previous=batch.previous,
        update_fields=batch.fields,
        reason=IMPORT_REASON,
    )
    IatiActivityData.objects.filter(project__in=batch.previous).delete()
    bulk.insert(
        IatiActivityData,
        [IatiActivityData(project_id=pk, data=data) for pk, data in batch.previous_extras.items()],
    )


# ---------------------------------------------------------------- background imports


def count_activities(path: Path, chunk: int = 2**22) -> int:
    """An estimate for the progress bar (the report gives exact counts): how many times the
    opening tag appears, the file read in chunks."""
    count, tail = 0, b""
    with open(path, "rb") as stream:
        while block := stream.read(chunk):
            data = tail + block
            count += data.count(b"<iati-activity")
            tail = data[-13:]  # shorter than the tag: an occurrence is never counted twice
    return count


def store_iati_upload(*, upload, user, valid_only: bool = False) -> ImportJob:
    """Store the uploaded file with its job, waiting for the worker (interop.tasks)."""
    require_staff(user)
    folder = ImportJob.folder()
    folder.mkdir(parents=True, exist_ok=True)
    stored = f"{uuid.uuid4().hex}.xml"
    size = 0
    with open(folder / stored, "wb") as out:
        for chunk in upload.chunks():
            size += len(chunk)
            if size > MAX_BYTES:
                out.close()
                (folder / stored).unlink(missing_ok=True)
                raise ValidationError({"file": _("Fichier trop volumineux (plus de 2 Go).")})
            out.write(chunk)
    job = ImportJob.objects.create(
        original_name=Path(upload.name).name[:255],
        stored_name=stored,
        size=size,
        created_by=user,
        valid_only=valid_only,
    )
    return job


def run_iati_job(job_pk: int) -> None:
    """The import itself, then its report kept with the job. Run again from the start after
    a lost worker: the import is all or nothing and finds its activities by identifier, so
    nothing is written twice."""
    job = ImportJob.objects.select_related("created_by").filter(pk=job_pk).first()
    if job is None:
        return  # removed meanwhile: nothing to do, nothing to retry
    if not job.path.exists():
        end_iati_job(job, _("Le fichier déposé n'existe plus : rien n'a été importé."))
        return
    try:
        job.total = count_activities(job.path)
        job.state = ImportJob.State.RUNNING
        job.save(update_fields=["total", "state"])
        job.progress.write(0, job.total)
        report = import_iati(
            path=job.path,
            user=job.created_by,
            progress=lambda n, step="": job.progress.write(n, job.total, step),
            file_name=job.original_name,
            valid_only=job.valid_only,
        )
        job.state = ImportJob.State.REFUSED if report.refused else ImportJob.State.DONE
        job.created, job.updated = report.created, report.updated
        job.problems = [[p.level, p.line, p.message] for p in report.problems[:MAX_PROBLEMS]]
        if len(report.problems) > MAX_PROBLEMS:
            job.problems.append(
                [
                    WARNING,
                    None,
                    _("… et %(count)s autres problèmes.")
                    % {"count": len(report.problems) - MAX_PROBLEMS},
                ]
            )
    except Exception as error:  # the job must end in a state the page can show
        logger.exception("Import IATI n° %s interrompu", job_pk)
        job.state = ImportJob.State.FAILED
        job.problems = [
            [
                CRITICAL,
                None,
                _("Erreur inattendue : %(error)s.") % {"error": error.__class__.__name__},
            ]
        ]
    job.finished_at = timezone.now()
    job.save()
    job.progress.clear()
    job.path.unlink(missing_ok=True)


def end_iati_job(job: ImportJob, message: str) -> None:
    """A job that cannot go on: its page says why, its file is removed."""
    job.state = ImportJob.State.FAILED
    job.problems = [[CRITICAL, None, message]]
    job.finished_at = timezone.now()
    job.save(update_fields=["state", "problems", "finished_at"])
    job.progress.clear()
    job.path.unlink(missing_ok=True)
