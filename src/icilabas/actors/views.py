from django.contrib import messages
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from icilabas.core.permissions import can_edit
from icilabas.core.views.imports import ImportView
from icilabas.core.views.records import (
    Column,
    EditorRequiredMixin,
    RecordDetailView,
    RecordListView,
    StaffRequiredMixin,
)

from . import selectors, services
from .filters import ForeignAuthorityFilter, OrganisationFilter, PersonFilter
from .models import Organisation, Person


class OrganisationListView(RecordListView):
    filterset_class = OrganisationFilter
    columns = [
        Column(_("Nom"), "name", "name", link=True),
        Column(_("Type"), "get_kind_display", "kind"),
        Column(_("Ville"), "city", "city"),
        Column(_("Département"), "departement", "departement__code"),
    ]

    def base_queryset(self):
        return Organisation.objects.select_related("departement")


class OrganisationDetailView(RecordDetailView):
    template_name = "actors/organisation_detail.html"

    def get_queryset(self):
        return Organisation.objects.select_related("departement", "region")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            positions=selectors.organisation_positions(
                organisation=self.object, viewer=self.request.user
            ),
            is_local_authority=self.object.kind in Organisation.LOCAL_AUTHORITY_KINDS,
            current_year=timezone.now().year,
            last_year=timezone.now().year - 1,
        )
        return context


class ForeignAuthorityListView(RecordListView):
    filterset_class = ForeignAuthorityFilter
    columns = [
        Column(_("Nom"), "name", "name", link=True),
        Column(_("Pays"), "country.name", "country"),
        Column(_("Localité"), "locality", "locality"),
    ]


class ForeignAuthorityDetailView(RecordDetailView):
    template_name = "actors/foreignauthority_detail.html"


class PersonListView(RecordListView):
    filterset_class = PersonFilter
    default_sort = "last_name"
    columns = [
        Column(_("Nom"), "last_name", "last_name", link=True),
        Column(_("Prénom"), "first_name", "first_name"),
        Column(_("Organisation"), "organisation_name", "organisation_name"),
        Column(_("Fonction"), "position_title", "position_title"),
    ]

    def base_queryset(self):
        return selectors.people_with_position(Person.objects.all())


class PersonDetailView(RecordDetailView):
    template_name = "actors/person_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["positions"] = self.object.positions.select_related("organisation")
        return context


class OrganisationImportView(ImportView):
    key_columns = ("id", "siren")

    def find_existing(self, row):
        found = super().find_existing(row)
        siren = (row.get("siren") or "").strip()
        if found is None and siren:
            return Organisation.objects.filter(siren=siren).first()
        return found


class PersonDataExportView(EditorRequiredMixin, View):
    """A person's data as JSON (right of access); who downloads it is logged."""

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.person = get_object_or_404(Person.objects.all(), pk=kwargs["pk"])

    def has_right(self, user) -> bool:
        return can_edit(user, self.person)

    def get(self, request, pk: int):
        data = services.export_person_data(person=self.person, user=request.user)
        response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
        response["Content-Disposition"] = f'attachment; filename="personne-{pk}.json"'
        return response


class PersonEraseView(StaffRequiredMixin, TemplateView):
    """Right to erasure: asks for confirmation, then anonymises the person and her history."""

    template_name = "actors/person_erase.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["object"] = get_object_or_404(Person.objects.all(), pk=self.kwargs["pk"])
        return context

    def post(self, request, pk: int):
        person = get_object_or_404(Person.objects.all(), pk=pk)
        services.erase_person(person=person, user=request.user)
        messages.success(
            request, gettext("Les données personnelles ont été effacées, historique compris.")
        )
        return HttpResponseRedirect(person.get_absolute_url())
