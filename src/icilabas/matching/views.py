from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views import View
from django.views.generic import DetailView, ListView, TemplateView

from icilabas.actors.models import Organisation
from icilabas.cooperation.models import Partnership, Project
from icilabas.core.views.records import EditorRequiredMixin, StaffRequiredMixin
from icilabas.reference.models import Concept

from . import tasks
from .models import (
    DuplicateCandidate,
    MatchDecision,
    OrganisationMerge,
    PartnershipMerge,
    ProjectMerge,
    ScanRun,
)
from .records import Record
from .selectors import look_alikes
from .services import (
    decide_candidate,
    merge_organisations,
    merge_partnerships,
    merge_projects,
    undo_merge,
    undo_organisation_merge,
    undo_partnership_merge,
)
from .similar import (
    similar_foreign_authorities,
    similar_organisations,
    similar_partnerships,
)


def _ids(values: list[str]) -> set[int]:
    return {int(v) for v in values if v.isdigit()}


def _one_id(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def record_from_form(data) -> Record:
    """A Record from the project form's fields as typed, before anything is saved."""
    partnership = None
    if partnership_id := _one_id(data.get("partnership")):
        partnership = (
            Partnership.objects.select_related("foreign_authority")
            .prefetch_related("french_partners")
            .filter(pk=partnership_id)
            .first()
        )
    authority = place = country = ""
    if partnership is not None:
        place = partnership.foreign_authority.locality
        country = partnership.foreign_authority.country.code
        partners = list(partnership.french_partners.all())
        authority = partners[0].name if partners else ""
    theme = ""
    if theme_id := _one_id(data.get("primary_theme")):
        theme = Concept.objects.filter(pk=theme_id).values_list("label", flat=True).first() or ""
    try:
        year = date.fromisoformat(data.get("start_on", "")).year
    except ValueError:
        year = None
    return Record(
        id="new",
        title=data.get("title", "")[:250],
        description=" ".join([data.get("summary", ""), data.get("description", "")])[:5000],
        french_authority=authority,
        partner_locality=place,
        partner_country=data.get("country") or country,
        theme=theme,
        start_year=year,
    )


class ProjectCheckView(EditorRequiredMixin, View):
    """The live "does this project exist already?" panel of the project form (htmx)."""

    def post(self, request):
        data = request.POST
        found = []
        if len(data.get("title", "").strip()) >= 3:
            exclude = _one_id(data.get("check_project"))
            if exclude is not None and not Project.objects.filter(pk=exclude).exists():
                exclude = None
            ignore = _ids(data.getlist("not_duplicate_of")) | _ids(data.getlist("related_to"))
            found = look_alikes(
                record_from_form(data), exclude=exclude, ignore=ignore, viewer=request.user
            )
        return render(request, "matching/_look_alikes.html", {"look_alikes": found})


class SimilarRecordView(EditorRequiredMixin, View):
    """The live "is it already in the registry?" panel of the organisation and partnership
    forms (htmx): records that look like the one being typed, with the reasons."""

    def post(self, request, kind: str):
        data = request.POST
        exclude = _one_id(data.get("check_record"))
        if kind == "organisation":
            found = similar_organisations(
                name=data.get("name", "")[:200],
                kind=data.get("kind", ""),
                siren=data.get("siren", "").strip(),
                insee_code=data.get("insee_code", "").strip(),
                exclude=exclude,
                viewer=request.user,
            )
        elif kind == "autorite":
            found = similar_foreign_authorities(
                name=data.get("name", "")[:200],
                locality=data.get("locality", "")[:200],
                country=data.get("country", "")[:2],
                exclude=exclude,
                viewer=request.user,
            )
        elif kind == "partenariat":
            found = similar_partnerships(
                title=data.get("title", "")[:250],
                foreign_authority_id=_one_id(data.get("foreign_authority")),
                french_partner_ids=data.getlist("french_partners"),
                exclude=exclude,
                viewer=request.user,
            )
        else:
            raise Http404
        return render(request, "matching/_similar.html", {"similar": found})


class ReviewQueueView(StaffRequiredMixin, ListView):
    """Likely duplicates found by the last registry scan, most certain first."""

    template_name = "matching/review.html"
    paginate_by = 25

    def get_queryset(self):
        return DuplicateCandidate.objects.select_related(
            "project_a__partnership", "project_b__partnership"
        ).order_by("-probability", "pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["last_scan"] = (
            DuplicateCandidate.objects.order_by("-scanned_at")
            .values_list("scanned_at", flat=True)
            .first()
        )
        context["run"] = ScanRun.objects.first()
        return context


class ScanStartView(StaffRequiredMixin, View):
    def post(self, request):
        tasks.start_scan(user=request.user)
        return HttpResponseRedirect(reverse("matching:review"))


class ScanStatusView(StaffRequiredMixin, DetailView):
    """The scan's progress panel, refreshed by htmx until the scan ends."""

    model = ScanRun
    template_name = "matching/_scan_status.html"
    context_object_name = "run"


class DecisionView(StaffRequiredMixin, View):
    def post(self, request, pk: int):
        candidate = get_object_or_404(DuplicateCandidate, pk=pk)
        decision = request.POST.get("decision")
        if decision not in MatchDecision.Decision.values:
            messages.error(request, gettext("Décision inconnue."))
        else:
            decide_candidate(candidate=candidate, user=request.user, decision=decision)
            messages.success(
                request, gettext("Décision enregistrée ; la paire ne sera plus proposée.")
            )
        return HttpResponseRedirect(reverse("matching:review"))


class MergeView(StaffRequiredMixin, TemplateView):
    """Confirm which record to keep, then merge (reversible)."""

    template_name = "matching/merge.html"
    model = Project
    heading = "Fusionner deux fiches du même projet"
    merge = staticmethod(merge_projects)
    explanation = (
        "La fiche conservée garde ses valeurs ; ses champs vides prennent celles de l'autre "
        "fiche, qui lui cède ses étapes, localités, participants, lignes budgétaires et "
        "retours, puis part dans la corbeille."
    )

    def records(self):
        first = get_object_or_404(self.model, pk=self.kwargs["first"])
        second = get_object_or_404(self.model, pk=self.kwargs["second"])
        return first, second

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["first"], context["second"] = self.records()
        context.update(heading=self.heading, explanation=self.explanation)
        return context

    def post(self, request, first: int, second: int):
        records = {r.pk: r for r in self.records()}
        kept_pk = _one_id(request.POST.get("kept"))
        if kept_pk not in records or len(records) < 2:
            messages.error(request, gettext("Choisissez la fiche à conserver."))
            return HttpResponseRedirect(request.path)
        kept = records.pop(kept_pk)
        absorbed = next(iter(records.values()))
        self.merge(kept=kept, absorbed=absorbed, user=request.user)
        messages.success(
            request,
            gettext("« %(record)s » a été fusionné dans cette fiche ; la fusion peut être annulée.")
            % {"record": absorbed},
        )
        return HttpResponseRedirect(kept.get_absolute_url())


class OrganisationMergeView(MergeView):
    model = Organisation
    heading = "Fusionner deux fiches de la même organisation"
    merge = staticmethod(merge_organisations)
    explanation = (
        "La fiche conservée garde ses valeurs ; ses champs vides prennent celles de l'autre "
        "fiche, qui lui cède ses partenariats, ses rôles dans les projets, ses personnes, ses "
        "cofinancements et ses membres, puis part dans la corbeille."
    )


class PartnershipMergeView(MergeView):
    model = Partnership
    heading = "Fusionner deux fiches du même partenariat"
    merge = staticmethod(merge_partnerships)
    explanation = (
        "La fiche conservée garde ses valeurs ; ses champs vides prennent celles de l'autre "
        "fiche, qui lui cède ses projets, ses engagements, ses documents et ses partenaires "
        "français, puis part dans la corbeille."
    )


class UndoMergeView(StaffRequiredMixin, View):
    merge_model = ProjectMerge
    undo = staticmethod(undo_merge)

    def post(self, request, pk: int):
        merge = get_object_or_404(self.merge_model, pk=pk)
        try:
            self.undo(merge=merge, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(merge.kept.get_absolute_url())
        messages.success(
            request, gettext("La fusion a été annulée : les deux fiches sont revenues.")
        )
        return HttpResponseRedirect(merge.absorbed.get_absolute_url())


class UndoOrganisationMergeView(UndoMergeView):
    merge_model = OrganisationMerge
    undo = staticmethod(undo_organisation_merge)


class UndoPartnershipMergeView(UndoMergeView):
    merge_model = PartnershipMerge
    undo = staticmethod(undo_partnership_merge)
