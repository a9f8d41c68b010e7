"""Searchable pickers for choices among many records (an organisation among 4,000, a
partnership among 25,000): Tom Select over the form's select. Up to `LOCAL_LIMIT` records the
select holds them all and is searched in the page; beyond, it holds only the chosen ones and
the others come from `/choix/<app.Model>/?q=` as she types (`core.views.pickers`), among the
records she may see, as the form itself checks."""

from django import forms
from django.db.models import Q, QuerySet
from django.forms.utils import flatatt
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

LOCAL_LIMIT = 300
SUGGESTIONS = 20


def search_fields(model) -> tuple[str, ...]:
    """The fields a record is found by in a picker (a model may name them in
    `picker_fields`; else its name or title)."""
    names = {field.name for field in model._meta.get_fields()}
    return getattr(model, "picker_fields", None) or tuple(
        name for name in ("name", "title") if name in names
    )


def matching(queryset: QuerySet, text: str) -> QuerySet:
    """Records whose searched fields hold every word typed (each in any of them)."""
    condition = Q()
    for word in text.split():
        condition &= Q(
            *(Q(**{f"{name}__icontains": word}) for name in search_fields(queryset.model)),
            _connector=Q.OR,
        )
    return queryset.filter(condition)


class FastSelect(forms.Select):
    """A select rendered in one pass.

    Django renders each option through a template; with the 250 countries and 100 départements
    of the filter forms, that was most of a list page's time.
    """

    def render(self, name, value, attrs=None, renderer=None):
        values = value if isinstance(value, list | tuple) else [value]
        selected = {"" if v is None else str(v) for v in values}
        final_attrs = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        options = "".join(
            f'<option value="{escape(option_value)}"'
            f"{' selected' if option_value in selected else ''}>{escape(label)}</option>"
            for option_value, label in self._flat_choices()
        )
        return mark_safe(f"<select{flatatt(final_attrs)}>{options}</select>")

    def _flat_choices(self):
        for option_value, option_label in self.choices:
            if isinstance(option_label, list | tuple):  # an optgroup: flatten it
                for value, label in option_label:
                    yield ("" if value is None else str(value)), label
            else:
                value = getattr(option_value, "value", option_value)
                yield ("" if value is None else str(value)), option_label


class RecordPicker(FastSelect):
    """A select that Tom Select turns into a searchable picker (static/icilabas/pickers.js)."""

    def render(self, name, value, attrs=None, renderer=None):
        queryset = getattr(self.choices, "queryset", None)
        attrs = {**(attrs or {}), "data-picker": "", "data-picker-empty": _("Aucun résultat")}
        remote = queryset is not None and not getattr(queryset.model, "picker_always_local", False)
        if remote and queryset.count() > LOCAL_LIMIT:
            values = value if isinstance(value, list | tuple) else [value]
            chosen = [v for v in values if v not in (None, "")]
            label = queryset.model._meta.label
            attrs["data-picker-url"] = reverse("picker_options", args=[label])
            attrs["data-picker-hint"] = _("Tapez au moins deux lettres")
            self.choices = [("", "---------")] * (not self.allow_multiple_selected) + [
                (record.pk, str(record)) for record in queryset.filter(pk__in=chosen)
            ]
        return super().render(name, value, attrs, renderer)


class MultipleRecordPicker(RecordPicker):
    allow_multiple_selected = True

    def render(self, name, value, attrs=None, renderer=None):
        return super().render(name, value, {**(attrs or {}), "multiple": True}, renderer)

    def value_from_datadict(self, data, files, name):
        return forms.SelectMultiple().value_from_datadict(data, files, name)

    def value_omitted_from_data(self, data, files, name):
        return False


def use_pickers(form: forms.Form) -> None:
    """Every visible choice among records of a searchable model becomes a picker."""
    for field in form.fields.values():
        searchable = isinstance(field, forms.ModelChoiceField) and search_fields(
            field.queryset.model
        )
        if not searchable or field.widget.is_hidden:
            continue
        if isinstance(field.widget, forms.CheckboxSelectMultiple):
            continue
        multiple = isinstance(field, forms.ModelMultipleChoiceField)
        widget = (MultipleRecordPicker if multiple else RecordPicker)(attrs=field.widget.attrs)
        widget.choices = field.widget.choices
        widget.is_required = field.widget.is_required
        field.widget = widget
