import tempfile
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import DetailView, FormView

from icilabas.actors.models import Organisation
from icilabas.cooperation.models import Project
from icilabas.cooperation.selectors import organisation_projects
from icilabas.core.export import FORMATS
from icilabas.core.permissions import can_edit
from icilabas.core.views.records import EditorRequiredMixin, StaffRequiredMixin

from . import tasks
from .atlas import prepare
from .iati import MAX_BYTES
from .iati_export import export_activities, export_organisations
from .models import ImportJob


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
            raise Http404(gettext("Année invalide."))
        fmt = request.GET.get("format", "xlsx")
        if fmt not in ("xlsx", "ods"):
            raise Http404(gettext("Format inconnu."))
        body = prepare(year=int(year), organisation=self.organisation).workbook(
            year=int(year), fmt=fmt
        )
        response = HttpResponse(body, content_type=FORMATS[fmt])
        name = f"declarations-{year}-{slugify(self.organisation.name)}.{fmt}"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


NO_DATED_PROJECT = _(
    "Aucun fichier d’activités IATI : aucun projet publié de l’organisation n’a de date de "
    "début ou de fin, et IATI en demande une par activité."
)


class OrganisationIatiView(DeclarationsView):
    """An organisation's projects as an IATI 2.03 activity file, or its organisation file."""

    def get(self, request, pk: int):
        kind = request.GET.get("fichier", "activites")
        if kind not in ("activites", "organisation"):
            raise Http404(gettext("Fichier inconnu."))
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "export.xml"
            if kind == "activites":
                projects = organisation_projects(organisation=self.organisation)
                counts = export_activities(
                    path, Project.objects.filter(pk__in=projects.values("pk"))
                )
                if not counts["written"]:  # the schema wants at least one activity
                    messages.warning(request, NO_DATED_PROJECT)
                    return HttpResponseRedirect(self.organisation.get_absolute_url())
            else:
                export_organisations(path, Organisation.objects.filter(pk=self.organisation.pk))
            body = path.read_bytes()
        response = HttpResponse(body, content_type="application/xml")
        name = f"iati-{kind}-{slugify(self.organisation.name)}.xml"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class IatiUploadForm(forms.Form):
    file = forms.FileField(label=_("Fichier d'activités IATI (XML, versions 2.01 à 2.03)"))
    valid_only = forms.BooleanField(
        label=_("Importer les activités valides même si d’autres sont en erreur"),
        help_text=_(
            "Sinon, une seule activité en erreur (sans titre, identifiant en double…) fait "
            "refuser tout le fichier. Un problème critique (XML invalide, mauvaise version) le "
            "fait refuser dans tous les cas."
        ),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = filesizeformat(min(settings.MAX_UPLOAD_BYTES, MAX_BYTES))
        self.fields["file"].help_text = gettext(
            "Jusqu'à %(limit)s. Réimporter un fichier met à jour les activités déjà importées."
        ) % {"limit": limit}


JOBS_PAGE_SIZE = 20


class IatiImportView(StaffRequiredMixin, FormView):
    """Upload an IATI file; the import runs in the background and its page shows progress."""

    template_name = "interop/iati_import.html"
    form_class = IatiUploadForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        jobs = ImportJob.objects.select_related("created_by")
        context["jobs"] = Paginator(jobs, JOBS_PAGE_SIZE).get_page(self.request.GET.get("page"))
        return context

    def form_valid(self, form):
        try:
            job = tasks.start_iati_import(
                upload=form.cleaned_data["file"],
                user=self.request.user,
                valid_only=form.cleaned_data["valid_only"],
            )
        except ValidationError as error:
            form.add_error("file", error.message_dict.get("file", error.messages))
            return self.form_invalid(form)
        return HttpResponseRedirect(job.get_absolute_url())


class IatiJobView(StaffRequiredMixin, DetailView):
    """Progress while the import runs (the partial refreshes itself), then the graded report."""

    model = ImportJob
    template_name = "interop/iati_job.html"
    context_object_name = "job"

    def get_template_names(self):
        if getattr(self.request, "htmx", False):
            return ["interop/_iati_job_status.html"]
        return [self.template_name]
