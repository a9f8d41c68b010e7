"""Projects out as an IATI 2.03 activity file, written element by element in schema order
(lxml's incremental writer: no whole tree in memory), then validated offline against the
shipped 2.03 schemas."""

import multiprocessing
import pickle
import tempfile
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.models import Prefetch
from lxml import etree

from icilabas.cooperation.models import Participation, Project
from icilabas.core import processes as processes_of_ours

SCHEMA = Path(__file__).resolve().parent / "data" / "iati-activities-schema.xsd"
ORGANISATION_SCHEMA = SCHEMA.with_name("iati-organisations-schema.xsd")
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Project status -> IATI ActivityStatus.
STATUSES = {"identification": "1", "en_cours": "2", "termine": "4", "annule": "5", "suspendu": "6"}
LOCAL_GOVERNMENT = "10"  # IATI OrganisationType "Government" (local authorities report as such)
# Our kinds -> IATI OrganisationType (90: other).
ORGANISATION_TYPES = {
    "association": "22",
    "jumelage": "22",
    "osim": "22",
    "reseau": "22",
    "universite": "80",
    "ecole": "80",
    "entreprise": "70",
}


@lru_cache(maxsize=2)
def schema(path: Path = SCHEMA) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(path)))


def reporting_org(project: Project) -> tuple[str, str]:
    """(identifier prefix, name): the lead French organisation by its SIREN when known
    (FR-RCS-<SIREN>), else the network itself (settings.IATI_REPORTING_ORG)."""
    lead = next((p.organisation for p in _participants(project) if p.role == "pilote"), None)
    if lead is None and project.partnership_id:
        lead = next(iter(project.partnership.french_partners.all()), None)
    if lead is not None and lead.siren:
        return f"FR-RCS-{lead.siren}", lead.name
    return settings.IATI_REPORTING_ORG


def _participants(project: Project) -> list[Participation]:
    """Its participations, from the export's prefetched list (a related manager's `all()`
    copies a query each time: a second per 10,000 activities)."""
    participants = getattr(project, "exported_participations", None)
    return participants if participants is not None else list(project.participations.all())


def _utc_stamp(moment: datetime) -> str:
    """2026-12-01T03:50:00Z (strftime took 70 µs a call here)."""
    moment = moment.astimezone(UTC)
    return (
        f"{moment.year:04}-{moment.month:02}-{moment.day:02}"
        f"T{moment.hour:02}:{moment.minute:02}:{moment.second:02}Z"
    )


@lru_cache(maxsize=64)
def _language(code: str) -> dict[str, str]:
    return {XML_LANG: code}


def _narratives(parent, tag: str, texts: dict[str, str], attributes: dict | None = None):
    """An element with one narrative per language (the first one without xml:lang when the
    language is the activity's own)."""
    element = etree.SubElement(parent, tag, attributes or {})
    for language, text in texts.items():
        etree.SubElement(element, "narrative", _language(language)).text = text
    return element


def _texts(registry_text: str, kept: dict[str, str]) -> dict[str, str]:
    """The registry's (French) text, unless it is one of the texts kept from the imported
    file (or its truncation to the registry's length), followed by every language of that
    file."""
    shortened = registry_text.removesuffix("…")
    unchanged = any(
        text == registry_text or (shortened != registry_text and text.startswith(shortened))
        for text in kept.values()
    )
    texts = {} if unchanged else {"fr": registry_text}
    return {**texts, **{k: v for k, v in kept.items() if k not in texts}}


def _organisation(parent, tag: str, organisation: dict, extra: dict | None = None) -> None:
    attributes = {k: organisation[k] for k in ("ref", "type") if organisation.get(k)}
    _narratives(parent, tag, organisation.get("names") or {}, {**attributes, **(extra or {})})


def _value(parent, item: dict) -> None:
    attributes = {"value-date": item.get("value_date") or item.get("date") or item.get("start", "")}
    if item.get("currency"):
        attributes["currency"] = item["currency"]
    etree.SubElement(parent, "value", attributes).text = item["value"]


# (code before the aid types, the aid types' tag, code after them), in the schema's order.
ACTIVITY_CODE_ORDER = (
    ("collaboration-type", "default-flow-type", "default-finance-type"),
    "default-aid-type",
    ("default-tied-status",),
)
TRANSACTION_CODE_ORDER = (("flow-type", "finance-type"), "aid-type", ("tied-status",))


