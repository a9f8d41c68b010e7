"""Publication and review: state transitions, staff moderation of pending changes and of
proposed links."""

import logging

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext
from django.views import View
from django.views.generic import TemplateView

from .. import (
    links,
    services,
)
from ..history import histories_of, proposed_changes
from ..models import PendingChange, PublishableRecord
from .bin import BIN_PAGE_SIZE
from .records import (
    EditorRequiredMixin,
    StaffRequiredMixin,
    local_url,
    registry_model,
    registry_models,
    review_notice,
    viewable_or_404,
)

logger = logging.getLogger(__name__)


class PublicationView(EditorRequiredMixin, View):
    """Move a record along draft → submitted → published → archived, or confirm it is still
    up to date (POST only)."""

    def post(self, request, app_label: str, model_name: str, pk: int, transition: str):
        model = registry_model(app_label, model_name, PublishableRecord)
        record = viewable_or_404(model, request.user, pk)
        if transition == "confirm":
            services.confirm_up_to_date(record, user=request.user)
            messages.success(
                request, gettext("« %(record)s » est confirmé à jour. Merci !") % {"record": record}
            )
        else:
            services.change_publication(
                record,
                user=request.user,
                transition=transition,
                note=request.POST.get("note", "")[:200],
            )
            if getattr(record, "pending_change", None) is not None:
                messages.info(request, review_notice("archivage", record))
            else:
                state = record.get_publication_display().lower()
                messages.success(
                    request,
                    gettext("« %(record)s » : %(state)s.") % {"record": record, "state": state},
                )
        return HttpResponseRedirect(
            local_url(request, request.POST.get("next", ""), record.get_absolute_url())
        )


class ModerationView(StaffRequiredMixin, TemplateView):
    """What editors submitted, oldest first, each with its changes since it was last published."""

    template_name = "core/moderation.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sections = []
        for model in registry_models():
            if not issubclass(model, PublishableRecord):
                continue
            waiting = list(
                model.objects.filter(publication="soumis").order_by("updated_at")[:BIN_PAGE_SIZE]
            )
            if waiting:
                histories = histories_of(model, [record.pk for record in waiting])
                items = [
                    {"record": record, "entries": histories.get(record.pk, [])[:3]}
                    for record in waiting
                ]
                sections.append({"meta": model._meta, "items": items})
        waiting_changes = (
            PendingChange.objects.filter(state=PendingChange.State.PENDING)
            .select_related("content_type", "proposed_by")
            .prefetch_related("record")
            .order_by("proposed_at")[:BIN_PAGE_SIZE]
        )
        proposals = [
            {
                "change": change,
                "record": change.record,
                "parent": services.parent_of(change.record) if change.record else None,
                "fields": proposed_changes(change),
            }
            for change in waiting_changes
            if change.record is not None or change.action == PendingChange.Action.CREATE
        ]
        for proposal in proposals:  # an addition: the record it would join
            if proposal["record"] is None:
                model = proposal["change"].content_type.model_class()
                parent_id = proposal["change"].values.get(model.parent_field)
                parent_model = model._meta.get_field(model.parent_field).related_model
                proposal["parent"] = parent_model.objects.filter(pk=parent_id).first()
        context.update(
            sections=sections,
            proposals=proposals,
            link_proposals=links.proposals_to_decide(self.request.user),
        )
        return context


class PendingChangeDecisionView(StaffRequiredMixin, View):
    """Apply or reject an editor's proposed change (POST only)."""

    def post(self, request, pk: int, decision: str):
        change = get_object_or_404(PendingChange, pk=pk)
        decide = {
            "appliquer": services.apply_pending_change,
            "refuser": services.reject_pending_change,
        }.get(decision)
        if decide is None:
            raise Http404
        try:
            decide(change, user=request.user, note=request.POST.get("note", ""))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                (
                    gettext("Modification de « %(record)s » publiée.")
                    if decision == "appliquer"
                    else gettext("Modification de « %(record)s » refusée.")
                )
                % {"record": change.subject},
            )
        return HttpResponseRedirect(reverse("moderation"))


class LinkDecisionView(EditorRequiredMixin, View):
    """Accept or turn down a proposed link (a position, a participation, a partnership's
    partner authority) from Mon espace or the moderation page (POST only)."""

    def post(self, request, app_label: str, model_name: str, pk: int, decision: str):
        model = registry_model(app_label, model_name)
        if not model.link_target or decision not in ("accepter", "refuser"):
            raise Http404
        link = get_object_or_404(model._base_manager.filter(deleted_at__isnull=True), pk=pk)
        try:
            services.decide_link(link, user=request.user, accept=decision == "accepter")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            done = (
                gettext("Rattachement « %(link)s » accepté.")
                if decision == "accepter"
                else gettext("Rattachement « %(link)s » refusé.")
            )
            messages.success(request, done % {"link": link})
        return HttpResponseRedirect(
            local_url(request, request.POST.get("next", ""), reverse("members:home"))
        )
