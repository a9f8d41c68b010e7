"""Generic record views shared by every domain app: list (filters, sorting, pagination, empty
state, htmx partial), detail, create/edit, soft delete with confirmation, history, and health."""

import logging
import shutil
import sys
import uuid
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import tablib
from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.models import Q
from django.db.utils import InterfaceError, OperationalError
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View, defaults
from django.views.generic import DetailView, FormView, ListView, TemplateView

from . import (
    contributions,
    export,
    importing,
    jobs,
    links,
    page_cache,
    permissions,
    services,
    tasks,
)
from .collation import french_order
from .files import attachment_response
from .history import compare_versions, histories_of, history_entries, proposed_changes
from .models import VERSION, PendingChange, PublishableRecord, RegistryModel, SpreadsheetImport
from .page_cache import VisitorPageCacheMixin
from .permissions import can_edit
from .queries import StoredCountPaginator

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Column:
    """A list column: header, dotted attribute path to show, and the sort key (if sortable)."""

    label: str
    accessor: str
    sort: str = ""
    link: bool = False


class EditorRequiredMixin(AccessMixin):
    """Anonymous visitors go to the login page; logged-in users without the right get a 403.

    The right is checked again, on the record itself, by the services."""

    raise_exception = False

    def has_right(self, user) -> bool:
        return can_edit(user)

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not self.has_right(request.user):
            self.raise_exception = True
            return self.handle_no_permission()
        return super().dispatch(request, *args, **kwargs)


class StaffRequiredMixin(EditorRequiredMixin):
    def has_right(self, user) -> bool:
        return permissions.is_staff(user)


def viewable_or_404(model, user, pk):
    """A record the user may see: drafts of others are 404, as if they did not exist."""
    record = get_object_or_404(model.objects.all(), pk=pk)
    if not permissions.can_view(user, record):
        raise Http404
    return record


class DocumentFileView(View):
    """An attached document's file, to those who may see its record: as an attachment."""

    model = None  # an AttachedDocument

    def get(self, request, pk: int):
        document = viewable_or_404(self.model, request.user, pk)
        if not document.file:
            raise Http404
        return attachment_response(document.file, filename=Path(document.file.name).name)


class RecordMixin:
    """What every record view knows: its model and the URL names derived from it."""

    model = None
    namespace = ""

    def url_name(self, action: str) -> str:
        return f"{self.namespace}:{self.model._meta.model_name}_{action}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            model_meta=self.model._meta,
            can_edit=can_edit(self.request.user),
            list_url=reverse(self.url_name("list")) if self.has_list else "",
            create_url=reverse(self.url_name("create")) if self.has_list else "",
        )
        return context

    has_list = True


class DefaultServices:
    """The generic write path, for models whose writes carry no domain rule of their own."""

    create = staticmethod(services.create_record)
    update = staticmethod(services.update_record)


