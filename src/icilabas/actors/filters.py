"""Filters shared by the list pages, and later the API and the exports."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from icilabas.core.filters import RecordFilterSet
from icilabas.reference.choices import country_choices
from icilabas.reference.models import Departement, Region

from .models import ForeignAuthority, Organisation, Person, Position


class OrganisationFilter(RecordFilterSet):
    name = django_filters.CharFilter(label=_("Nom contient"), lookup_expr="icontains")
    kind = django_filters.ChoiceFilter(label=_("Type d'acteur"), choices=Organisation.Kind.choices)
    departement = django_filters.ModelChoiceFilter(
        label=_("Département"), queryset=Departement.objects.all()
    )
    region = django_filters.ModelChoiceFilter(label=_("Région"), queryset=Region.objects.all())
    # "Tous / Oui / Non": the default widget's empty choice reads "Inconnu".
    is_network_member = django_filters.BooleanFilter(
        label=_("Membre du réseau"),
        widget=forms.Select(choices=[("", _("Tous")), ("true", _("Oui")), ("false", _("Non"))]),
    )

    class Meta:
        model = Organisation
        fields = ["name", "kind", "departement", "region", "is_network_member"]


class ForeignAuthorityFilter(RecordFilterSet):
    present_only = {"country": "country"}
    name = django_filters.CharFilter(label=_("Nom contient"), lookup_expr="icontains")
    country = django_filters.ChoiceFilter(label=_("Pays"), choices=country_choices)
    kind = django_filters.ChoiceFilter(label=_("Type"), choices=ForeignAuthority.Kind.choices)

    class Meta:
        model = ForeignAuthority
        fields = ["name", "country", "kind"]


class PersonFilter(RecordFilterSet):
    last_name = django_filters.CharFilter(label=_("Nom contient"), lookup_expr="icontains")
    organisation = django_filters.CharFilter(
        label=_("Organisation contient"), method="filter_organisation"
    )

    class Meta:
        model = Person
        fields = ["last_name", "organisation"]

    def filter_organisation(self, queryset, name, value):
        """Accepted positions only: a proposed one says nothing yet (core.LinkRecord)."""
        positions = Position.objects.filter(
            person=OuterRef("pk"), organisation__name__icontains=value
        )
        return queryset.filter(Exists(positions))
