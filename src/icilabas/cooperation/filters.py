"""Filters shared by the list pages, and later the API and the exports."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from icilabas.actors.models import Organisation
from icilabas.core.filters import RecordFilterSet, YearFilter
from icilabas.reference.choices import country_choices
from icilabas.reference.models import Concept, Departement

from .models import Participation, Partnership, Project, SecondaryTheme


def _with_partner_in(queryset, name, value):
    partner_there = Partnership.objects.filter(
        french_partners=OuterRef("pk"), foreign_authority__country=value
    )
    return queryset.filter(Exists(partner_there))


def partner_country_filter():
    """Added to the organisation list (`apps.py`): organisations with a partner there."""
    return django_filters.ChoiceFilter(
        label=_("Pays partenaire"), choices=country_choices, method=_with_partner_in
    )


def atlas_themes():
    return Concept.objects.of("atlas-theme").order_by("code")


class PartnershipFilter(RecordFilterSet):
    present_only = {"country": "foreign_authority__country"}
    title = django_filters.CharFilter(label=_("Intitulé contient"), lookup_expr="icontains")
    country = django_filters.ChoiceFilter(
        label=_("Pays"), choices=country_choices, field_name="foreign_authority__country"
    )
    status = django_filters.ChoiceFilter(label=_("Statut"), choices=Partnership.Status.choices)
    departement = django_filters.ModelChoiceFilter(
        label=_("Département"), queryset=Departement.objects.all(), method="filter_departement"
    )
    year = YearFilter(label=_("Signé en"), field_name="signed_on__year")
    # Reached from an organisation's page; thousands of choices would not fit a select.
    french_partner = django_filters.ModelChoiceFilter(
        label=_("Partenaire français"),
        queryset=Organisation.objects.all(),
        method="filter_french_partner",
        widget=forms.HiddenInput,
    )

    class Meta:
        model = Partnership
        fields = ["title", "country", "status", "departement", "year", "french_partner"]

    def filter_departement(self, queryset, name, value):
        through = Partnership.french_partners.through
        return queryset.filter(
            Exists(
                through.objects.filter(partnership=OuterRef("pk"), organisation__departement=value)
            )
        )

    def filter_french_partner(self, queryset, name, value):
        through = Partnership.french_partners.through
        return queryset.filter(
            Exists(through.objects.filter(partnership=OuterRef("pk"), organisation=value))
        )


class ProjectFilter(RecordFilterSet):
    present_only = {"country": "country"}
    title = django_filters.CharFilter(label=_("Titre contient"), lookup_expr="icontains")
    country = django_filters.ChoiceFilter(label=_("Pays"), choices=country_choices)
    theme = django_filters.ModelChoiceFilter(
        label=_("Thématique"), queryset=atlas_themes(), method="filter_theme"
    )
    status = django_filters.ChoiceFilter(label=_("Statut"), choices=Project.Status.choices)
    year = YearFilter(label=_("Actif en"), method="filter_year")
    departement = django_filters.ModelChoiceFilter(
        label=_("Département"), queryset=Departement.objects.all(), method="filter_departement"
    )
    # Reached from a partnership's page; thousands of choices would not fit a select.
    partnership = django_filters.ModelChoiceFilter(
        label=_("Partenariat"), queryset=Partnership.objects.all(), widget=forms.HiddenInput
    )

    class Meta:
        model = Project
        fields = ["title", "country", "theme", "status", "year", "departement", "partnership"]

    def filter_theme(self, queryset, name, value):
        """A theme matches itself and its sub-themes, as primary or secondary theme."""
        codes = Q(code=value.code) | Q(code__startswith=f"{value.code}.")
        themes = Concept.objects.of("atlas-theme").filter(codes).values("pk")
        secondary = SecondaryTheme.objects.filter(
            project=OuterRef("pk"), theme__in=themes, deleted_at__isnull=True
        )
        return queryset.filter(Q(primary_theme__in=themes) | Exists(secondary))

    def filter_year(self, queryset, name, value):
        year = int(value)
        return queryset.filter(
            Q(start_on__year__lte=year) | Q(start_on__isnull=True),
            Q(end_on__year__gte=year) | Q(end_on__isnull=True),
        ).exclude(start_on__isnull=True, end_on__isnull=True)

    def filter_departement(self, queryset, name, value):
        through = Partnership.french_partners.through
        via_partnership = through.objects.filter(
            partnership=OuterRef("partnership_id"), organisation__departement=value
        )
        via_participation = Participation.objects.filter(
            project=OuterRef("pk"), organisation__departement=value, deleted_at__isnull=True
        )
        return queryset.filter(Exists(via_partnership) | Exists(via_participation))
