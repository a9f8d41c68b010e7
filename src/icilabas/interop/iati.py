"""IATI activity files in: a streaming, hardened reader and the mapping to projects.

The reader walks the file with lxml's iterparse and clears each activity once read, so memory
stays flat whatever the file size. Entities are never expanded and a DTD is refused (XXE,
"billion laughs"); only versions 2.0x are accepted. Problems are reported with their line and
a level: critical (the file is refused), error (an activity cannot be taken), warning.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from lxml import etree

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
CRITICAL, ERROR, WARNING = "critique", "erreur", "avertissement"
LEVEL_LABELS = {
    CRITICAL: pgettext_lazy("report level", "critique"),
    ERROR: pgettext_lazy("report level", "erreur"),
    WARNING: pgettext_lazy("report level", "avertissement"),
}
MAX_BYTES = 2 * 2**30  # refuse beyond 2 GB without reading it


@dataclass(frozen=True)
class Problem:
    level: str
    line: int | None
    message: str


@dataclass
class Activity:
    identifier: str
    line: int
    titles: dict[str, str] = field(default_factory=dict)
    descriptions: dict[str, str] = field(default_factory=dict)
    status: str = ""
    start: date | None = None
    end: date | None = None
    countries: list[str] = field(default_factory=list)
    sectors: list[tuple[str, str]] = field(default_factory=list)  # (vocabulary, code)
    reporting_org: str = ""
    # What the registry has no field for, kept to write the activity back out unchanged:
    # reporting and participating organisations, recipient countries with percentages,
    # sectors with percentages, locations, budgets, transactions (see `_extras`).
    extras: dict = field(default_factory=dict)


def preferred_text(narratives: dict[str, str]) -> str:
    """French if the file has it, else English, else its first language."""
    for language in ("fr", "en"):
        if narratives.get(language):
            return narratives[language]
    return next(iter(narratives.values()), "")


class IatiFileError(Exception):
    def __init__(self, problem: Problem):
        super().__init__(problem.message)
        self.problem = problem


def _narratives(element, default_language: str) -> dict[str, str]:
    found = {}
    for narrative in element:
        if narrative.tag == "narrative" and narrative.text:
            text = " ".join(narrative.text.split())
            if text:
                language = (narrative.get(XML_LANG) or default_language or "en").lower()
                found.setdefault(language, text)
    return found


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat((value or "")[:10])
    except ValueError:
        return None


def _organisation(element, language: str) -> dict:
    return {
        "ref": element.get("ref", ""),
        "type": element.get("type", ""),
        "names": _narratives(element, language),
    }


def _value(element) -> dict:
    value = element.find("value")
    if value is None:
        return {"value": "", "currency": "", "value_date": ""}
    return {
        "value": (value.text or "").strip(),
        "currency": value.get("currency", ""),
        "value_date": value.get("value-date", ""),
    }


def _iso(element, tag: str) -> str:
    found = element.find(tag)
    return found.get("iso-date", "") if found is not None else ""


def _transaction(element, language: str) -> dict:
    """One pass over a transaction's children: real files carry thousands of transactions."""
    transaction: dict = {"type": "", "date": ""}
    value = None
    for child in element:
        tag = child.tag
        if tag == "transaction-type" and not transaction["type"]:
            transaction["type"] = child.get("code", "")
        elif tag == "transaction-date" and not transaction["date"]:
            transaction["date"] = child.get("iso-date", "")
        elif tag == "value" and value is None:
            value = child
        elif tag in ("provider-org", "receiver-org") and tag[:-4] not in transaction:
            transaction[tag[:-4]] = _organisation(child, language)
    transaction["value"] = (value.text or "").strip() if value is not None else ""
    transaction["currency"] = value.get("currency", "") if value is not None else ""
    transaction["value_date"] = value.get("value-date", "") if value is not None else ""
    return transaction


def _location(element, language: str) -> dict:
    name = element.find("name")
    return {
        "ref": element.get("ref", ""),
        "names": _narratives(name, language) if name is not None else {},
        "pos": " ".join((element.findtext("point/pos") or "").split()),
    }


def _budget(element, _language: str) -> dict:
    return {
        "type": element.get("type", ""),
        "status": element.get("status", ""),
        "start": _iso(element, "period-start"),
        "end": _iso(element, "period-end"),
        **_value(element),
    }


# Repeated parts kept in `Activity.extras`, each read by its function.
_REPEATED = {
    "participating-org": (
        "participating_orgs",
        lambda e, language: {**_organisation(e, language), "role": e.get("role", "")},
    ),
    "location": ("locations", _location),
    "budget": ("budgets", _budget),
    "transaction": ("transactions", _transaction),
}


def _activity(element, default_language: str) -> Activity:
    """One pass over the activity's children (each `find` would walk them all again)."""
    language = (element.get(XML_LANG) or default_language or "en").lower()
    activity = Activity(identifier="", line=element.sourceline)
    identifier = title = status = reporting = None
    dates: dict[str | None, date | None] = {}
    other_descriptions: dict[str, dict] = {}
    repeated: dict[str, list] = {key: [] for key, _read in _REPEATED.values()}
    countries, sectors = [], []
    for child in element:
        tag = child.tag
        if tag in _REPEATED:
            key, read = _REPEATED[tag]
            repeated[key].append(read(child, language))
        elif tag == "description":
            kind = child.get("type", "1")
            texts = _narratives(child, language)
            if kind == "1":
                for key, text in texts.items():
                    activity.descriptions.setdefault(key, text)
            else:  # objectives, target groups…: kept in every language
                for key, text in texts.items():
                    other_descriptions.setdefault(kind, {}).setdefault(key, text)
        elif tag == "activity-date":
            dates[child.get("type")] = _date(child.get("iso-date"))
        elif tag == "recipient-country":
            if code := child.get("code"):
                countries.append({"code": code.upper(), "percentage": child.get("percentage", "")})
        elif tag == "sector":
            if code := child.get("code"):
                sectors.append(
                    {
                        "vocabulary": child.get("vocabulary", "1"),
                        "code": code,
                        "percentage": child.get("percentage", ""),
                    }
                )
        elif tag == "iati-identifier" and identifier is None:
            identifier = child
        elif tag == "title" and title is None:
            title = child
        elif tag == "activity-status" and status is None:
            status = child
        elif tag == "reporting-org" and reporting is None:
            reporting = child
    activity.identifier = ((identifier.text if identifier is not None else "") or "").strip()
    if title is not None:
        activity.titles = _narratives(title, language)
    if status is not None:
        activity.status = status.get("code", "")
    activity.start = dates.get("2") or dates.get("1")
    activity.end = dates.get("4") or dates.get("3")
    activity.countries = [country["code"] for country in countries]
    activity.sectors = [(sector["vocabulary"], sector["code"]) for sector in sectors]
    extras: dict = {
        "titles": activity.titles,
        "descriptions": activity.descriptions,
        "other_descriptions": other_descriptions,
    }
    if reporting is not None:
        activity.reporting_org = reporting.get("ref", "")
        extras["reporting_org"] = _organisation(reporting, language)
    extras.update(participating_orgs=repeated.pop("participating_orgs"), countries=countries)
    extras.update(sectors=sectors, **repeated)
    # What the registry has no field for, in plain JSON-ready values.
    activity.extras = {key: value for key, value in extras.items() if value}
    return activity


ROOTS = {"iati-activities": "iati-activity", "iati-organisations": "iati-organisation"}


def file_kind(path: Path) -> str:
    """The root element of an IATI file ("iati-activities" or "iati-organisations")."""
    try:
        for _event, root in etree.iterparse(str(path), events=("start",), **PARSER_OPTIONS):
            return root.tag if root.tag in ROOTS else "iati-activities"
    except (etree.XMLSyntaxError, OSError):
        pass  # the reader of activity files will say what is wrong, with the line
    return "iati-activities"


def _check_root(path: Path, options: dict, expected: str = "iati-activities") -> str:
    """The file's default language, once its root says it is an IATI 2.0x file of the
    expected kind."""
    for _event, root in etree.iterparse(str(path), events=("start",), **options):
        document = root.getroottree().docinfo
        if document.doctype or document.internalDTD is not None:
            # Whatever the encoding or however far in: the parser has read it, not expanded it.
            raise IatiFileError(
                Problem(CRITICAL, root.sourceline, _("DTD ou entités refusées (sécurité XML)."))
            )
        if root.tag != expected:
            raise IatiFileError(
                Problem(
                    CRITICAL,
                    root.sourceline,
                    _(
                        "Élément racine « %(root)s » : un fichier IATI de ce type "
                        "commence par « %(expected)s »."
                    )
                    % {"root": root.tag, "expected": expected},
                )
            )
        version = root.get("version", "")
        if not version.startswith("2."):
            raise IatiFileError(
                Problem(
                    CRITICAL,
                    root.sourceline,
                    _("Version IATI « %(version)s » non prise en charge (2.01 à 2.03 acceptées).")
                    % {"version": version or _("absente")},
                )
            )
        return (root.get(XML_LANG) or "en").lower()
    raise IatiFileError(Problem(CRITICAL, None, _("Fichier vide.")))


PARSER_OPTIONS = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "huge_tree": False,
    "remove_comments": True,
}


def _refuse_too_big(path: Path) -> None:
    if path.stat().st_size > MAX_BYTES:
        raise IatiFileError(Problem(CRITICAL, None, _("Fichier trop volumineux (plus de 2 Go).")))


def read_activities(path: Path) -> Iterator[Activity]:
    """Activities of an IATI file, one at a time. Raises IatiFileError for a refused file."""
    for element, language in _elements(Path(path), "iati-activities"):
        yield _activity(element, language)


@dataclass
class OrganisationRecord:
    identifier: str
    line: int
    names: dict[str, str] = field(default_factory=dict)
    type: str = ""


def read_organisations(path: Path) -> Iterator[OrganisationRecord]:
    """Organisations of an IATI organisation file, one at a time."""
    for element, language in _elements(Path(path), "iati-organisations"):
        reporting = element.find("reporting-org")
        name = element.find("name")
        yield OrganisationRecord(
            identifier=(element.findtext("organisation-identifier") or "").strip(),
            line=element.sourceline,
            names=_narratives(name, language) if name is not None else {},
            type=reporting.get("type", "") if reporting is not None else "",
        )


def _elements(path: Path, root: str):
    """(element, default language) for each item of the file, cleared once used: memory stays
    flat whatever the file size. Entities are never expanded and a DTD is refused."""
    _refuse_too_big(path)
    try:
        default_language = _check_root(path, PARSER_OPTIONS, root)
        # Only the items reach Python: the rest of the tree is walked in C (lxml's tag filter).
        for _event, element in etree.iterparse(str(path), tag=ROOTS[root], **PARSER_OPTIONS):
            yield element, (element.get(XML_LANG) or default_language).lower()
            element.clear(keep_tail=False)
            while element.getprevious() is not None:
                del element.getparent()[0]
    except etree.XMLSyntaxError as error:
        raise IatiFileError(
            Problem(CRITICAL, error.lineno, _("XML invalide : %(error)s") % {"error": error.msg})
        ) from error