def _codes(parent, codes: dict[str, str], aid_types: list[dict], order: tuple) -> None:
    before, aid_tag, after = order
    for tag in before:
        if tag in codes:
            etree.SubElement(parent, tag, {"code": codes[tag]})
    for aid_type in aid_types:
        etree.SubElement(parent, aid_tag, aid_type)
    for tag in after:
        if tag in codes:
            etree.SubElement(parent, tag, {"code": codes[tag]})


def activity_element(project: Project) -> etree._Element | None:
    """One activity, children in the 2.03 schema's order; None without any date (IATI
    requires one). An imported activity is written back with what its file said that the
    registry has no field for (`IatiActivityData`)."""
    dates = [
        (kind, value) for kind, value in (("1", project.start_on), ("3", project.end_on)) if value
    ]
    if not dates:
        return None
    source = getattr(project, "iati_source", None)
    kept = source.data if source is not None else {}
    ref, name = reporting_org(project)
    activity = etree.Element(
        "iati-activity",
        {
            "last-updated-datetime": _utc_stamp(project.updated_at),
            XML_LANG: "fr",
            "default-currency": "EUR",
        },
    )
    etree.SubElement(activity, "iati-identifier").text = (
        project.iati_identifier or f"{ref}-ICILABAS-{project.pk}"
    )
    if "reporting_org" in kept:  # another publisher's activity keeps its publisher
        _organisation(activity, "reporting-org", kept["reporting_org"])
    else:
        _narratives(activity, "reporting-org", {"fr": name}, {"ref": ref, "type": LOCAL_GOVERNMENT})
    titles = _texts(project.title, kept.get("titles", {}))
    _narratives(activity, "title", titles)
    # The 2.03 schema requires a general description: the title stands in when there is none.
    description = " ".join(filter(None, [project.summary, project.description]))
    descriptions = _texts(description, kept.get("descriptions", {})) if description else titles
    _narratives(activity, "description", descriptions, {"type": "1"})
    for kind, texts in kept.get("other_descriptions", {}).items():
        _narratives(activity, "description", texts, {"type": kind})
    participants = _participants(project)
    for participation in participants:
        role = {"financeur": "1", "pilote": "2", "operateur": "4"}.get(participation.role, "2")
        _narratives(
            activity, "participating-org", {"fr": participation.organisation.name}, {"role": role}
        )
    for organisation in kept.get("participating_orgs", []):
        _organisation(activity, "participating-org", organisation, {"role": organisation["role"]})
    if not participants and not kept.get("participating_orgs"):
        _narratives(activity, "participating-org", {"fr": name}, {"ref": ref, "role": "2"})
    etree.SubElement(activity, "activity-status", {"code": STATUSES.get(project.status, "2")})
    for kind, value in dates:
        etree.SubElement(activity, "activity-date", {"type": kind, "iso-date": value.isoformat()})
    codes = kept.get("codes", {})
    if "activity-scope" in codes:
        etree.SubElement(activity, "activity-scope", {"code": codes["activity-scope"]})
    countries = kept.get("countries", [])
    if project.country and project.country.code not in {c["code"] for c in countries}:
        countries = [{"code": project.country.code, "percentage": ""}]
    for country in countries:
        attributes = {"code": country["code"]}
        if country["percentage"]:
            attributes["percentage"] = country["percentage"]
        etree.SubElement(activity, "recipient-country", attributes)
    for region in kept.get("regions", []):
        attributes = {"code": region["code"], "vocabulary": region["vocabulary"]}
        if region["percentage"]:
            attributes["percentage"] = region["percentage"]
        etree.SubElement(activity, "recipient-region", attributes)
    for location in kept.get("locations", []):
        element = etree.SubElement(
            activity, "location", {"ref": location["ref"]} if location["ref"] else {}
        )
        if location["names"]:
            _narratives(element, "name", location["names"])
        if location["pos"]:
            point = etree.SubElement(
                element, "point", {"srsName": "http://www.opengis.net/def/crs/EPSG/0/4326"}
            )
            etree.SubElement(point, "pos").text = location["pos"]
    sectors = kept.get("sectors") or (
        [{"vocabulary": "1", "code": project.dac_sector.code, "percentage": "100"}]
        if project.dac_sector_id
        else []
    )
    for sector in sectors:
        attributes = {"vocabulary": sector["vocabulary"], "code": sector["code"]}
        if sector["percentage"]:
            attributes["percentage"] = sector["percentage"]
        etree.SubElement(activity, "sector", attributes)
    _codes(activity, codes, kept.get("aid_types", []), ACTIVITY_CODE_ORDER)
    for budget in kept.get("budgets", []):
        attributes = {k: budget[k] for k in ("type", "status") if budget[k]}
        element = etree.SubElement(activity, "budget", attributes)
        etree.SubElement(element, "period-start", {"iso-date": budget["start"]})
        etree.SubElement(element, "period-end", {"iso-date": budget["end"]})
        _value(element, budget)
    for transaction in kept.get("transactions", []):
        element = etree.SubElement(activity, "transaction")
        etree.SubElement(element, "transaction-type", {"code": transaction["type"]})
        etree.SubElement(element, "transaction-date", {"iso-date": transaction["date"]})
        _value(element, transaction)
        for side in ("provider", "receiver"):
            if side in transaction:
                _organisation(element, f"{side}-org", transaction[side])
        transaction_codes = transaction.get("codes", {})
        if "disbursement-channel" in transaction_codes:
            channel = {"code": transaction_codes["disbursement-channel"]}
            etree.SubElement(element, "disbursement-channel", channel)
        for sector in transaction.get("sectors", []):
            etree.SubElement(element, "sector", sector)
        if "country" in transaction:
            etree.SubElement(element, "recipient-country", {"code": transaction["country"]})
        if "region" in transaction:
            etree.SubElement(element, "recipient-region", transaction["region"])
        _codes(element, transaction_codes, transaction.get("aid_types", []), TRANSACTION_CODE_ORDER)
    return activity


