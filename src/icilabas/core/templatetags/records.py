from django import template
from django.utils.formats import localize
from django.utils.translation import get_language, gettext

from icilabas.core.french import day_month, in_country

register = template.Library()


def raw_value(obj, accessor: str):
    """Follow a dotted path ("foreign_authority.country.name"), calling methods on the way."""
    value = obj
    for part in accessor.split("."):
        if value is None:
            return None
        value = getattr(value, part, "")
        if callable(value):
            value = value()
    return value


@register.filter
def record_value(obj, accessor: str):
    """`raw_value` as the page shows it (French numbers and dates)."""
    value = raw_value(obj, accessor)
    return "" if value is None else localize(value)


@register.simple_tag
def sort_state(current: str, key: str) -> str:
    """aria-sort value of a column header."""
    if current == key:
        return "ascending"
    if current == f"-{key}":
        return "descending"
    return "none"


@register.simple_tag
def next_sort(current: str, key: str) -> str:
    return f"-{key}" if current == key else key


# French needs the article's gender: "Ajouter un projet", "Ajouter une organisation".
FEMININE = {
    "organisation",
    "foreignauthority",
    "person",
    "position",
    "secondarytheme",
    "projectlocation",
    "actionstep",
    "participation",
    "budgetline",
    "matchdecision",
    "projectmerge",
}


@register.filter
def with_article(meta) -> str:
    """ "un projet", "une autorité locale partenaire" (or "a project", "an organisation")
    from a model's _meta, in the page's language."""
    name = str(meta.verbose_name)
    if get_language().startswith("en"):
        return f"{'an' if name[:1].lower() in 'aeiou' else 'a'} {name}"
    return f"{'une' if meta.model_name in FEMININE else 'un'} {name}"


@register.filter(name="in_country")
def in_country_filter(code: str) -> str:
    """ "SN" -> "au Sénégal", "KM" -> "aux Comores" (in English, "in Senegal")."""
    return in_country(code)


@register.filter(expects_localtime=True)
def long_date(value) -> str:
    """ "1er mars 2024" (Django's "j F Y" writes "1 mars 2024"); "" when there is no date."""
    return day_month(value) if value else ""


@register.filter
def years(record) -> str:
    """A record's years: "2004–2007" once it has an end, "depuis 2004" while it runs, the year
    alone when both are the same."""
    start, end = getattr(record, "start_on", None), getattr(record, "end_on", None)
    if start and end:
        return str(start.year) if start.year == end.year else f"{start.year}–{end.year}"
    if start:
        return gettext("depuis %(year)s") % {"year": start.year}
    if end:
        return gettext("jusqu’en %(year)s") % {"year": end.year}
    return ""
