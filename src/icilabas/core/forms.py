"""Form conventions: HTML5 date inputs, French number habits, required fields marked for screen
readers."""

import re

from django import forms
from django.forms.utils import flatatt
from django.utils.html import escape
from django.utils.safestring import mark_safe

from .models import VERSION

_SPACES = re.compile(r"[\s\u00a0\u202f]")


class RecordForm(forms.ModelForm):
    required_css_class = "required"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.DateField):
                field.widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
            if isinstance(field, forms.DecimalField | forms.FloatField):
                # French numbers ("2 500,50"): a number input would refuse the comma and show
                # nothing, so a text input with a decimal keypad.
                field.localize = True
                field.widget = forms.TextInput(attrs={"inputmode": "decimal"})
                field.widget.is_localized = True
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs.setdefault("rows", 4)
            if type(field.widget) is forms.Select:
                field.widget = FastSelect(attrs=field.widget.attrs, choices=field.widget.choices)
        if self.instance.pk and getattr(self.instance, "version", ""):
            # The version this form was opened on: a save over a newer one is refused.
            self.fields[VERSION] = forms.CharField(
                widget=forms.HiddenInput, required=False, initial=self.instance.version
            )

    def full_clean(self):
        """Drop the spaces French users put between thousands ("1 250,50")."""
        if self.is_bound:
            numbers = [
                self.add_prefix(name)
                for name, field in self.fields.items()
                if isinstance(field, forms.DecimalField | forms.FloatField)
            ]
            if any(name in self.data for name in numbers):
                self.data = self.data.copy()
                for name in numbers:
                    if isinstance(self.data.get(name), str):
                        self.data[name] = _SPACES.sub("", self.data[name])
        super().full_clean()


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
