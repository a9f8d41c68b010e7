from django.utils.translation import gettext_lazy as _

from icilabas.core.permissions import can_edit
from icilabas.core.views import Column, RecordDetailView, RecordListView

from . import selectors
from .filters import ExperienceSheetFilter, TermFilter
from .models import ExperienceSheet


class TermListView(RecordListView):
    filterset_class = TermFilter
    columns = [
        Column(_("Terme"), "name", "name", link=True),
        Column(_("Statut"), "get_status_display", "status"),
        Column(_("Adopté le"), "adopted_on", "adopted_on"),
    ]


class TermDetailView(RecordDetailView):
    template_name = "knowledge/term_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(selectors.term_overview(term=self.object, viewer=self.request.user))
        return context


class ExperienceSheetListView(RecordListView):
    filterset_class = ExperienceSheetFilter
    default_sort = "title"
    columns = [
        Column(_("Titre"), "title", "title", link=True),
        Column(_("Rédigée par"), "organisation", "organisation__name"),
        Column(_("En une phrase"), "summary"),
    ]

    def base_queryset(self):
        return ExperienceSheet.objects.select_related("organisation")


class ExperienceSheetDetailView(RecordDetailView):
    template_name = "knowledge/experiencesheet_detail.html"

    def get_queryset(self):
        return ExperienceSheet.objects.select_related("organisation").prefetch_related(
            "projects", "foreign_authorities", "themes", "organisations"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sheet = self.object
        context["sections"] = [
            (ExperienceSheet._meta.get_field(name).verbose_name, getattr(sheet, name))
            for name in ExperienceSheet.SECTIONS
            if getattr(sheet, name).strip()
        ]
        context["show_contacts"] = can_edit(self.request.user, sheet) and bool(sheet.contacts)
        return context
