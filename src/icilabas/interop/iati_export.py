"""Projects out as an IATI 2.03 activity file, written as text in the schema's order one
activity at a time (no tree in memory), then validated offline against the shipped 2.03
schemas."""

import gc
import multiprocessing
import pickle
import re
import tempfile
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.models import F, Prefetch
from lxml import etree

from icilabas.actors.models import Organisation
from icilabas.cooperation.models import Participation, Project
from icilabas.core import processes as processes_of_ours
from icilabas.core.collection import cycle_collector_paused

SCHEMA = Path(__file__).resolve().parent / "data" / "iati-activities-schema.xsd"
ORGANISATION_SCHEMA = SCHEMA.with_name("iati-organisations-schema.xsd")
DECLARATION = "<?xml version='1.0' encoding='utf-8'?>\n"
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


# What XML text and attribute values must escape, as libxml2 writes them, and the characters
# XML 1.0 cannot carry at all (control characters, lone surrogates), dropped.
_FORBIDDEN = r"\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff"
_IN_TEXT = re.compile(rf"[&<>\r{_FORBIDDEN}]")
_IN_ATTRIBUTE = re.compile(rf'[&<>"\n\r\t{_FORBIDDEN}]')
_ESCAPED = {
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    '"': "&quot;",
    "\n": "&#10;",
    "\r": "&#13;",
    "\t": "&#9;",
}


def _escaped(character: re.Match) -> str:
    return _ESCAPED.get(character[0], "")


def _text(value: str) -> str:
    return _IN_TEXT.sub(_escaped, value) if _IN_TEXT.search(value) else value


def _value_of(attribute: str) -> str:
    return _IN_ATTRIBUTE.sub(_escaped, attribute) if _IN_ATTRIBUTE.search(attribute) else attribute


def _attributes(attributes: dict[str, str]) -> str:
    if _IN_ATTRIBUTE.search("".join(attributes.values())):  # rare: one look for them all
        return "".join([f' {name}="{_value_of(value)}"' for name, value in attributes.items()])
    return "".join([f' {name}="{value}"' for name, value in attributes.items()])


def _element(tag: str, attributes: dict[str, str] | None = None, content: str = "") -> str:
    """An element around content already written (`<tag/>` when there is none)."""
    start = f"<{tag}{_attributes(attributes) if attributes else ''}"
    return f"{start}>{content}</{tag}>" if content else f"{start}/>"


def _attributes_present(item: dict, names: tuple[str, ...]) -> str:
    """The attributes `names` that `item` has a value for, written in that order."""
    return "".join([f' {name}="{_value_of(item[name])}"' for name in names if item.get(name)])


def _coded(tag: str, code: str) -> str:
    """`<tag code="…"/>`, the commonest element of an activity, written without a dict."""
    return f'<{tag} code="{_value_of(code)}"/>'


def _leaf(tag: str, attributes: dict[str, str] | None, text: str) -> str:
    """An element holding text (written `<tag></tag>` even when the text is empty)."""
    return f"<{tag}{_attributes(attributes) if attributes else ''}>{_text(text)}</{tag}>"


def _narratives(tag: str, texts: dict[str, str], attributes: str = "") -> str:
    """An element with one narrative per language; `attributes` already written."""
    narratives = "".join(
        [
            f'<narrative xml:lang="{_value_of(language)}">{_text(text)}</narrative>'
            for language, text in texts.items()
        ]
    )
    return f"<{tag}{attributes}>{narratives}</{tag}>" if narratives else f"<{tag}{attributes}/>"


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


def _organisation(tag: str, organisation: dict, extra: str = "") -> str:
    """A kept organisation (its ref, type and names); `extra` attributes already written."""
    attributes = _attributes_present(organisation, ("ref", "type"))
    return _narratives(tag, organisation.get("names") or {}, attributes + extra)


def _value(item: dict) -> str:
    date = item.get("value_date") or item.get("date") or item.get("start", "")
    currency = f' currency="{_value_of(item["currency"])}"' if item.get("currency") else ""
    return f'<value value-date="{_value_of(date)}"{currency}>{_text(item["value"])}</value>'


def _with_percentage(attributes: dict[str, str], percentage: str) -> dict[str, str]:
    return {**attributes, "percentage": percentage} if percentage else attributes


