"""The generic record views every domain app uses: list (filters, sorting, pagination,
empty state, htmx partial, exports), detail, create/edit (with edit conflicts), soft delete
with confirmation, history; the access mixins and small helpers the other core views share."""

import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import AccessMixin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import DetailView, FormView, ListView, TemplateView

from .. import (
    contributions,
    export,
    page_cache,
    permissions,
    services,
)
from ..collation import french_order
from ..files import attachment_response
from ..history import compare_versions, history_entries
from ..models import VERSION, PendingChange, PublishableRecord, RegistryModel
from ..page_cache import VisitorPageCacheMixin
from ..permissions import can_edit
from ..queries import StoredCountPaginator, count_subquery

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
                site_url=self.request.build_absolute_uri("/").rstrip("/"),
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
            columns_url=reverse(self.url_name("columns")),
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
        queryset = contributions.with_page_related(
            self.get_queryset() if queryset is None else queryset
        )
        record = super().get_object(self.with_viewer_facts(queryset))
        if not permissions.can_view(self.request.user, record):
            raise Http404
        return record

    def with_viewer_facts(self, queryset):
        """What the page asks about the record for this viewer, read with the record: whether
        she may change it and, for those who may change something, its changes waiting for
        review."""
        user = self.request.user
        queryset = permissions.with_edit_right(queryset, user)
        if issubclass(self.model, PublishableRecord) and can_edit(user):
            waiting = PendingChange.objects.filter(
                content_type=ContentType.objects.get_for_model(self.model),  # held in memory
                state=PendingChange.State.PENDING,
            )
            queryset = queryset.annotate(waiting_changes=count_subquery(waiting, "object_id"))
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_edit"] = can_edit(self.request.user, self.object)
        # An editor of another organisation may propose a link to it (core.links).
        context["may_propose_link"] = not context["can_edit"] and bool(
            permissions.organisation_ids(self.request.user)
        )
        if context["can_edit"] and isinstance(self.object, PublishableRecord):
            context["pending_changes"] = self.object.waiting_changes
        context["transitions"] = [
            (name, TRANSITION_LABELS[name])
            for name in services.allowed_transitions(
                self.object, self.request.user, editable=context["can_edit"]
            )
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

    def dialog_target(self) -> str:
        """The id of the select a record created in a dialog goes into ("" on a full page):
        another form's picker asked for it with ?dialog=<id> (htmx)."""
        target = self.request.GET.get("dialog", "")
        is_htmx = getattr(self.request, "htmx", False)
        return target if is_htmx and self.object is None and DIALOG_TARGET.match(target) else ""

    def get_template_names(self):
        meta = self.model._meta
        if self.dialog_target():
            return [f"{meta.app_label}/{meta.model_name}_form_dialog.html", DIALOG_TEMPLATE]
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
        if self.dialog_target():  # ids apart from those of the form the dialog opens over
            kwargs["auto_id"] = "dialog_%s"
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
        if (target := self.dialog_target()) and instance.pk is not None:
            return created_in_dialog(instance, target=target)
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


DIALOG_TEMPLATE = "core/record_form_dialog.html"
DIALOG_TARGET = re.compile(r"^[A-Za-z][\w-]{0,60}$")


def created_in_dialog(record, *, target: str) -> HttpResponse:
    """No page to go to: the opening form's picker takes the new record (static/icilabas/
    dialogs.js listens for the event) and the dialog closes. ("target" would be taken by htmx
    for the element to trigger the event on, hence "picker".)"""
    response = HttpResponse(status=204)
    response["HX-Trigger"] = json.dumps(
        {"recordCreated": {"picker": target, "value": record.pk, "text": str(record)}}
    )
    return response


def review_notice(what: str, record) -> str:
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
            messages.info(request, review_notice("mise à la corbeille", self.object))
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


def registry_models() -> list:
    return [m for m in apps.get_models() if issubclass(m, RegistryModel)]


def registry_model(app_label: str, model_name: str, base=RegistryModel):
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError as error:
        raise Http404 from error
    if not issubclass(model, base):
        raise Http404
    return model


def local_url(request, target: str, fallback: str) -> str:
    """`target` if it stays on this site (no other host, no javascript:), else `fallback`."""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback
