"""IATI activity files in: a streaming, hardened reader and the mapping to projects.

The reader walks the file with lxml's iterparse and clears each activity once read, so memory
stays flat whatever the file size. Entities are never expanded and a DTD is refused (XXE,
"billion laughs"); only versions 2.0x are accepted. Problems are reported with their line and
a level: critical (the file is refused), error (an activity cannot be taken), warning.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
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
    # reporting and participating organisations, recipient countries and regions with
    # percentages, sectors with percentages, locations, default codes (scope, collaboration,
    # flow, finance and aid types, tied status), budgets, transactions (with their sectors,
    # country or region and codes).
    extras: dict = field(default_factory=dict)
    # (line, message): values the schema would refuse, left out of what is kept.
    problems: list[tuple[int, str]] = field(default_factory=list)


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


@dataclass(slots=True)
class _Reading:
    """What reading one item needs besides its element: the language its narratives default
    to, and the warnings about values the schema would refuse (dropped, so that what is kept
    can be written back out valid)."""

    language: str
    currency: str = ""  # the activity's default-currency, written out on each value
    problems: list[tuple[int, str]] = field(default_factory=list)

    def drop(self, element, expected: str, value: str | None = None, attribute: str = "") -> None:
        """Warn that the element (or only its attribute) is left out: its value is not what
        the schema expects, or (value None) it lacks something the schema requires."""
        values = {
            "element": element.tag,
            "attribute": attribute,
            "value": value,
            "expected": expected,
        }
        if attribute:
            message = _(
                "Attribut « %(attribute)s » de « %(element)s » ignoré : « %(value)s » n'est pas "
                "%(expected)s."
            )
        elif value is None:
            message = _("Élément « %(element)s » ignoré : il lui manque %(expected)s.")
        else:
            message = _("Élément « %(element)s » ignoré : « %(value)s » n'est pas %(expected)s.")
        self.problems.append((element.sourceline, message % values))


# What the schema's types accept: xs:decimal, xs:language (few distinct codes: cached).
_DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_LANGUAGE = re.compile(r"[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*")


@lru_cache(maxsize=256)
def _is_language(code: str) -> bool:
    return _LANGUAGE.fullmatch(code) is not None


def _narratives(element, reading: _Reading) -> dict[str, str]:
    found = {}
    for narrative in element:
        if narrative.tag == "narrative" and narrative.text:
            text = " ".join(narrative.text.split())
            if text:
                language = narrative.get(XML_LANG)
                if language is None:
                    language = reading.language
                elif not _is_language(language):
                    reading.drop(narrative, _("un code de langue"), language, "xml:lang")
                    language = reading.language
                found.setdefault(language.lower(), text)
    return found


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat((value or "")[:10])
    except ValueError:
        return None


def _checked_date(element, attribute: str, reading: _Reading) -> date | None:
    """The attribute's date (None when absent or, with a warning, invalid)."""
    value = element.get(attribute)
    found = _date(value)
    if found is None and value is not None:
        reading.drop(element, _("une date (aaaa-mm-jj)"), value, attribute)
    return found


def _iso_date(element, attribute: str, reading: _Reading) -> str:
    """The same as xs:date text, as it is kept ("" for none)."""
    found = _checked_date(element, attribute, reading)
    return found.isoformat() if found else ""


def _percentage(element, reading: _Reading) -> str:
    value = (element.get("percentage") or "").strip()
    if value and not (_DECIMAL.fullmatch(value) and 0 <= float(value) <= 100):
        reading.drop(element, _("un pourcentage (0 à 100)"), value, "percentage")
        return ""
    return value


def _organisation(element, reading: _Reading) -> dict:
    return {
        "ref": element.get("ref", ""),
        "type": element.get("type", ""),
        "names": _narratives(element, reading),
    }


def _value(parent, element, reading: _Reading) -> dict | None:
    """A budget's or transaction's value, None (the parent left out) when it has no amount
    the schema accepts."""
    if element is None:
        reading.drop(parent, _("un montant"))
        return None
    amount = (element.text or "").strip()
    if not _DECIMAL.fullmatch(amount):
        reading.drop(parent, _("un montant (chiffres et point décimal)"), amount)
        return None
    return {
        "value": amount,
        "currency": element.get("currency") or reading.currency,
        "value_date": _iso_date(element, "value-date", reading),
    }


def _transaction(element, reading: _Reading) -> dict | None:
    """One pass over a transaction's children: real files carry thousands of transactions."""
    transaction: dict = {"type": "", "date": ""}
    value = date_element = None
    for child in element:
        tag = child.tag
        if tag == "transaction-type" and not transaction["type"]:
            transaction["type"] = child.get("code", "")
        elif tag == "transaction-date" and date_element is None:
            date_element = child
        elif tag == "value" and value is None:
            value = child
        elif tag in ("provider-org", "receiver-org") and tag[:-4] not in transaction:
            transaction[tag[:-4]] = _organisation(child, reading)
        elif tag == "sector" and (code := child.get("code")):
            # Where the activity gives none, IATI wants a sector on every transaction.
            vocabulary = child.get("vocabulary", "1")
            transaction.setdefault("sectors", []).append({"vocabulary": vocabulary, "code": code})
        elif tag == "recipient-country" and (code := child.get("code")):
            transaction["country"] = code.upper()
        elif tag == "recipient-region" and (code := child.get("code")):
            transaction["region"] = {"code": code, "vocabulary": child.get("vocabulary", "1")}
        elif tag in TRANSACTION_CODES and (code := child.get("code")):
            transaction.setdefault("codes", {}).setdefault(tag, code)
        elif tag == "aid-type" and (code := child.get("code")):
            aid_type = {"code": code, "vocabulary": child.get("vocabulary", "1")}
            transaction.setdefault("aid_types", []).append(aid_type)
    if date_element is not None:
        transaction["date"] = _iso_date(date_element, "iso-date", reading)
    if not transaction["date"] or not transaction["type"]:
        reading.drop(element, _("une date") if not transaction["date"] else _("un type"))
        return None
    amount = _value(element, value, reading)
    return None if amount is None else {**transaction, **amount}


def _location(element, reading: _Reading) -> dict:
    name = element.find("name")
    pos = element.find("point/pos")
    position = " ".join((pos.text or "").split()) if pos is not None else ""
    if position and not _is_position(position):
        reading.drop(pos, _("une position (latitude longitude)"), position)
        position = ""
    return {
        "ref": element.get("ref", ""),
        "names": _narratives(name, reading) if name is not None else {},
        "pos": position,
    }


def _is_position(text: str) -> bool:
    parts = text.split()
    if len(parts) != 2 or not all(_DECIMAL.fullmatch(part) for part in parts):
        return False
    latitude, longitude = map(float, parts)
    return -90 <= latitude <= 90 and -180 <= longitude <= 180


def _budget(element, reading: _Reading) -> dict | None:
    period = {"start": "", "end": ""}
    value = None
    for child in element:
        if child.tag in ("period-start", "period-end"):
            period[child.tag[7:]] = _iso_date(child, "iso-date", reading)
        elif child.tag == "value" and value is None:
            value = child
    if not period["start"] or not period["end"]:
        reading.drop(element, _("une période (début et fin)"))
        return None
    amount = _value(element, value, reading)
    if amount is None:
        return None
    return {
        "type": element.get("type", ""),
        "status": element.get("status", ""),
        **period,
        **amount,
    }


# Parts with a single code, kept as read (their own codelists: `services.Codelists`).
ACTIVITY_CODES = (
    "activity-scope",
    "collaboration-type",
    "default-flow-type",
    "default-finance-type",
    "default-tied-status",
)
TRANSACTION_CODES = ("disbursement-channel", "flow-type", "finance-type", "tied-status")

# Repeated parts kept in `Activity.extras`, each read by its function (None: left out).
_REPEATED = {
    "participating-org": (
        "participating_orgs",
        lambda e, reading: {**_organisation(e, reading), "role": e.get("role", "")},
    ),
    "location": ("locations", _location),
    "budget": ("budgets", _budget),
    "transaction": ("transactions", _transaction),
}


def _activity(element, default_language: str) -> Activity:
    """One pass over the activity's children (each `find` would walk them all again)."""
    language = (element.get(XML_LANG) or default_language or "en").lower()
    reading = _Reading(language, currency=element.get("default-currency", ""))
    activity = Activity(identifier="", line=element.sourceline)
    identifier = title = status = reporting = None
    dates: dict[str | None, date | None] = {}
    other_descriptions: dict[str, dict] = {}
    repeated: dict[str, list] = {key: [] for key, _read in _REPEATED.values()}
    countries, regions, sectors, aid_types = [], [], [], []
    codes: dict[str, str] = {}
    for child in element:
        tag = child.tag
        if tag in _REPEATED:
            key, read = _REPEATED[tag]
            if (item := read(child, reading)) is not None:
                repeated[key].append(item)
        elif tag == "description":
            kind = child.get("type", "1")
            texts = _narratives(child, reading)
            if kind == "1":
                for key, text in texts.items():
                    activity.descriptions.setdefault(key, text)
            else:  # objectives, target groups…: kept in every language
                for key, text in texts.items():
                    other_descriptions.setdefault(kind, {}).setdefault(key, text)
        elif tag == "activity-date":
            if found := _checked_date(child, "iso-date", reading):
                dates[child.get("type")] = found
        elif tag == "recipient-country":
            if code := child.get("code"):
                percentage = _percentage(child, reading)
                countries.append({"code": code.upper(), "percentage": percentage})
        elif tag == "recipient-region":
            if code := child.get("code"):
                regions.append(
                    {
                        "code": code,
                        "vocabulary": child.get("vocabulary", "1"),
                        "percentage": _percentage(child, reading),
                    }
                )
        elif tag == "sector":
            if code := child.get("code"):
                sectors.append(
                    {
                        "vocabulary": child.get("vocabulary", "1"),
                        "code": code,
                        "percentage": _percentage(child, reading),
                    }
                )
        elif tag in ACTIVITY_CODES:
            if code := child.get("code"):
                codes.setdefault(tag, code)
        elif tag == "default-aid-type":
            if code := child.get("code"):
                aid_types.append({"code": code, "vocabulary": child.get("vocabulary", "1")})
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
        activity.titles = _narratives(title, reading)
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
        organisation = _organisation(reporting, reading)
        if all(organisation.values()):
            extras["reporting_org"] = organisation
        else:  # written back as the registry's own reporting organisation
            reading.drop(reporting, _("une référence, un type et un nom"))
    extras.update(participating_orgs=repeated.pop("participating_orgs"), countries=countries)
    extras.update(regions=regions, sectors=sectors, codes=codes, aid_types=aid_types)
    extras.update(repeated)
    # What the registry has no field for, in plain JSON-ready values.
    activity.extras = {key: value for key, value in extras.items() if value}
    activity.problems = reading.problems
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
    problems: list[tuple[int, str]] = field(default_factory=list)


def read_organisations(path: Path) -> Iterator[OrganisationRecord]:
    """Organisations of an IATI organisation file, one at a time."""
    for element, language in _elements(Path(path), "iati-organisations"):
        reporting = element.find("reporting-org")
        name = element.find("name")
        reading = _Reading(language)
        yield OrganisationRecord(
            identifier=(element.findtext("organisation-identifier") or "").strip(),
            line=element.sourceline,
            names=_narratives(name, reading) if name is not None else {},
            type=reporting.get("type", "") if reporting is not None else "",
            problems=reading.problems,
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
