"""Base filter set of the list pages (and later the API and exports)."""

import django_filters
from django import forms

from . import contributions
from .pickers import FastSelect
from .queries import stored_values


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
    # filter name → the field whose values among published records are the only options shown
    # (a country filter offers the countries the list holds, not all 250). Published records
    # only: the filter form is stored and shared by all (see core/record_list.html). Any value
    # stays valid (the API's filters, a draft's country typed in the address).
    present_only: dict[str, str] = {}

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
            self._offer_present_values(form)
            form.selects_sped_up = True
        return form

    def _offer_present_values(self, form: forms.Form) -> None:
        for name, field in self.present_only.items():
            present = stored_values(self._meta.model.objects.published(), field)
            chosen = self.data.get(name) if self.data else None
            form.fields[name].widget.choices = [
                (value, label)
                for value, label in form.fields[name].choices
                if value in ("", chosen) or value in present
            ]