class RecordListView(VisitorPageCacheMixin, RecordMixin, ListView):
    filterset_class = None
    form_class = None  # its fields are the columns of the complete (re-importable) export
    columns: list[Column] = []
    default_sort = "name"
    template_name = "core/record_list.html"
    partial_template_name = "core/_record_results.html"

    paginator_class = StoredCountPaginator

    def get_paginate_by(self, queryset):
        return settings.LIST_PAGE_SIZE

    def base_queryset(self):
        return self.model.objects.all()

    def all_columns(self) -> list[Column]:
        """The list's own columns, then those other apps add (`core.contributions`)."""
        return [*self.columns, *contributions.list_columns(self.model)]

    def import_url(self) -> str:
        try:
            return reverse(self.url_name("import"))
        except NoReverseMatch:
            return ""

    def sort_keys(self) -> dict[str, str]:
        return {c.sort: c.sort for c in self.all_columns() if c.sort}

    def current_sort(self) -> str:
        requested = self.request.GET.get("sort", "")
        return requested if requested.lstrip("-") in self.sort_keys() else self.default_sort

    def get_queryset(self):
        base = permissions.visible(contributions.annotated(self.base_queryset()), self.request.user)
        self.filterset = self.filterset_class(self.request.GET or None, queryset=base)
        queryset = self.filterset.qs if self.filterset.is_bound else base
        if self.filterset.is_bound and not self.filterset.is_valid():
            queryset = self.model.objects.none()
        return queryset.order_by(french_order(queryset, self.current_sort()), "pk")

    def get_template_names(self):
        if getattr(self.request, "htmx", False) and not self.request.htmx.boosted:
            return [self.partial_template_name]
        return [self.template_name]

    def get(self, request, *args, **kwargs):
        fmt = request.GET.get("export")
        if fmt in export.FORMATS and request.GET.get("complet") and self.form_class:
            return export.complete_response(
                self.get_queryset(),
                self.form_class,
                user=request.user,
                fmt=fmt,
                title=str(self.model._meta.verbose_name_plural),
            )
        if fmt in export.FORMATS:
            return export.spreadsheet_response(
                self.get_queryset(),
                self.all_columns(),
                fmt=fmt,
                title=str(self.model._meta.verbose_name_plural),
                extras=self.export_extras(),
            )
        return super().get(request, *args, **kwargs)

    def export_extras(self) -> tuple:
        """(header, function of a record) columns the exported spreadsheet adds."""
        return ()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        query.pop("export", None)
        query.pop("complet", None)
        sort_query = query.copy()
        sort_query.pop("sort", None)
        context.update(
            filter=self.filterset,
            columns=self.all_columns(),
            sort=self.current_sort(),
            querystring=query.urlencode(),
            sort_querystring=sort_query.urlencode(),
            # The filter form, with its hundreds of options, is rendered once per filters,
            # language and registry version (its choices are reference data, the same for all).
            page_cache_seconds=settings.PAGE_CACHE_SECONDS,
            registry_version=page_cache.registry_version(),
            is_filtered=any(v for k, v in self.request.GET.items() if k not in ("page", "sort")),
            import_url=self.import_url(),
            export_links=[
                (label, "?" + (query.urlencode() + "&" if query else "") + f"export={fmt}")
                for fmt, label in (("csv", "CSV"), ("xlsx", "Excel"), ("ods", "LibreOffice"))
            ],
            complete_export_link=(
                "?" + (query.urlencode() + "&" if query else "") + "export=xlsx&complet=1"
                if self.form_class
                else ""
            ),
        )
        return context


class RecordDetailView(VisitorPageCacheMixin, RecordMixin, DetailView):
    def get_object(self, queryset=None):
        record = super().get_object(queryset)
        if not permissions.can_view(self.request.user, record):
            raise Http404
        return record

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_edit"] = can_edit(self.request.user, self.object)
        # An editor of another organisation may propose a link to it (core.links).
        context["may_propose_link"] = not context["can_edit"] and bool(
            permissions.organisation_ids(self.request.user)
        )
        if context["can_edit"] and isinstance(self.object, PublishableRecord):
            context["pending_changes"] = PendingChange.objects.filter(
                content_type__app_label=self.model._meta.app_label,
                content_type__model=self.model._meta.model_name,
                object_id=self.object.pk,
                state=PendingChange.State.PENDING,
            ).count()
        context["transitions"] = [
            (name, TRANSITION_LABELS[name])
            for name in services.allowed_transitions(self.object, self.request.user)
        ]
        if context["can_edit"] and isinstance(self.object, PublishableRecord):
            context["transitions"].append(("confirm", TRANSITION_LABELS["confirm"]))
        context["history_url"] = reverse(self.url_name("history"), args=[self.object.pk])
        context["update_url"] = reverse(self.url_name("update"), args=[self.object.pk])
        context["delete_url"] = reverse(self.url_name("delete"), args=[self.object.pk])
        context.update(contributions.page_context(self.object, viewer=self.request.user))
        return context


class ChangeReasonForm(forms.Form):
    change_reason = forms.CharField(
        label=_("Motif de la modification"),
        required=False,
        max_length=200,
        help_text=_("Facultatif : gardé dans l'historique."),
    )


TRANSITION_LABELS = {
    "submit": _("Soumettre à l'équipe du réseau"),
    "publish": _("Publier"),
    "return": _("Renvoyer en brouillon"),
    "archive": _("Archiver"),
    "confirm": _("Confirmer que la fiche est à jour"),
}


