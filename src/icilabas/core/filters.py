"""Base filter set of the list pages (and later the API and exports)."""

import django_filters
from django import forms

from .forms import FastSelect


def speed_up_selects(form: forms.Form) -> None:
    for field in form.fields.values():
        if type(field.widget) is forms.Select:
            field.widget = FastSelect(attrs=field.widget.attrs, choices=field.widget.choices)


class RecordFilterSet(django_filters.FilterSet):
    @property
    def form(self):
        form = super().form
        if not getattr(form, "selects_sped_up", False):
            speed_up_selects(form)
            form.selects_sped_up = True
        return form
