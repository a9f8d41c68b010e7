from django import template
from django.utils.formats import localize
from django.utils.translation import get_language

register = template.Library()


@register.filter
def record_value(obj, accessor: str):
    """Follow a dotted path ("foreign_authority.country.name"), calling methods on the way."""
    value = obj
    for part in accessor.split("."):
        if value is None:
            return ""
        value = getattr(value, part, "")
        if callable(value):
            value = value()
    if value is None:
        return ""
    return localize(value)


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
