"""The bin: soft-deleted records, restored by their editors or deleted for good by staff."""

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views import View
from django.views.generic import TemplateView

from .. import (
    permissions,
    services,
)
from .records import EditorRequiredMixin, StaffRequiredMixin, registry_model, registry_models

logger = logging.getLogger(__name__)


BIN_PAGE_SIZE = 100


class BinView(EditorRequiredMixin, TemplateView):
    """Deleted records the user may restore (all of them for staff), newest first per kind."""

    template_name = "core/bin.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sections = []
        for model in registry_models():
            deleted = model.all_objects.deleted()
            if not permissions.is_staff(self.request.user):
                deleted = deleted.filter(
                    pk__in=model._base_manager.filter(
                        permissions.editable_q(model, self.request.user)
                    ).values("pk")
                )
            deleted = list(deleted.order_by("-deleted_at")[:BIN_PAGE_SIZE])
            if deleted:
                sections.append({"meta": model._meta, "records": deleted})
        context.update(
            sections=sections,
            page_size=BIN_PAGE_SIZE,
            purgeable_before=timezone.now() - timedelta(days=settings.HARD_DELETE_AFTER_DAYS),
            hard_delete_days=settings.HARD_DELETE_AFTER_DAYS,
        )
        return context


class HardDeleteView(StaffRequiredMixin, View):
    """Delete for good, after the bin's delay; the history keeps a trace of the deletion."""

    def post(self, request, app_label: str, model_name: str, pk: int):
        model = registry_model(app_label, model_name)
        record = get_object_or_404(model.all_objects.deleted(), pk=pk)
        label = str(record)
        try:
            services.hard_delete_record(record, user=request.user)
        except ValidationError as error:
            messages.error(
                request,
                gettext("« %(record)s » : %(reasons)s")
                % {"record": label, "reasons": " ".join(error.messages)},
            )
        else:
            messages.success(
                request,
                gettext("« %(record)s » a été supprimé définitivement.") % {"record": label},
            )
        return HttpResponseRedirect(reverse("bin"))


class RestoreView(EditorRequiredMixin, View):
    def post(self, request, app_label: str, model_name: str, pk: int):
        model = registry_model(app_label, model_name)
        record = get_object_or_404(model.all_objects.deleted(), pk=pk)
        try:
            services.restore_record(record, user=request.user)
        except ValidationError as error:
            messages.error(
                request,
                gettext("« %(record)s » ne peut pas être restauré : %(reasons)s")
                % {"record": record, "reasons": " ".join(error.messages)},
            )
            return HttpResponseRedirect(reverse("bin"))
        messages.success(request, gettext("« %(record)s » a été restauré.") % {"record": record})
        return HttpResponseRedirect(record.get_absolute_url())
