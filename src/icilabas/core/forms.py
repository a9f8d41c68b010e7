"""Form conventions: HTML5 date inputs, French number habits, required fields marked for screen
readers."""

import re

from django import forms

from .models import VERSION
from .pickers import FastSelect, use_pickers

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
        use_pickers(self)
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
