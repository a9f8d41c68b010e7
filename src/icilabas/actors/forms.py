from django import forms
from django.urls import reverse_lazy
from django.utils.html import format_html

from icilabas.core.forms import RecordForm

from .models import ForeignAuthority, Organisation, Person, Position


class OrganisationForm(RecordForm):
    class Meta:
        model = Organisation
        fields = [
            "name",
            "acronym",
            "kind",
            "siren",
            "siret",
            "insee_code",
            "departement",
            "region",
            "address",
            "postcode",
            "city",
            "website",
            "email",
            "phone",
            "description",
            "latitude",
            "longitude",
            "is_network_member",
            "trusted",
            "source",
        ]

    def clean_insee_code(self) -> str:
        return _five_characters(self.cleaned_data["insee_code"])

    def clean_postcode(self) -> str:
        return _five_characters(self.cleaned_data["postcode"])


def _five_characters(code: str) -> str:
    """French commune and postal codes have five characters; a spreadsheet stores 01004 typed
    as a number as 1004 (departments 01 to 09), and so may a hurried hand."""
    return code.zfill(5) if code.isdigit() and len(code) == 4 else code


class LocalityInput(forms.TextInput):
    """Suggests gazetteer places of the chosen country while typing (htmx fills a datalist)."""

    def __init__(self, attrs=None):
        super().__init__(
            {
                "list": "locality-suggestions",
                "autocomplete": "off",
                "hx-get": reverse_lazy("reference:locality_suggestions"),
                "hx-trigger": "input changed delay:250ms",
                "hx-target": "#locality-suggestions",
                "hx-swap": "innerHTML",
                "hx-include": "[name=country]",
                **(attrs or {}),
            }
        )

    def render(self, name, value, attrs=None, renderer=None):
        return format_html(
            '{}<datalist id="locality-suggestions"></datalist>',
            super().render(name, value, attrs, renderer),
        )


class ForeignAuthorityForm(RecordForm):
    class Meta:
        widgets = {"locality": LocalityInput}
        model = ForeignAuthority
        fields = [
            "name",
            "kind",
            "country",
            "locality",
            "admin_area",
            "latitude",
            "longitude",
            "website",
            "description",
            "source",
        ]


class PersonForm(RecordForm):
    class Meta:
        model = Person
        fields = [
            "first_name",
            "last_name",
            "email",
            "phone",
            "notes",
            "public_consent",
            "consent_on",
            "account",
        ]


class PositionForm(RecordForm):
    class Meta:
        model = Position
        fields = ["person", "organisation", "title", "role", "start_on", "end_on"]