# (code before the aid types, the aid types' tag, code after them), in the schema's order.
ACTIVITY_CODE_ORDER = (
    ("collaboration-type", "default-flow-type", "default-finance-type"),
    "default-aid-type",
    ("default-tied-status",),
)
TRANSACTION_CODE_ORDER = (("flow-type", "finance-type"), "aid-type", ("tied-status",))


def _codes(codes: dict[str, str], aid_types: list[dict], order: tuple) -> list[str]:
    before, aid_tag, after = order
    return [
        *(_coded(tag, codes[tag]) for tag in before if tag in codes),
        *(_element(aid_tag, aid_type) for aid_type in aid_types),
        *(_coded(tag, codes[tag]) for tag in after if tag in codes),
    ]


def _location(location: dict) -> str:
    content = _narratives("name", location["names"]) if location["names"] else ""
    if location["pos"]:
        point = {"srsName": "http://www.opengis.net/def/crs/EPSG/0/4326"}
        content += _element("point", point, _leaf("pos", None, location["pos"]))
    return _element("location", {"ref": location["ref"]} if location["ref"] else None, content)


def _budget(budget: dict) -> str:
    return (
        f"<budget{_attributes_present(budget, ('type', 'status'))}>"
        f'<period-start iso-date="{_value_of(budget["start"])}"/>'
        f'<period-end iso-date="{_value_of(budget["end"])}"/>{_value(budget)}</budget>'
    )


def _transaction(transaction: dict) -> str:
    codes = transaction.get("codes", {})
    content = [
        _coded("transaction-type", transaction["type"]),
        f'<transaction-date iso-date="{_value_of(transaction["date"])}"/>',
        _value(transaction),
        *(
            _organisation(f"{side}-org", transaction[side])
            for side in ("provider", "receiver")
            if side in transaction
        ),
    ]
    if "disbursement-channel" in codes:
        content.append(_coded("disbursement-channel", codes["disbursement-channel"]))
    content += [_element("sector", sector) for sector in transaction.get("sectors", [])]
    if "country" in transaction:
        content.append(_coded("recipient-country", transaction["country"]))
    if "region" in transaction:
        content.append(_element("recipient-region", transaction["region"]))
    content += _codes(codes, transaction.get("aid_types", []), TRANSACTION_CODE_ORDER)
    return f"<transaction>{''.join(content)}</transaction>"


def activity_xml(project: Project) -> str | None:
    """One activity, children in the 2.03 schema's order; None without any date (IATI
    requires one). An imported activity is written back with what its file said that the
    registry has no field for (`IatiActivityData`)."""
    dates = [
        (kind, value) for kind, value in (("1", project.start_on), ("3", project.end_on)) if value
    ]
    if not dates:
        return None
    kept = project.kept_iati_data or {}
    ref, name = reporting_org(project)
    content = [
        _leaf("iati-identifier", None, project.iati_identifier or f"{ref}-ICILABAS-{project.pk}")
    ]
    if "reporting_org" in kept:  # another publisher's activity keeps its publisher
        content.append(_organisation("reporting-org", kept["reporting_org"]))
    else:
        content.append(
            _narratives(
                "reporting-org", {"fr": name}, _attributes({"ref": ref, "type": LOCAL_GOVERNMENT})
            )
        )
    titles = _texts(project.title, kept.get("titles", {}))
    content.append(_narratives("title", titles))
    # The 2.03 schema requires a general description: the title stands in when there is none.
    description = " ".join(filter(None, [project.summary, project.description]))
    descriptions = _texts(description, kept.get("descriptions", {})) if description else titles
    content.append(_narratives("description", descriptions, ' type="1"'))
    content += [
        _narratives("description", texts, f' type="{_value_of(kind)}"')
        for kind, texts in kept.get("other_descriptions", {}).items()
    ]
    participants = _participants(project)
    roles = {"financeur": "1", "pilote": "2", "operateur": "4"}
    content += [
        _narratives(
            "participating-org",
            {"fr": participation.organisation.name},
            f' role="{roles.get(participation.role, "2")}"',
        )
        for participation in participants
    ]
    content += [
        _organisation(
            "participating-org", organisation, f' role="{_value_of(organisation["role"])}"'
        )
        for organisation in kept.get("participating_orgs", [])
    ]
    if not participants and not kept.get("participating_orgs"):
        content.append(
            _narratives("participating-org", {"fr": name}, _attributes({"ref": ref, "role": "2"}))
        )
    content.append(_coded("activity-status", STATUSES.get(project.status, "2")))
    content += [
        _element("activity-date", {"type": kind, "iso-date": value.isoformat()})
        for kind, value in dates
    ]
    codes = kept.get("codes", {})
    if "activity-scope" in codes:
        content.append(_coded("activity-scope", codes["activity-scope"]))
    countries = kept.get("countries", [])
    if project.country and project.country.code not in {c["code"] for c in countries}:
        countries = [{"code": project.country.code, "percentage": ""}]
    content += [
        _element(
            "recipient-country", _with_percentage({"code": country["code"]}, country["percentage"])
        )
        for country in countries
    ]
    content += [
        _element(
            "recipient-region",
            _with_percentage(
                {"code": region["code"], "vocabulary": region["vocabulary"]}, region["percentage"]
            ),
        )
        for region in kept.get("regions", [])
    ]
    content += [_location(location) for location in kept.get("locations", [])]
    sectors = kept.get("sectors") or (
        [{"vocabulary": "1", "code": project.dac_sector.code, "percentage": "100"}]
        if project.dac_sector_id
        else []
    )
    content += [
        _element(
            "sector",
            _with_percentage(
                {"vocabulary": sector["vocabulary"], "code": sector["code"]}, sector["percentage"]
            ),
        )
        for sector in sectors
    ]
    content += _codes(codes, kept.get("aid_types", []), ACTIVITY_CODE_ORDER)
    content += [_budget(budget) for budget in kept.get("budgets", [])]
    content += [_transaction(transaction) for transaction in kept.get("transactions", [])]
    stamp = {
        "last-updated-datetime": _utc_stamp(project.updated_at),
        "xml:lang": "fr",
        "default-currency": "EUR",
    }
    return _element("iati-activity", stamp, "".join(content))


