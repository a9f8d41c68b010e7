from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.text import slugify
from django.views import View

from icilabas.actors.models import Organisation
from icilabas.core.export import FORMATS
from icilabas.core.permissions import can_edit
from icilabas.core.views import EditorRequiredMixin

from .atlas import prepare


class DeclarationsView(EditorRequiredMixin, View):
    """An authority's Atlas and e-APD workbook for a year, for its editors and staff."""

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.organisation = get_object_or_404(Organisation.objects.all(), pk=kwargs["pk"])

    def has_right(self, user) -> bool:
        return can_edit(user, self.organisation)

    def get(self, request, pk: int):
        year = request.GET.get("annee", "")
        if not year.isdigit() or not 1950 <= int(year) <= timezone.now().year + 1:
            raise Http404("Année invalide.")
        fmt = request.GET.get("format", "xlsx")
        if fmt not in ("xlsx", "ods"):
            raise Http404("Format inconnu.")
        body = prepare(year=int(year), organisation=self.organisation).workbook(
            year=int(year), fmt=fmt
        )
        response = HttpResponse(body, content_type=FORMATS[fmt])
        name = f"declarations-{year}-{slugify(self.organisation.name)}.{fmt}"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