def limit_choices_to_visible(form, user) -> None:
    """Pickers offer only records the user may see: no draft of another organisation, no
    person who did not consent to appear (a value outside them is refused as invalid). What
    the record already holds stays on offer, so that saving it again is not refused."""
    instance = getattr(form, "instance", None)
    for name, field in form.fields.items():
        queryset = getattr(field, "queryset", None)
        if queryset is None or not issubclass(queryset.model, PublishableRecord):
            continue
        held = []
        if instance is not None and instance.pk is not None and hasattr(instance, name):
            value = getattr(instance, name)
            held = (
                list(value.values_list("pk", flat=True))
                if hasattr(value, "all")
                else [getattr(value, "pk", None)]
            )
        field.queryset = queryset.filter(
            Q(pk__in=permissions.visible(queryset.model.objects.all(), user).values("pk"))
            | Q(pk__in=[pk for pk in held if pk is not None])
        )


class RecordFormView(EditorRequiredMixin, RecordMixin, FormView):
    """Create (no pk) or edit (pk) a record through the services; errors stay on their fields."""

    form_class = None
    template_name = "core/record_form.html"
    create_service = staticmethod(services.create_record)
    update_service = staticmethod(services.update_record)

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.object = None
        if "pk" in kwargs:
            self.object = get_object_or_404(self.model.objects.all(), pk=kwargs["pk"])

    def has_right(self, user) -> bool:
        if self.object is None and self.model.staff_only:
            return permissions.is_staff(user)
        return can_edit(user, self.object) if self.object is not None else can_edit(user)

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if not permissions.is_staff(self.request.user):
            for name in self.model.staff_only_fields:
                form.fields.pop(name, None)
        limit_choices_to_visible(form, self.request.user)
        return form

    def get_template_names(self):
        meta = self.model._meta
        return [f"{meta.app_label}/{meta.model_name}_form.html", self.template_name]

    def get_initial(self):
        """Child records come from their parent's page with ?project=12 and the like."""
        fields = self.form_class.base_fields
        return {
            name: self.request.GET.getlist(name)
            if isinstance(fields[name], forms.ModelMultipleChoiceField)
            else self.request.GET[name]
            for name in self.request.GET
            if name in fields
        }

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.object
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("reason_form", ChangeReasonForm(self.request.POST or None))
        context["object"] = self.object
        fallback = reverse(self.url_name("list")) if self.has_list else "/"
        context["cancel_url"] = (
            self.object.get_absolute_url()
            if self.object
            else local_url(self.request, self.request.GET.get("next", ""), fallback)
        )
        return context

    def write(self, form, reason: str):
        data = {name: form.cleaned_data[name] for name in form.cleaned_data}
        if self.object is None:
            return self.create_service(
                self.model, user=self.request.user, data=data, reason=reason or "Création"
            )
        return self.update_service(
            self.object, user=self.request.user, data=data, reason=reason or "Modification"
        )

    def form_valid(self, form):
        reason_form = ChangeReasonForm(self.request.POST)
        reason = reason_form.cleaned_data["change_reason"] if reason_form.is_valid() else ""
        try:
            instance = self.write(form, reason)
        except services.EditConflict as conflict:
            return self.conflict(form, conflict)
        except PermissionDenied as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
            return self.form_invalid(form)
        if instance.pk is None:  # an addition to a published record, kept for staff
            messages.info(
                self.request,
                gettext(
                    "Votre ajout a été transmis à l’équipe du réseau : il sera visible de tous "
                    "après relecture."
                ),
            )
        elif getattr(instance, "pending_change", None) is not None:
            messages.info(
                self.request,
                gettext(
                    "Votre modification de « %(record)s » a été transmise à l’équipe du réseau : "
                    "elle sera visible de tous après relecture."
                )
                % {"record": instance},
            )
        else:
            messages.success(
                self.request, gettext("« %(record)s » a été enregistré.") % {"record": instance}
            )
        return HttpResponseRedirect(instance.get_absolute_url())

    def conflict(self, form, conflict):
        """Another editor saved first: say what changed, keep what she typed, and let her
        save again (over the newer version, knowingly)."""
        form.data = form.data.copy()
        form.data[VERSION] = conflict.current
        form.add_error(
            None,
            f"{conflict} "
            + gettext(
                "Voici ce qui a changé entre-temps ; vos valeurs sont conservées ci-dessous : "
                "enregistrez à nouveau pour les garder."
            ),
        )
        for field, then, now in conflict.changes:
            form.add_error(
                None,
                gettext("%(field)s : « %(then)s » → « %(now)s »")
                % {"field": field, "then": then, "now": now},
            )
        return self.form_invalid(form)