# Below this many projects, starting other processes costs more than it saves.
PARALLEL_FROM = 2000
# Parts per process: small enough that the processes end together.
PARTS_PER_PROCESS = 4
CLOSING = "</iati-activities>"


def export_activities(
    path: Path, projects=None, *, processes: int = 1, validated: bool = False
) -> dict:
    """Write the projects to `path`; returns how many were written and skipped and, when
    `validated`, the file's schema errors ("errors", empty when valid).

    With `processes` > 1 (the `export-iati` command), a large export is split by project id
    between that many new processes, each writing and validating its part, joined in order
    afterwards: the export is Python work held by one core (writing the text, decoding the
    kept JSON), and so is the validation."""
    path = Path(path)
    projects = projects if projects is not None else Project.objects.all()
    root = f'<iati-activities version="2.03" generated-datetime="{_utc_stamp(datetime.now(UTC))}">'
    ids = list(projects.order_by("pk").values_list("pk", flat=True)) if processes > 1 else []
    if len(ids) < PARALLEL_FROM:
        counts = _write_file(path, projects, root)
        return {**counts, "errors": validate(path)} if validated else counts
    return _write_in_processes(path, projects, ids, processes, root=root, validated=validated)


def _write_file(path: Path, projects, root: str) -> dict[str, int]:
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write(DECLARATION + root)
        counts = _write_activities(out, projects)
        out.write(CLOSING)
    return counts


