"""The suggestions of a searchable picker (`core.pickers`): the records of a model she may see
whose name or title holds every word typed."""

from django.apps import apps
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, JsonResponse
from django.views import View

from .. import permissions
from ..models import RegistryModel
from ..pickers import SUGGESTIONS, matching, search_fields


class PickerOptionsView(LoginRequiredMixin, View):
    raise_exception = True

    def get(self, request, label: str):
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            raise Http404 from None
        pickable = issubclass(model, RegistryModel) or model._meta.app_label == "reference"
        if not pickable or not search_fields(model):
            raise Http404
        text = request.GET.get("q", "").strip()[:100]
        if len(text) < 2:
            return JsonResponse({"results": []})
        found = matching(permissions.visible(model.objects.all(), request.user), text)
        ordered = found.order_by(*search_fields(model), "pk")[:SUGGESTIONS]
        return JsonResponse(
            {"results": [{"value": str(record.pk), "text": str(record)} for record in ordered]}
        )
