from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django.views import View

from icilabas.cooperation.models import Project
from icilabas.core.permissions import can_edit
from icilabas.core.views.records import (
    Column,
    EditorRequiredMixin,
    RecordDetailView,
    RecordListView,
    viewable_or_404,
)

from . import selectors, services
from .filters import ExperienceSheetFilter, GuideFilter, TermFilter
from .forms import TermCommentForm
from .models import ExperienceSheet, GuideStep, Term, TermComment


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
        context["comment_form"] = TermCommentForm()
        context["can_comment"] = can_edit(self.request.user)
        return context


class TermCommentView(EditorRequiredMixin, View):
    """Post a comment on a term (POST only); back to the debate on the term's page."""

    def post(self, request, pk: int):
        term = viewable_or_404(Term, request.user, pk)
        form = TermCommentForm(request.POST)
        if form.is_valid():
            services.post_comment(term=term, user=request.user, text=form.cleaned_data["text"])
            messages.success(request, _("Votre commentaire est ajouté au débat."))
        else:
            messages.error(request, _("Écrivez votre commentaire (4 000 caractères au plus)."))
        return HttpResponseRedirect(f"{term.get_absolute_url()}#debat")


class TermCommentWithdrawView(EditorRequiredMixin, View):
    def post(self, request, pk: int):
        comment = get_object_or_404(TermComment.objects.select_related("term"), pk=pk)
        services.withdraw_comment(comment=comment, user=request.user)
        messages.success(request, _("Le commentaire est retiré."))
        return HttpResponseRedirect(f"{comment.term.get_absolute_url()}#debat")


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
        context["documents"] = sheet.documents.all()
        return context


class GuideListView(RecordListView):
    filterset_class = GuideFilter
    default_sort = "title"
    columns = [Column(_("Guide"), "title", "title", link=True)]


class GuideDetailView(RecordDetailView):
    """The guide's steps; an editor chooses one of her projects (?projet=) to tick its
    checklists."""

    template_name = "knowledge/guide_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        projects = selectors.editable_projects(user=user) if can_edit(user) else []
        chosen = self.request.GET.get("projet", "")
        project = next((p for p in projects if str(p.pk) == chosen), None)
        context.update(
            steps=selectors.guide_overview(guide=self.object, project=project),
            projects=projects,
            project=project,
        )
        return context


class StepCheckView(EditorRequiredMixin, View):
    """Tick or untick a checklist item for a project (POST only)."""

    def post(self, request, pk: int):
        step = get_object_or_404(GuideStep.objects.select_related("guide"), pk=pk)
        project = get_object_or_404(Project.objects.all(), pk=request.POST.get("project") or 0)
        item = request.POST.get("item", "")
        if not item.isdigit() or int(item) >= len(step.items):
            raise Http404
        services.toggle_check(project=project, step=step, item=int(item), user=request.user)
        url = f"{step.guide.get_absolute_url()}?projet={project.pk}#etape-{step.pk}"
        return HttpResponseRedirect(url)
