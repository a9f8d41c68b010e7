"""Base filter set of the list pages (and later the API and exports)."""

import django_filters
from django import forms

from . import contributions
from .pickers import FastSelect


def speed_up_selects(form: forms.Form) -> None:
    for field in form.fields.values():
        if type(field.widget) is forms.Select:
            field.widget = FastSelect(attrs=field.widget.attrs, choices=field.widget.choices)


class YearFilter(django_filters.NumberFilter):
    """A year typed in a URL: a whole number the database can compare (0, -5 or 20 digits are
    refused as invalid rather than reaching the database's date functions)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1900)
        kwargs.setdefault("max_value", 2200)
        super().__init__(*args, **kwargs)


class RecordFilterSet(django_filters.FilterSet):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, added in contributions.list_filters(self._meta.model).items():
            added.model, added.parent = self.queryset.model, self
            self.filters[name] = added

    @property
    def form(self):
        form = super().form
        if not getattr(form, "selects_sped_up", False):
            speed_up_selects(form)
            form.selects_sped_up = True
        return form