def _review_notice(what: str, record) -> str:
    return gettext(
        "Votre demande de %(what)s de « %(record)s » a été transmise à l’équipe du réseau : "
        "la fiche reste publiée jusqu’à sa décision."
    ) % {"what": gettext(what), "record": record}


class RecordDeleteView(EditorRequiredMixin, RecordMixin, TemplateView):
    """GET asks for confirmation; POST puts the record in the bin (restorable)."""

    template_name = "core/record_confirm_delete.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.object = get_object_or_404(self.model.objects.all(), pk=kwargs["pk"])

    def has_right(self, user) -> bool:
        return can_edit(user, self.object)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["object"] = self.object
        return context

    def post(self, request, *args, **kwargs):
        services.soft_delete_record(self.object, user=request.user)
        if getattr(self.object, "pending_change", None) is not None:
            messages.info(request, _review_notice("mise à la corbeille", self.object))
            return HttpResponseRedirect(self.object.get_absolute_url())
        messages.success(
            request,
            gettext("« %(record)s » a été placé dans la corbeille.") % {"record": self.object},
        )
        # A child record's URL is its parent's page; a top-level record goes back to its list.
        after = reverse(self.url_name("list")) if self.has_list else self.object.get_absolute_url()
        return HttpResponseRedirect(after)


class RecordHistoryView(RecordMixin, TemplateView):
    """Every version with its changes; editors of the record may bring an earlier one back."""

    template_name = "core/record_history.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        record = viewable_or_404(self.model, self.request.user, self.kwargs["pk"])
        full = permissions.sees_private_fields(self.request.user, record)
        entries = history_entries(record, full=full)
        context.update(object=record, entries=entries, can_edit=can_edit(self.request.user, record))
        context["full_history"] = full
        first, second = self.request.GET.get("de", "")[:18], self.request.GET.get("a", "")[:18]
        if first.isdigit() and second.isdigit():
            context.update(
                comparison=compare_versions(record, int(first), int(second), full=full),
                compared=(int(first), int(second)),
            )
        return context

    def post(self, request, *args, **kwargs):
        record = viewable_or_404(self.model, request.user, kwargs["pk"])
        version = request.POST.get("history_id", "")
        try:
            services.revert_to_version(
                record, user=request.user, history_id=int(version) if version.isdigit() else 0
            )
        except ValidationError as error:
            messages.error(
                request,
                gettext("Impossible de revenir à cette version : ") + " ".join(error.messages),
            )
            return HttpResponseRedirect(request.path)
        messages.success(
            request, gettext("« %(record)s » est revenu à la version choisie.") % {"record": record}
        )
        return HttpResponseRedirect(record.get_absolute_url())


def server_error(request):
    """The 500 page, except when the database is away or locked: a French 503 asking to come
    back (the site reconnects by itself: CONN_HEALTH_CHECKS), with Retry-After."""
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = "30"
        return response
    return defaults.server_error(request)


def _free_disk_mb() -> int:
    folder = Path(settings.MEDIA_ROOT)
    while not folder.exists():
        folder = folder.parent
    return shutil.disk_usage(folder).free // 2**20


class HealthView(View):
    """Liveness and database status for monitoring: 200 when the database answers and the
    disk has room (HEALTH_MIN_FREE_MB), else 503 with the reason; with the worker's last
    heartbeat (core.jobs), so that a queue nobody serves is seen."""

    def get(self, request):
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()
        except Exception as error:  # whatever stops the database answering is a 503
            return JsonResponse(
                {"status": "error", "database": "unavailable", "reason": str(error)[:200]},
                status=503,
            )
        heartbeat = jobs.last_heartbeat()
        worker = {"last_seen": None, "seconds_ago": None, "alive": False}
        if heartbeat is not None:
            age = (timezone.now() - heartbeat.last_seen).total_seconds()
            worker = {
                "last_seen": heartbeat.last_seen.isoformat(),
                "seconds_ago": round(age),
                "alive": age < settings.WORKER_LEASE_SECONDS,
            }
        free = _free_disk_mb()
        disk = {"free_mb": free, "minimum_mb": settings.HEALTH_MIN_FREE_MB}
        if free < settings.HEALTH_MIN_FREE_MB:
            reason = f"disque presque plein : {free} Mo libres"
            body = {"status": "error", "reason": reason, "disk": disk, "worker": worker}
            return JsonResponse(body, status=503)
        body = {"status": "ok", "database": connection.vendor, "worker": worker, "disk": disk}
        return JsonResponse(body)