# Below this many projects, starting other processes costs more than it saves.
PARALLEL_FROM = 2000
PART_ROOT = "iati-activities"


def export_activities(path: Path, projects=None, *, processes: int = 1) -> dict[str, int]:
    """Write the projects to `path`; returns how many were written and skipped.

    With `processes` > 1 (the `export-iati` command), a large export is split by project id
    between that many new processes, each writing its part, joined in order afterwards: the
    export is Python work held by one core (building lxml elements, decoding the kept JSON)."""
    path = Path(path)
    projects = projects if projects is not None else Project.objects.all()
    now = _utc_stamp(datetime.now(UTC))
    ids = list(projects.order_by("pk").values_list("pk", flat=True)) if processes > 1 else []
    with open(path, "wb") as out, etree.xmlfile(out, encoding="utf-8") as writer:
        writer.write_declaration()
        with writer.element("iati-activities", {"version": "2.03", "generated-datetime": now}):
            if len(ids) < PARALLEL_FROM:
                return _write_activities(writer, projects)
            writer.flush()  # the start tag in `out` before the parts
            return _write_in_processes(out, projects, ids, processes, folder=path.parent)


def _write_in_processes(out, projects, ids: list[int], processes: int, *, folder: Path) -> dict:
    """The projects split by id between new processes, each writing its part; the parts'
    activities copied to `out` in order."""
    step = -(-len(ids) // processes)
    bounds = [(ids[i], ids[min(i + step, len(ids)) - 1]) for i in range(0, len(ids), step)]
    query = pickle.dumps(projects.query)
    with tempfile.TemporaryDirectory(dir=folder) as parts_folder:
        parts = [Path(parts_folder) / f"part-{n}.xml" for n in range(len(bounds))]
        with ProcessPoolExecutor(
            len(bounds),
            mp_context=multiprocessing.get_context("spawn"),  # no fork of a threaded worker
            initializer=processes_of_ours.start_django,
            initargs=(connection.settings_dict["NAME"],),
        ) as pool:
            counts = list(
                pool.map(
                    _export_part,
                    [query] * len(bounds),
                    [first for first, _last in bounds],
                    [last for _first, last in bounds],
                    [str(part) for part in parts],
                )
            )
        for part in parts:
            _copy_part(part, out)
    return {
        "written": sum(written for written, _skipped in counts),
        "skipped": sum(skipped for _written, skipped in counts),
    }


def _write_activities(writer, projects) -> dict[str, int]:
    projects = (
        projects.select_related("dac_sector", "partnership", "iati_source")
        .prefetch_related(
            "partnership__french_partners",
            Prefetch(
                "participations",
                queryset=Participation.objects.select_related("organisation").order_by("pk"),
                to_attr="exported_participations",
            ),
        )
        .order_by("pk")
    )
    written = skipped = 0
    for project in projects.iterator(chunk_size=500):
        element = activity_element(project)
        if element is None:
            skipped += 1
            continue
        writer.write(element)
        written += 1
    return {"written": written, "skipped": skipped}


def _export_part(query: bytes, first: int, last: int, part: str) -> tuple[int, int]:
    projects = Project.objects.all()
    projects.query = pickle.loads(query)  # the parent's own query
    with etree.xmlfile(part, encoding="utf-8") as writer, writer.element(PART_ROOT):
        counts = _write_activities(writer, projects.filter(pk__gte=first, pk__lte=last))
    return counts["written"], counts["skipped"]


def _copy_part(part: Path, out) -> None:
    """The activities of a part, without the element that held them."""
    start, end = f"<{PART_ROOT}>".encode(), f"</{PART_ROOT}>".encode()
    size = part.stat().st_size
    with open(part, "rb") as source:
        if source.read(len(start)) != start:  # an empty part is written <iati-activities/>
            return
        remaining = size - len(start) - len(end)
        while remaining > 0:
            chunk = source.read(min(remaining, 2**20))
            out.write(chunk)
            remaining -= len(chunk)


def validate(path: Path) -> list[str]:
    """Schema errors of an activity or organisation file ("line N: message"), empty when
    valid. A first pass validates while streaming, each item cleared once read: 100,000
    activities were 880 MB of tree when parsed whole. libxml2 gives no line numbers when
    streaming, so a file found invalid is validated again whole, for every error's line."""
    options = {"resolve_entities": False, "no_network": True}
    root = next(etree.iterparse(str(path), events=("start",), **options))[1].tag
    item = "iati-organisation" if root == "iati-organisations" else "iati-activity"
    checker = schema(ORGANISATION_SCHEMA if root == "iati-organisations" else SCHEMA)
    try:
        for _event, element in etree.iterparse(str(path), tag=item, schema=checker, **options):
            element.clear(keep_tail=False)
            while element.getprevious() is not None:
                del element.getparent()[0]
        return []
    except etree.XMLSyntaxError as error:
        streaming_error = error
    if checker.validate(etree.parse(str(path), etree.XMLParser(**options))):
        return [f"ligne {streaming_error.lineno} : {streaming_error.msg}"]  # not expected
    return [f"ligne {e.line} : {e.message}" for e in checker.error_log]


def organisation_identifier(organisation) -> str:
    """The organisation's IATI identifier: the one it was imported with, else FR-RCS-<SIREN>,
    else one under the network's own prefix."""
    if organisation.iati_identifier:
        return organisation.iati_identifier
    if organisation.siren:
        return f"FR-RCS-{organisation.siren}"
    return f"{settings.IATI_REPORTING_ORG[0]}-ORG-{organisation.pk}"


def export_organisations(path: Path, organisations) -> int:
    """An IATI 2.03 organisation file: each organisation reports for itself."""
    now = _utc_stamp(datetime.now(UTC))
    written = 0
    with etree.xmlfile(str(path), encoding="utf-8") as writer:
        writer.write_declaration()
        with writer.element("iati-organisations", {"version": "2.03", "generated-datetime": now}):
            for organisation in organisations.order_by("pk").iterator(chunk_size=500):
                identifier = organisation_identifier(organisation)
                element = etree.Element(
                    "iati-organisation",
                    {
                        "last-updated-datetime": organisation.updated_at.strftime(
                            "%Y-%m-%dT%H:%M:%SZ"
                        ),
                        XML_LANG: "fr",
                        "default-currency": "EUR",
                    },
                )
                etree.SubElement(element, "organisation-identifier").text = identifier
                _narratives(element, "name", {"fr": organisation.name})
                kind = (
                    LOCAL_GOVERNMENT
                    if organisation.kind in organisation.LOCAL_AUTHORITY_KINDS
                    else ORGANISATION_TYPES.get(organisation.kind, "90")
                )
                _narratives(
                    element,
                    "reporting-org",
                    {"fr": organisation.name},
                    {"ref": identifier, "type": kind},
                )
                writer.write(element)
                written += 1
    return written
