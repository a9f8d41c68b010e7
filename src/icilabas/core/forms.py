"""Form conventions: HTML5 date inputs, French number habits, required fields marked for screen
readers."""

import re

from django import forms

_SPACES = re.compile(r"[\s\u00a0\u202f]")


class RecordForm(forms.ModelForm):
    required_css_class = "required"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.DateField):
                field.widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
            if isinstance(field, forms.DecimalField | forms.FloatField):
                field.localize = True  # accept "2 500,50" as typed in French
                field.widget.is_localized = True
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs.setdefault("rows", 4)

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