class LanguageView(View):
    """Switch the interface language with a plain link or GET form.

    Django's own switch wants a POST with a CSRF token, which would tie every page to one
    visitor and keep pages from being shared (core.page_cache). Choosing a language changes
    nothing but a cookie, so a forged request cannot do harm."""

    def get(self, request):
        language = request.GET.get("language", "")
        response = HttpResponseRedirect(local_url(request, request.GET.get("next", "/"), "/"))
        if language in dict(settings.LANGUAGES):
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response


def registry_models() -> list:
    return [m for m in apps.get_models() if issubclass(m, RegistryModel)]


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
        model = _registry_model(app_label, model_name)
        record = get_object_or_404(model.all_objects.deleted(), pk=pk)
        label = str(record)
        try:
            services.hard_delete_record(record, user=request.user)
        except ValidationError as error:
            messages.error(request, f"« {label} » : " + " ".join(error.messages))
        else:
            messages.success(
                request,
                gettext("« %(record)s » a été supprimé définitivement.") % {"record": label},
            )
        return HttpResponseRedirect(reverse("bin"))


class RestoreView(EditorRequiredMixin, View):
    def post(self, request, app_label: str, model_name: str, pk: int):
        model = _registry_model(app_label, model_name)
        record = get_object_or_404(model.all_objects.deleted(), pk=pk)
        try:
            services.restore_record(record, user=request.user)
        except ValidationError as error:
            messages.error(
                request, f"« {record} » ne peut pas être restauré : " + " ".join(error.messages)
            )
            return HttpResponseRedirect(reverse("bin"))
        messages.success(request, f"« {record} » a été restauré.")
        return HttpResponseRedirect(record.get_absolute_url())


def _registry_model(app_label: str, model_name: str, base=RegistryModel):
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError as error:
        raise Http404 from error
    if not issubclass(model, base):
        raise Http404
    return model


class PublicationView(EditorRequiredMixin, View):
    """Move a record along draft → submitted → published → archived, or confirm it is still
    up to date (POST only)."""

    def post(self, request, app_label: str, model_name: str, pk: int, transition: str):
        model = _registry_model(app_label, model_name, PublishableRecord)
        record = viewable_or_404(model, request.user, pk)
        if transition == "confirm":
            services.confirm_up_to_date(record, user=request.user)
            messages.success(request, f"« {record} » est confirmé à jour. Merci !")
        else:
            services.change_publication(
                record,
                user=request.user,
                transition=transition,
                note=request.POST.get("note", "")[:200],
            )
            if getattr(record, "pending_change", None) is not None:
                messages.info(request, _review_notice("archivage", record))
            else:
                state = record.get_publication_display().lower()
                messages.success(request, f"« {record} » : {state}.")
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


def local_url(request, target: str, fallback: str) -> str:
    """`target` if it stays on this site (no other host, no javascript:), else `fallback`."""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


class LinkDecisionView(EditorRequiredMixin, View):
    """Accept or turn down a proposed link (a position, a participation, a partnership's
    partner authority) from Mon espace or the moderation page (POST only)."""

    def post(self, request, app_label: str, model_name: str, pk: int, decision: str):
        model = _registry_model(app_label, model_name)
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


class SpreadsheetImportView(StaffRequiredMixin, DetailView):
    """A big spreadsheet's import: progress while it runs (htmx), then its outcome."""

    model = SpreadsheetImport
    context_object_name = "job"
    template_name = "core/spreadsheet_import.html"

    def get_template_names(self):
        if getattr(self.request, "htmx", False):
            return ["core/_spreadsheet_import_status.html"]
        return [self.template_name]


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
            raise importing.ImportFileError("Choisissez un fichier à importer.")
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
            plan = self.plan(rows, progress=job.progress.write)
            counts = importing.run_import(
                plan,
                services=self.services,
                model=self.model,
                user=job.created_by,
                valid_only=valid_only,
                progress=job.progress.write,
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
