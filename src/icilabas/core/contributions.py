"""What an app higher in the layers adds to the pages of records defined below it.

An app imports only the apps below it (docs/architecture.md), yet an organisation's page shows
its partnerships (cooperation) and, for staff, the records that may be the same organisation
(matching); a project's page shows what its IATI file said (interop). Those apps register, in
their `AppConfig.ready()`, what they add: context for a record's page (and a one-to-one
relation its page reads, joined into the record's query), a column of a list with
the annotation that fills it, a filter of a list, and what to do after a save with the
values its form carries for them (the look-alikes an editor called different on a project's
form), and a section of Mon espace (the look-alikes of her projects). The page's own app
knows nothing of them.
"""

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.db.models import Model, QuerySet

PageContext = Callable[..., dict]  # (record, *, viewer) -> context of its page

_page_context: dict[type[Model], list[PageContext]] = defaultdict(list)
_page_related: dict[type[Model], list[str]] = defaultdict(list)
_list_columns: dict[type[Model], list[tuple[Any, Callable[[], Any]]]] = defaultdict(list)
_list_filters: dict[type[Model], dict[str, Callable[[], Any]]] = defaultdict(dict)
_after_save: dict[type[Model], list[tuple[tuple[str, ...], Callable[..., Any]]]] = defaultdict(list)
_dashboard_sections: list[tuple[str, Callable[..., dict | None]]] = []


def add_page_context(model: type[Model], provider: PageContext) -> None:
    _page_context[model].append(provider)


def add_page_related(model: type[Model], relation: str) -> None:
    """A one-to-one relation the record's page reads (its IATI file's data): joined into the
    query that reads the record rather than asked for in a query of its own."""
    _page_related[model].append(relation)


def with_page_related(queryset: QuerySet) -> QuerySet:
    related = _page_related[queryset.model]
    return queryset.select_related(*related) if related else queryset


def page_context(record: Model, *, viewer) -> dict:
    context: dict = {}
    for provider in _page_context[type(record)]:
        context.update(provider(record, viewer=viewer))
    return context


def add_list_column(model: type[Model], column, annotation: Callable[[], Any]) -> None:
    """`column` (a `core.views.Column`) shows the value that `annotation()` (a query
    expression) gives each row under the column's accessor."""
    _list_columns[model].append((column, annotation))


def list_columns(model: type[Model]) -> list:
    return [column for column, _annotation in _list_columns[model]]


def annotated(queryset: QuerySet) -> QuerySet:
    """The rows with the values of the columns other apps add to their list."""
    added = {column.accessor: make() for column, make in _list_columns[queryset.model]}
    return queryset.annotate(**added) if added else queryset


def add_list_filter(model: type[Model], name: str, make_filter: Callable[[], Any]) -> None:
    """`make_filter()` gives a django-filter `Filter` (with a callable `method`)."""
    _list_filters[model][name] = make_filter


def list_filters(model: type[Model]) -> dict[str, Any]:
    return {name: make() for name, make in _list_filters[model].items()}


def add_after_save(model: type[Model], keys: tuple[str, ...], hook: Callable[..., Any]) -> None:
    """After a record of `model` is saved by its services, `hook(record, user=…, **values)`
    receives the values its form carried under `keys` (not fields of the record)."""
    _after_save[model].append((keys, hook))


def take_after_save(model: type[Model], data: dict) -> list[tuple[Callable[..., Any], dict]]:
    """Remove from `data` the values meant for after-save hooks; what to call, with them."""
    calls = []
    for keys, hook in _after_save[model]:
        calls.append((hook, {key: data.pop(key) for key in keys if key in data}))
    return calls


def run_after_save(record: Model, *, user, calls: list[tuple[Callable[..., Any], dict]]) -> None:
    for hook, values in calls:
        hook(record, user=user, **values)


def add_dashboard_section(template_name: str, provider: Callable[..., dict | None]) -> None:
    """A section of Mon espace: `template_name` rendered with `provider(viewer=…)`, whose
    None means nothing to show that user."""
    _dashboard_sections.append((template_name, provider))


def dashboard_sections(*, viewer) -> list[tuple[str, dict]]:
    sections = []
    for template_name, provider in _dashboard_sections:
        context = provider(viewer=viewer)
        if context is not None:
            sections.append((template_name, context))
    return sections
