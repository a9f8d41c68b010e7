from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from icilabas.core.permissions import visible
from icilabas.core.queries import count_subquery
from icilabas.core.views.records import (
    Column,
    EditorRequiredMixin,
    RecordDetailView,
    RecordListView,
)

from . import selectors
from .filters import PartnershipFilter, ProjectFilter
from .models import Partnership, Project


class PartnershipListView(RecordListView):
    filterset_class = PartnershipFilter
    default_sort = "title"
    columns = [
        Column(_("Intitulé"), "title", "title", link=True),
        Column(_("Autorité partenaire"), "foreign_authority.name", "foreign_authority__name"),
        Column(_("Pays"), "foreign_authority.country.name", "foreign_authority__country"),
        Column(_("Signé le"), "signed_on", "signed_on"),
        Column(_("Statut"), "get_status_display", "status"),
        Column(_("Projets"), "project_count", "project_count"),
    ]

    def base_queryset(self):
        return Partnership.objects.select_related("foreign_authority").annotate(
            project_count=count_subquery(Project.objects.all(), "partnership")
        )


class PartnershipDetailView(RecordDetailView):
    template_name = "cooperation/partnership_detail.html"

    def get_queryset(self):
        return selectors.partnership_detail_queryset()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            selectors.partnership_overview(partnership=self.object, viewer=self.request.user)
        )
        return context


class ProjectListView(RecordListView):
    filterset_class = ProjectFilter
    default_sort = "title"
    columns = [
        Column(_("Titre"), "title", "title", link=True),
        Column(_("Porté par"), "carrier", "carrier"),
        Column(_("Localité partenaire"), "partner_locality", "partner_locality"),
        Column(_("Pays"), "country.name", "country"),
        Column(_("Thématique"), "primary_theme.label", "primary_theme__code"),
        Column(_("Début"), "start_on", "start_on"),
        Column(_("Fin"), "end_on", "end_on"),
        Column(_("Statut"), "get_status_display", "status"),
    ]

    def base_queryset(self):
        return selectors.projects_with_carrier(Project.objects.select_related("primary_theme"))

    def export_extras(self) -> tuple:
        equivalents = selectors.equivalents_by_theme()
        return ((_("Équivalences"), lambda p: equivalents.get(p.primary_theme_id, "")),)


class ProjectDetailView(RecordDetailView):
    template_name = "cooperation/project_detail.html"

    def get_queryset(self):
        return selectors.project_detail_queryset()

    def get_object(self, queryset=None):
        return selectors.with_concepts(super().get_object(queryset))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(selectors.project_overview(project=self.object))
        return context


class ConventionsEndingView(EditorRequiredMixin, TemplateView):
    """Running conventions ending within 90 days, for their editors and the network's staff."""

    template_name = "cooperation/conventions_ending.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        partnerships = visible(Partnership.objects.all(), self.request.user)
        context["today"] = today
        context["conventions"] = selectors.conventions_ending(partnerships, today=today)
        return context
