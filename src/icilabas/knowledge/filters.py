"""Filters of the glossary and experience-sheet lists."""

import django_filters
from django.utils.translation import gettext_lazy as _

from icilabas.core.filters import RecordFilterSet
from icilabas.reference.choices import country_choices
from icilabas.reference.models import Concept

from .models import ExperienceSheet, Guide, Term


class TermFilter(RecordFilterSet):
    name = django_filters.CharFilter(label=_("Terme contient"), lookup_expr="icontains")
    status = django_filters.ChoiceFilter(label=_("Statut"), choices=Term.Status.choices)

    class Meta:
        model = Term
        fields = ["name", "status"]


class ExperienceSheetFilter(RecordFilterSet):
    title = django_filters.CharFilter(label=_("Titre contient"), lookup_expr="icontains")
    country = django_filters.ChoiceFilter(
        label=_("Pays"), choices=country_choices, field_name="countries", lookup_expr="icontains"
    )
    theme = django_filters.ModelChoiceFilter(
        label=_("Thématique"),
        field_name="themes",
        queryset=Concept.objects.filter(vocabulary__slug="atlas-theme"),
    )

    class Meta:
        model = ExperienceSheet
        fields = ["title", "country", "theme"]


class GuideFilter(RecordFilterSet):
    title = django_filters.CharFilter(label=_("Titre contient"), lookup_expr="icontains")

    class Meta:
        model = Guide
        fields = ["title"]
