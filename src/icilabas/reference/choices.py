"""Choice lists built once per language (country names are translated lazily otherwise,
250 times per page)."""

from django.utils.translation import get_language
from django_countries import countries

_country_choices: dict[str, list[tuple[str, str]]] = {}


def country_choices() -> list[tuple[str, str]]:
    language = get_language() or "fr"
    if language not in _country_choices:
        _country_choices[language] = [(code, str(name)) for code, name in countries]
    return _country_choices[language]
