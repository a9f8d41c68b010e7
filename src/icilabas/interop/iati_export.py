"""Projects out as an IATI 2.03 activity file, written element by element in schema order
(lxml's incremental writer: no whole tree in memory), then validated offline against the
shipped 2.03 schemas."""

from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.db.models import Prefetch
from lxml import etree

from icilabas.cooperation.models import Participation, Project

SCHEMA = Path(__file__).resolve().parent / "data" / "iati-activities-schema.xsd"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Project status -> IATI ActivityStatus.
STATUSES = {"identification": "1", "en_cours": "2", "termine": "4", "annule": "5", "suspendu": "6"}
LOCAL_GOVERNMENT = "10"  # IATI OrganisationType "Government" (local authorities report as such)


@lru_cache(maxsize=1)
def activity_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA)))


def reporting_org(project: Project) -> tuple[str, str]:
    """(identifier prefix, name): the lead French organisation by its SIREN when known
    (FR-RCS-<SIREN>), else the network itself (settings.IATI_REPORTING_ORG)."""
    lead = next((p.organisation for p in project.participations.all() if p.role == "pilote"), None)
    if lead is None and project.partnership_id:
        lead = next(iter(project.partnership.french_partners.all()), None)
    if lead is not None and lead.siren:
        return f"FR-RCS-{lead.siren}", lead.name
    return settings.IATI_REPORTING_ORG


def _narrative(parent, tag: str, text: str, attributes: dict | None = None) -> None:
    element = etree.SubElement(parent, tag, attributes or {})
    etree.SubElement(element, "narrative", {XML_LANG: "fr"}).text = text


def activity_element(project: Project) -> etree._Element | None:
    """One activity, children in the 2.03 schema's order; None without any date (IATI
    requires one)."""
    dates = [
        (kind, value) for kind, value in (("1", project.start_on), ("3", project.end_on)) if value
    ]
    if not dates:
        return None
    ref, name = reporting_org(project)
    activity = etree.Element(
        "iati-activity",
        {
            "last-updated-datetime": project.updated_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            XML_LANG: "fr",
            "default-currency": "EUR",
        },
    )
    etree.SubElement(activity, "iati-identifier").text = (
        project.iati_identifier or f"{ref}-ICILABAS-{project.pk}"
    )
    _narrative(activity, "reporting-org", name, {"ref": ref, "type": LOCAL_GOVERNMENT})
    _narrative(activity, "title", project.title)
    # The 2.03 schema requires a description: the title stands in when there is none.
    description = " ".join(filter(None, [project.summary, project.description]))
    _narrative(activity, "description", description or project.title, {"type": "1"})
    participants = list(project.participations.all())
    for participation in participants:
        role = {"financeur": "1", "pilote": "2", "operateur": "4"}.get(participation.role, "2")
        _narrative(activity, "participating-org", participation.organisation.name, {"role": role})
    if not participants:
        _narrative(activity, "participating-org", name, {"ref": ref, "role": "2"})
    etree.SubElement(activity, "activity-status", {"code": STATUSES.get(project.status, "2")})
    for kind, value in dates:
        etree.SubElement(activity, "activity-date", {"type": kind, "iso-date": value.isoformat()})
    if project.country:
        etree.SubElement(activity, "recipient-country", {"code": project.country.code})
    if project.dac_sector_id:
        etree.SubElement(
            activity,
            "sector",
            {"vocabulary": "1", "code": project.dac_sector.code, "percentage": "100"},
        )
    return activity


def export_activities(path: Path, projects=None) -> dict[str, int]:
    """Write the projects to `path`; returns how many were written and skipped."""
    projects = projects if projects is not None else Project.objects.all()
    projects = (
        projects.select_related("dac_sector", "partnership")
        .prefetch_related(
            "partnership__french_partners",
            Prefetch(
                "participations",
                queryset=Participation.objects.select_related("organisation").order_by("pk"),
            ),
        )
        .order_by("pk")
    )
    written = skipped = 0
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    with etree.xmlfile(str(path), encoding="utf-8") as writer:
        writer.write_declaration()
        with writer.element("iati-activities", {"version": "2.03", "generated-datetime": now}):
            for project in projects.iterator(chunk_size=500):
                element = activity_element(project)
                if element is None:
                    skipped += 1
                    continue
                writer.write(element)
                written += 1
    return {"written": written, "skipped": skipped}


def validate(path: Path) -> list[str]:
    """Schema errors of an activity file ("line N: message"), empty when valid."""
    schema = activity_schema()
    document = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))
    if schema.validate(document):
        return []
    return [f"ligne {e.line} : {e.message}" for e in schema.error_log]
