"""Spreadsheet imports of a record type: preview, confirmation, big files in the background."""

import logging
import uuid
from pathlib import Path

import tablib
from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from django.views.generic import DetailView, TemplateView

from .. import (
    export,
    importing,
    jobs,
    services,
    tasks,
)
from ..models import SpreadsheetImport
from .records import RecordMixin, StaffRequiredMixin

logger = logging.getLogger(__name__)


class SpreadsheetImportView(StaffRequiredMixin, DetailView):
    """A big spreadsheet's import: progress while it runs (htmx), then its outcome."""

    model = SpreadsheetImport
    context_object_name = "job"
    template_name = "core/spreadsheet_import.html"

    def get_template_names(self):
        if getattr(self.request, "htmx", False):
            return ["core/_spreadsheet_import_status.html"]
        return [self.template_name]


def column_guide(form_class) -> list[dict]:
    """What each column of the import template and of the complete spreadsheet holds, and
    how to write it, read from the form that checks each row."""
    form = form_class()
    rows = [
        {
            "name": "id",
            "label": gettext("Identifiant"),
            "required": False,
            "what": gettext(
                "Le numéro de la fiche dans le registre (dans son adresse). Rempli : la ligne "
                "met à jour cette fiche ; vide : elle en crée une."
            ),
        }
    ]
    for name in form_class._meta.fields:
        field = form.fields.get(name) or form_class.base_fields.get(name)
        if field is None:
            continue
        rows.append(
            {
                "name": name,
                "label": field.label,
                "required": field.required,
                "what": _how_to_write(field),
                "help": field.help_text,
            }
        )
    return rows


def _how_to_write(field) -> str:
    if isinstance(field, forms.FileField):
        return gettext("Ne s’importe pas : un fichier se joint sur la fiche.")
    if isinstance(field, forms.ModelMultipleChoiceField):
        thing = field.queryset.model._meta.verbose_name
        return gettext("Numéros (id) de fiches « %(thing)s », séparés par « ; ».") % {
            "thing": thing
        }
    if isinstance(field, forms.ModelChoiceField):
        thing = field.queryset.model._meta.verbose_name
        return gettext("Numéro (id) d'une fiche « %(thing)s ».") % {"thing": thing}
    if isinstance(field, forms.BooleanField):
        return gettext("oui ou non (vide : non).")
    if isinstance(field, forms.DateField):
        return gettext("Une date : jj/mm/aaaa, aaaa-mm-jj ou une cellule de date.")
    if isinstance(field, forms.DecimalField | forms.FloatField):
        return gettext("Un nombre, virgule décimale acceptée (2 500,50).")
    if isinstance(field, forms.IntegerField):
        return gettext("Un nombre entier.")
    if isinstance(field, forms.ChoiceField):
        codes = [f"{value} ({label})" for value, label in field.choices if value not in ("", None)]
        if len(codes) > 12:
            return gettext("Un code parmi %(count)s (par exemple %(examples)s).") % {
                "count": len(codes),
                "examples": ", ".join(codes[:3]),
            }
        return gettext("Un code parmi : %(codes)s.") % {"codes": ", ".join(codes)}
    return gettext("Du texte.")


class ColumnGuideView(RecordMixin, TemplateView):
    """The columns of a record type's spreadsheets, for anyone who downloads one."""

    template_name = "core/columns.html"
    form_class = None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["columns"] = column_guide(self.form_class)
        return context