def _write_in_processes(
    path: Path, projects, ids: list[int], processes: int, *, root: str, validated: bool
) -> dict:
    """The projects split by id into parts, each written by this process or a new one as a
    whole file with the same root element (and validated); the parts' activities copied to
    `path` in order. The schema asks nothing across activities, so valid parts make a valid
    file. The new processes take the parts from the first on; this one, which needs no
    start-up (Django takes 2 s to start here), takes from the last those not started yet."""
    step = -(-len(ids) // (processes * PARTS_PER_PROCESS))
    bounds = [(ids[i], ids[min(i + step, len(ids)) - 1]) for i in range(0, len(ids), step)]
    query = pickle.dumps(projects.query)
    with tempfile.TemporaryDirectory(dir=path.parent) as parts_folder:
        parts = [Path(parts_folder) / f"part-{n}.xml" for n in range(len(bounds))]
        with ProcessPoolExecutor(
            processes - 1,
            mp_context=multiprocessing.get_context("spawn"),  # no fork of a threaded worker
            initializer=processes_of_ours.start_django,
            initargs=(connection.settings_dict["NAME"],),
        ) as pool:
            others = [
                pool.submit(_export_part, query, first, last, str(part), root, validated)
                for (first, last), part in zip(bounds, parts, strict=True)
            ]
            results = {}
            for n in reversed(range(len(bounds))):
                if others[n].cancel():  # not started by another process: this one writes it
                    results[n] = _write_part(projects, *bounds[n], parts[n], root, validated)
            results |= {n: other.result() for n, other in enumerate(others) if n not in results}
        header = len((DECLARATION + root).encode())
        with open(path, "wb") as out:
            out.write((DECLARATION + root).encode())
            for part in parts:
                _copy_part(part, out, header)
            out.write(CLOSING.encode())
    counts = {
        "written": sum(written for written, _skipped, _valid in results.values()),
        "skipped": sum(skipped for _written, skipped, _valid in results.values()),
    }
    if not validated:
        return counts
    # A part found invalid (not expected): the joined file validated whole names the lines.
    valid = all(valid for *_, valid in results.values())
    return {**counts, "errors": [] if valid else validate(path)}


# What an activity is written from: Django builds model objects with these fields only (the
# objects and their fields were a third of the export's time).
EXPORTED_FIELDS = (
    "iati_identifier",
    "title",
    "summary",
    "description",
    "status",
    "start_on",
    "end_on",
    "country",
    "dac_sector__code",
    "partnership_id",
    "updated_at",
)


CHUNK = 500


def _write_activities(out, projects) -> dict[str, int]:
    projects = (
        projects.select_related("dac_sector")
        .only(*EXPORTED_FIELDS)
        # Not the related object: with it, each activity's decoded data sat in a reference
        # cycle (project <-> its data) that only the garbage collector frees, and collecting
        # it took a third of the time.
        .annotate(kept_iati_data=F("iati_source__data"))
        .prefetch_related(
            Prefetch(
                "partnership__french_partners",
                queryset=Organisation.objects.only("name", "siren"),
            ),
            Prefetch(
                "participations",
                queryset=Participation.objects.select_related("organisation")
                .only("project_id", "role", "organisation__name", "organisation__siren")
                .order_by("pk"),
                to_attr="exported_participations",
            ),
        )
        .order_by("pk")
    )
    written = skipped = 0
    with cycle_collector_paused():
        for count, project in enumerate(projects.iterator(chunk_size=CHUNK), start=1):
            activity = activity_xml(project)
            if activity is None:
                skipped += 1
            else:
                out.write(activity)
                written += 1
            if count % CHUNK == 0:  # a chunk's projects and their participations hold cycles
                gc.collect()
    return {"written": written, "skipped": skipped}


def _export_part(
    query: bytes, first: int, last: int, part: str, root: str, validated: bool
) -> tuple[int, int, bool]:
    """A part written in another process, from its parent's query."""
    projects = Project.objects.all()
    projects.query = pickle.loads(query)  # the parent's own query
    return _write_part(projects, first, last, Path(part), root, validated)


def _write_part(
    projects, first: int, last: int, part: Path, root: str, validated: bool
) -> tuple[int, int, bool]:
    """(written, skipped, valid) of one part; a part with no activity adds nothing to check."""
    counts = _write_file(part, projects.filter(pk__gte=first, pk__lte=last), root)
    valid = not (validated and counts["written"] and validate(part))
    return counts["written"], counts["skipped"], valid


def _copy_part(part: Path, out, header: int) -> None:
    """The activities of a part, without its declaration and root element."""
    remaining = part.stat().st_size - header - len(CLOSING)
    with open(part, "rb") as source:
        source.seek(header)
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
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write(f'{DECLARATION}<iati-organisations version="2.03" generated-datetime="{now}">')
        for organisation in organisations.order_by("pk").iterator(chunk_size=500):
            identifier = organisation_identifier(organisation)
            kind = (
                LOCAL_GOVERNMENT
                if organisation.kind in organisation.LOCAL_AUTHORITY_KINDS
                else ORGANISATION_TYPES.get(organisation.kind, "90")
            )
            stamp = {
                "last-updated-datetime": _utc_stamp(organisation.updated_at),
                "xml:lang": "fr",
                "default-currency": "EUR",
            }
            content = (
                _leaf("organisation-identifier", None, identifier)
                + _narratives("name", {"fr": organisation.name})
                + _narratives(
                    "reporting-org",
                    {"fr": organisation.name},
                    _attributes({"ref": identifier, "type": kind}),
                )
            )
            out.write(_element("iati-organisation", stamp, content))
            written += 1
        out.write("</iati-organisations>")
    return written