class ImportView(StaffRequiredMixin, RecordMixin, TemplateView):
    """Upload a spreadsheet, see every error by row and column, then import (all or nothing,
    or explicitly the valid rows only)."""

    template_name = "core/import.html"
    form_class = None
    services = None
    key_columns: tuple[str, ...] = ("id",)

    def template_columns(self) -> list[str]:
        return ["id", *self.form_class._meta.fields]

    def get(self, request, *args, **kwargs):
        fmt = request.GET.get("template")
        if fmt in ("csv", "xlsx", "ods"):
            dataset = tablib.Dataset(headers=self.template_columns())
            body = dataset.export(fmt)
            response = HttpResponse(
                ("\ufeff" + body) if fmt == "csv" else body, content_type=export.FORMATS[fmt]
            )
            name = f"modele-{self.model._meta.model_name}.{fmt}"
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            return response
        return super().get(request, *args, **kwargs)

    def find_existing(self, row: dict[str, str]):
        """The record a row updates: by id (False when the id is unknown), else None."""
        identifier = (row.get("id") or "").strip()
        if identifier:
            found = (
                self.model.objects.filter(pk=identifier).first() if identifier.isdigit() else None
            )
            return found or False
        return None

    def key_of(self, row: dict[str, str]) -> str | None:
        for column in self.key_columns:
            if (row.get(column) or "").strip():
                return f"{column}={row[column].strip()}"
        return None

    def _stored_path(self, token: str) -> Path | None:
        if not token or not token.replace("-", "").isalnum():
            return None
        path = Path(settings.MEDIA_ROOT) / "imports" / token
        return path if path.exists() else None

    def read_file(self, request) -> tuple[str, list[str], list[dict[str, str]]]:
        """The file sent now (stored for the confirmation), or the one the dry run stored."""
        upload = request.FILES.get("file")
        if upload is None:
            token = request.POST.get("token", "")
            return token, *self.read_stored(token)
        raw = upload.read(importing.MAX_BYTES + 1)
        header, rows = importing.read_rows(upload.name, raw)
        if not set(header) & set(self.template_columns()):
            # Most often a separator the reader does not take ("|"), or another file.
            unknown = gettext(
                "Aucune colonne reconnue sur la première ligne (« %(header)s ») : le séparateur "
                "doit être « ; », « , » ou une tabulation, et les noms ceux du modèle à "
                "télécharger ci-dessus."
            )
            raise importing.ImportFileError(unknown % {"header": " ".join(header)[:200]})
        token = f"{uuid.uuid4().hex}-{Path(upload.name).suffix.lstrip('.').lower()}"
        folder = Path(settings.MEDIA_ROOT) / "imports"
        folder.mkdir(parents=True, exist_ok=True)
        importing.purge_stale_uploads(folder)
        (folder / token).write_bytes(raw)
        return token, header, rows

    def read_stored(self, token: str) -> tuple[list[str], list[dict[str, str]]]:
        path = self._stored_path(token)
        if path is None:
            raise importing.ImportFileError(gettext("Choisissez un fichier à importer."))
        return importing.read_rows("x." + token.rsplit("-", 1)[-1], path.read_bytes())

    def plan(self, rows, progress=None) -> importing.ImportPlan:
        return importing.plan_import(
            rows,
            form_class=self.form_class,
            find_existing=self.find_existing,
            key_of=self.key_of,
            progress=progress,
        )

    def preview(self, plan, header, rows) -> dict:
        unknown = [h for h in header if h and h not in self.template_columns()]
        return plan.summary(rows=len(rows), unknown_columns=unknown)

    def check_job(self, job_pk: int) -> None:
        """A big file's dry run, beside the request: the preview is kept with the job."""

        def check(job, header, rows):
            plan = self.plan(rows, progress=job.progress.write)
            return {
                "state": SpreadsheetImport.State.CHECKED,
                "preview": self.preview(plan, header, rows),
            }

        self._in_background(job_pk, check)

    def run_job(self, job_pk: int, valid_only: bool) -> None:
        """A big file's import, beside the request: checked again, then written."""

        def run(job, header, rows):
            # Run again after a worker died midway: what it committed goes first.
            services.undo_import(job, user=job.created_by)
            plan = self.plan(rows, progress=job.progress.write)
            counts = importing.run_import(
                plan,
                services=self.services,
                model=self.model,
                user=job.created_by,
                valid_only=valid_only,
                progress=job.progress.write,
                job=job,
            )
            self._stored_path(job.token).unlink(missing_ok=True)
            return {"state": SpreadsheetImport.State.DONE, "counts": counts}

        self._in_background(job_pk, run)

    def _in_background(self, job_pk: int, work) -> None:
        """Run `work(job, header, rows)` on the job's stored file; whatever happens, the job
        ends in a state its page can show (see core.background)."""
        job = SpreadsheetImport.objects.select_related("created_by").get(pk=job_pk)
        try:
            outcome = work(job, *self.read_stored(job.token))
        except importing.ImportFileError as error:
            outcome = {"state": SpreadsheetImport.State.REFUSED, "message": str(error)}
        except Exception as error:
            logger.exception("Import de tableur n° %s interrompu", job_pk)
            outcome = {
                "state": SpreadsheetImport.State.FAILED,
                "message": gettext("Erreur inattendue : %(kind)s.")
                % {"kind": error.__class__.__name__},
            }
        services.end_spreadsheet_job(job, **outcome)

    def start_job(self, request, token: str, rows: int, confirm: str) -> HttpResponseRedirect:
        """Big files are checked, then imported, in the background; the confirmation of a
        checked file goes on with the same job."""
        job = SpreadsheetImport.objects.filter(
            pk=request.POST.get("job") or 0, token=token, state=SpreadsheetImport.State.CHECKED
        ).first() or SpreadsheetImport(
            title=str(self.model._meta.verbose_name_plural),
            list_url=reverse(self.url_name("list")),
            import_url=request.path,
            created_by=request.user,
            token=token,
        )
        job.total = rows
        job.state = SpreadsheetImport.State.RUNNING if confirm else SpreadsheetImport.State.CHECKING
        services.save_spreadsheet_job(job, user=request.user)
        jobs.enqueue(
            tasks.run_spreadsheet_job,
            job.pk,
            confirm=confirm,
            language=translation.get_language() or "fr",
        )
        return HttpResponseRedirect(reverse("spreadsheet_import", args=[job.pk]))

    def post(self, request, *args, **kwargs):
        context = self.get_context_data(**kwargs)
        confirm = request.POST.get("confirm", "")
        try:
            token, header, rows = self.read_file(request)
        except importing.ImportFileError as error:
            context["file_error"] = str(error)
            return self.render_to_response(context)
        if len(rows) > settings.SPREADSHEET_BACKGROUND_ROWS:
            return self.start_job(request, token, len(rows), confirm)
        plan = self.plan(rows)
        if confirm:
            try:
                counts = importing.run_import(
                    plan,
                    services=self.services,
                    model=self.model,
                    user=request.user,
                    valid_only=confirm == "valid",
                )
            except importing.ImportFileError as error:
                context["file_error"] = str(error)
            else:
                self._stored_path(token).unlink(missing_ok=True)
                messages.success(
                    request,
                    gettext(
                        "Import terminé : %(created)s créé(s), %(updated)s mis à jour, "
                        "%(skipped)s ligne(s) écartée(s)."
                    )
                    % counts,
                )
                return HttpResponseRedirect(reverse(self.url_name("list")))
        context.update(plan=plan, preview=self.preview(plan, header, rows), token=token)
        return self.render_to_response(context)
