"""REST API v1 (django-ninja, OpenAPI 3.1 at /api/v1/openapi.json).

Reads are public, like the site. Writes need a token (`Authorization: Bearer …`) and go through
the same forms (validation, French messages) and services (permissions, history, search index)
as the web interface.
"""

from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.forms.models import model_to_dict
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, NinjaAPI, Schema, Status
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer
from pydantic import BaseModel, ConfigDict

from icilabas.actors.filters import ForeignAuthorityFilter, OrganisationFilter
from icilabas.actors.forms import OrganisationForm
from icilabas.actors.models import ForeignAuthority, Organisation
from icilabas.actors.services import OrganisationServices
from icilabas.cooperation.filters import PartnershipFilter, ProjectFilter
from icilabas.cooperation.forms import ProjectForm
from icilabas.cooperation.models import Partnership, Project
from icilabas.cooperation.services import ProjectServices
from icilabas.core import permissions
from icilabas.core.models import VERSION
from icilabas.core.permissions import require_edit
from icilabas.core.services import EditConflict, soft_delete_record
from icilabas.reference.models import Concept

from .models import ApiToken, hash_key
from .services import note_token_use

MAX_PAGE_SIZE = 100


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        found = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=hash_key(token), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if found is None:
            return None
        note_token_use(found)
        request.user = found.user
        return found.user


api = NinjaAPI(
    title="Ici & Là-bas",
    version="1",
    description="Registre de la coopération décentralisée : acteurs, autorités partenaires, "
    "partenariats et projets.",
    urls_namespace="api",
)


class InvalidInput(Exception):
    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors


class Errors(Schema):
    errors: dict[str, list[str]]


class Detail(Schema):
    detail: str


class Queued(Schema):
    detail: str
    pending_change: int


class Change(Schema):
    field: str
    before: str
    after: str


class Conflict(Schema):
    """Another change was saved after the version sent in If-Match."""

    detail: str
    version: str  # the current version: send it in If-Match to save over it, knowingly
    changes: list[Change]


READ_ERRORS = {404: Detail, 422: Errors}
WRITE_ERRORS = {401: Detail, 403: Detail, 404: Detail, 409: Conflict, 422: Errors}


@api.exception_handler(EditConflict)
def edit_conflict(request, error: EditConflict):
    changes = [{"field": f, "before": a, "after": b} for f, a, b in error.changes]
    body = {"detail": str(error), "version": error.current, "changes": changes}
    response = api.create_response(request, body, status=409)
    response["ETag"] = f'"{error.current}"'
    return response


def with_etag(response: HttpResponse, record) -> None:
    """The record's version as its ETag: sent back in If-Match, a PATCH made from an older
    version is refused with 409 rather than undoing the newer change."""
    response["ETag"] = f'"{record.version}"'


def if_match(request) -> str:
    return request.headers.get("If-Match", "").strip().removeprefix("W/").strip('"')


@api.exception_handler(InvalidInput)
def invalid_input(request, error: InvalidInput):
    return api.create_response(request, {"errors": error.errors}, status=422)


@api.exception_handler(NinjaValidationError)
def invalid_request(request, error: NinjaValidationError):
    """Malformed parameters or bodies, in the same shape as the forms' errors."""
    errors: dict[str, list[str]] = {}
    for item in error.errors:
        location = [str(part) for part in item.get("loc", ()) if part not in ("query", "body")]
        errors.setdefault(".".join(location) or "requête", []).append(
            f"Valeur invalide ({item.get('type', 'erreur')})."
        )
    return api.create_response(request, {"errors": errors}, status=422)


@api.exception_handler(Http404)
def not_found(request, error):
    return api.create_response(request, {"detail": "Introuvable."}, status=404)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, error):
    return api.create_response(request, {"detail": "Jeton manquant ou invalide."}, status=401)


@api.exception_handler(PermissionDenied)
def permission_denied(request, error: PermissionDenied):
    message = str(error) or "Action non autorisée."
    return api.create_response(request, {"detail": message}, status=403)


class WriteBody(BaseModel):
    """Request bodies: plain pydantic (a ninja Schema reads attributes of any object, so a JSON
    string would be accepted as a record), unknown fields refused."""

    model_config = ConfigDict(extra="forbid")


class Page(Schema):
    count: int
    page: int
    pages: int


def paginate(request, queryset, *, page: int, page_size: int) -> tuple[dict, list]:
    paginator = Paginator(queryset, max(1, min(page_size, MAX_PAGE_SIZE)))
    current = paginator.get_page(page)
    return {"count": paginator.count, "page": current.number, "pages": paginator.num_pages}, list(
        current.object_list
    )


def queued(record):
    """The 202 answer for a change kept for review, or None when it was saved."""
    change = getattr(record, "pending_change", None)
    if change is None:
        return None
    return Status(
        202,
        {
            "detail": "Modification transmise à l'équipe du réseau pour relecture.",
            "pending_change": change.pk,
        },
    )


def visible_or_404(queryset, request, pk: int):
    if isinstance(queryset, type):
        queryset = queryset.objects.all()
    return get_object_or_404(permissions.visible(queryset, request.user), pk=pk)


def filtered(filterset_class, request, queryset):
    """The list page's filters, over what the caller may see (published, or her own drafts)."""
    queryset = permissions.visible(queryset, request.user)
    params = request.GET.copy()
    for name in ("page", "page_size"):
        params.pop(name, None)
    filterset = filterset_class(params or None, queryset=queryset)
    if filterset.is_bound and not filterset.is_valid():
        raise InvalidInput({k: [str(m) for m in v] for k, v in filterset.errors.items()})
    return filterset.qs if filterset.is_bound else queryset


# ---------------------------------------------------------------- organisations


class OrganisationOut(Schema):
    id: int
    name: str
    acronym: str
    kind: str
    siren: str
    insee_code: str
    departement: str | None
    region: str | None
    city: str
    website: str
    description: str
    latitude: float | None
    longitude: float | None
    publication: str = Field(
        description="brouillon, soumis, publie ou archive: others see published records only"
    )
    source: str
    url: str
    updated_at: datetime

    @staticmethod
    def resolve_departement(obj):
        return obj.departement.code if obj.departement_id else None

    @staticmethod
    def resolve_region(obj):
        return obj.region.code if obj.region_id else None

    @staticmethod
    def resolve_url(obj):
        return obj.get_absolute_url()


class OrganisationIn(WriteBody):
    name: str | None = None
    acronym: str | None = None
    kind: str | None = None
    siren: str | None = None
    siret: str | None = None
    insee_code: str | None = None
    city: str | None = None
    website: str | None = None
    email: str | None = None
    description: str | None = None
    source: str | None = None


class OrganisationPage(Page):
    results: list[OrganisationOut]


def _organisations():
    return Organisation.objects.select_related("departement", "region")


@api.get("/organisations", response={200: OrganisationPage, **READ_ERRORS}, tags=["organisations"])
def list_organisations(request, page: int = 1, page_size: int = 25):
    """Organisations, with the filters of the list page (kind, departement, region, country)."""
    meta, rows = paginate(
        request,
        filtered(OrganisationFilter, request, _organisations()).order_by("name", "pk"),
        page=page,
        page_size=page_size,
    )
    return {**meta, "results": rows}


@api.get(
    "/organisations/{pk}", response={200: OrganisationOut, **READ_ERRORS}, tags=["organisations"]
)
def get_organisation(request, pk: int, response: HttpResponse):
    organisation = visible_or_404(_organisations(), request, pk)
    with_etag(response, organisation)
    return organisation


def _write(form_class, instance, payload: dict, services, request, *, create: bool):
    """Validate with the web form, then save through the services: one write path."""
    require_edit(request.user)
    model = form_class._meta.model
    if instance is None:
        data = {
            name: model._meta.get_field(name).get_default()
            for name in form_class.base_fields
            if name in {f.name for f in model._meta.fields}
            and model._meta.get_field(name).has_default()
        }
    else:
        data = model_to_dict(instance, fields=list(form_class.base_fields))
    data = {k: v for k, v in data.items() if v is not None}
    for name, value in list(data.items()):
        if isinstance(value, list):
            data[name] = [getattr(v, "pk", v) for v in value]
    data.update(payload)
    if instance is not None:
        data[VERSION] = if_match(request)
    form = form_class(data=data, instance=instance)
    if not form.is_valid():
        raise InvalidInput({k: [str(m) for m in v] for k, v in form.errors.items()})
    with transaction.atomic():
        if create:
            return services.create(
                form_class._meta.model,
                user=request.user,
                data=form.cleaned_data,
                reason="Création (API)",
            )
        return services.update(
            instance, user=request.user, data=form.cleaned_data, reason="Modification (API)"
        )


@api.post(
    "/organisations",
    response={201: OrganisationOut, **WRITE_ERRORS},
    auth=TokenAuth(),
    tags=["organisations"],
)
def create_organisation(request, payload: OrganisationIn):
    body = payload.model_dump(exclude_none=True)
    return Status(
        201, _write(OrganisationForm, None, body, OrganisationServices, request, create=True)
    )


@api.patch(
    "/organisations/{pk}",
    response={200: OrganisationOut, 202: Queued, **WRITE_ERRORS},
    auth=TokenAuth(),
    tags=["organisations"],
)
def update_organisation(request, pk: int, payload: OrganisationIn, response: HttpResponse):
    """An editor's change to a published record of an organisation staff do not trust is kept
    for review: 202 with the proposal's number, and the record is unchanged until then. With
    If-Match (the ETag of a GET), 409 when the record changed since."""
    organisation = visible_or_404(Organisation, request, pk)
    body = payload.model_dump(exclude_none=True)
    saved = _write(
        OrganisationForm, organisation, body, OrganisationServices, request, create=False
    )
    with_etag(response, saved)
    return queued(saved) or saved


@api.delete(
    "/organisations/{pk}",
    response={204: None, 202: Queued, **WRITE_ERRORS},
    auth=TokenAuth(),
    tags=["organisations"],
)
def delete_organisation(request, pk: int):
    """202 when binning a published record waits for staff review."""
    record = soft_delete_record(
        visible_or_404(Organisation, request, pk), user=request.user, reason="Suppression (API)"
    )
    return queued(record) or Status(204, None)


# ---------------------------------------------------------------- partner authorities


class ForeignAuthorityOut(Schema):
    id: int
    name: str
    kind: str
    country: str
    locality: str
    admin_area: str
    latitude: float | None
    longitude: float | None
    publication: str = Field(
        description="brouillon, soumis, publie ou archive: others see published records only"
    )
    source: str
    url: str

    @staticmethod
    def resolve_country(obj):
        return obj.country.code

    @staticmethod
    def resolve_url(obj):
        return obj.get_absolute_url()


class ForeignAuthorityPage(Page):
    results: list[ForeignAuthorityOut]


@api.get(
    "/foreign-authorities",
    response={200: ForeignAuthorityPage, **READ_ERRORS},
    tags=["partner authorities"],
)
def list_foreign_authorities(request, page: int = 1, page_size: int = 25):
    queryset = filtered(ForeignAuthorityFilter, request, ForeignAuthority.objects.all())
    meta, rows = paginate(request, queryset.order_by("name", "pk"), page=page, page_size=page_size)
    return {**meta, "results": rows}


@api.get(
    "/foreign-authorities/{pk}",
    response={200: ForeignAuthorityOut, **READ_ERRORS},
    tags=["partner authorities"],
)
def get_foreign_authority(request, pk: int):
    return visible_or_404(ForeignAuthority, request, pk)


# ---------------------------------------------------------------- partnerships


class PartnershipOut(Schema):
    id: int
    title: str
    french_partners: list[int]
    foreign_authority: int
    signed_on: date | None
    first_convention_year: int | None
    end_on: date | None
    status: str
    publication: str = Field(
        description="brouillon, soumis, publie ou archive: others see published records only"
    )
    description: str
    url: str

    @staticmethod
    def resolve_french_partners(obj):
        return [o.pk for o in obj.french_partners.all()]

    @staticmethod
    def resolve_foreign_authority(obj):
        return obj.foreign_authority_id

    @staticmethod
    def resolve_url(obj):
        return obj.get_absolute_url()


class PartnershipPage(Page):
    results: list[PartnershipOut]


@api.get("/partnerships", response={200: PartnershipPage, **READ_ERRORS}, tags=["partnerships"])
def list_partnerships(request, page: int = 1, page_size: int = 25):
    queryset = filtered(
        PartnershipFilter, request, Partnership.objects.prefetch_related("french_partners")
    )
    meta, rows = paginate(request, queryset.order_by("title", "pk"), page=page, page_size=page_size)
    return {**meta, "results": rows}


@api.get("/partnerships/{pk}", response={200: PartnershipOut, **READ_ERRORS}, tags=["partnerships"])
def get_partnership(request, pk: int):
    return visible_or_404(Partnership.objects.prefetch_related("french_partners"), request, pk)


# ---------------------------------------------------------------- projects


class ProjectOut(Schema):
    id: int
    title: str
    partnership: int | None
    summary: str
    description: str
    objectives: str
    status: str
    start_on: date | None
    end_on: date | None
    country: str
    primary_theme: str | None
    sdgs: list[str]
    dac_sector: str | None
    publication: str = Field(
        description="brouillon, soumis, publie ou archive: others see published records only"
    )
    source: str
    url: str
    updated_at: datetime

    @staticmethod
    def resolve_partnership(obj):
        return obj.partnership_id

    @staticmethod
    def resolve_country(obj):
        return obj.country.code if obj.country else ""

    @staticmethod
    def resolve_primary_theme(obj):
        return obj.primary_theme.code if obj.primary_theme_id else None

    @staticmethod
    def resolve_dac_sector(obj):
        return obj.dac_sector.code if obj.dac_sector_id else None

    @staticmethod
    def resolve_sdgs(obj):
        return [s.code for s in obj.sdgs.all()]

    @staticmethod
    def resolve_url(obj):
        return obj.get_absolute_url()


class ProjectIn(WriteBody):
    title: str | None = None
    partnership: int | None = None
    summary: str | None = None
    description: str | None = None
    objectives: str | None = None
    status: str | None = None
    start_on: date | None = None
    end_on: date | None = None
    country: str | None = None
    primary_theme: str | None = None
    sdgs: list[str] | None = None
    dac_sector: str | None = None
    source: str | None = None


class ProjectPage(Page):
    results: list[ProjectOut]


def _projects():
    return Project.objects.select_related("primary_theme", "dac_sector").prefetch_related("sdgs")


def _concept_ids(payload: dict[str, Any]) -> dict[str, Any]:
    """Codes in the API ("3.1.1", "14030", "6") become the form's concept ids."""
    vocabularies = {"primary_theme": "atlas-theme", "dac_sector": "dac-sector", "sdgs": "sdg"}
    errors = {}
    for field, slug in vocabularies.items():
        if field not in payload:
            continue
        codes = payload[field] if isinstance(payload[field], list) else [payload[field]]
        found = dict(Concept.objects.of(slug).filter(code__in=codes).values_list("code", "pk"))
        missing = [c for c in codes if c not in found]
        if missing:
            errors[field] = [f"Code inconnu : {', '.join(missing)}."]
            continue
        ids = [found[c] for c in codes]
        payload[field] = ids if field == "sdgs" else ids[0]
    if errors:
        raise InvalidInput(errors)
    return payload


@api.get("/projects", response={200: ProjectPage, **READ_ERRORS}, tags=["projects"])
def list_projects(request, page: int = 1, page_size: int = 25):
    """Projects, with the filters of the list page (country, theme, status, year, departement,
    partnership)."""
    meta, rows = paginate(
        request,
        filtered(ProjectFilter, request, _projects()).order_by("title", "pk"),
        page=page,
        page_size=page_size,
    )
    return {**meta, "results": rows}


@api.get("/projects/{pk}", response={200: ProjectOut, **READ_ERRORS}, tags=["projects"])
def get_project(request, pk: int, response: HttpResponse):
    project = visible_or_404(_projects(), request, pk)
    with_etag(response, project)
    return project


@api.post(
    "/projects", response={201: ProjectOut, **WRITE_ERRORS}, auth=TokenAuth(), tags=["projects"]
)
def create_project(request, payload: ProjectIn):
    body = _concept_ids(payload.model_dump(exclude_none=True))
    project = _write(ProjectForm, None, body, ProjectServices, request, create=True)
    return Status(201, _projects().get(pk=project.pk))


@api.patch(
    "/projects/{pk}",
    response={200: ProjectOut, 202: Queued, **WRITE_ERRORS},
    auth=TokenAuth(),
    tags=["projects"],
)
def update_project(request, pk: int, payload: ProjectIn, response: HttpResponse):
    """Like organisations: 202 when the change waits for staff review, 409 when If-Match
    names an older version."""
    project = visible_or_404(Project, request, pk)
    body = _concept_ids(payload.model_dump(exclude_none=True))
    saved = _write(ProjectForm, project, body, ProjectServices, request, create=False)
    with_etag(response, saved)
    return queued(saved) or _projects().get(pk=pk)


@api.delete(
    "/projects/{pk}",
    response={204: None, 202: Queued, **WRITE_ERRORS},
    auth=TokenAuth(),
    tags=["projects"],
)
def delete_project(request, pk: int):
    """202 when binning a published record waits for staff review."""
    record = soft_delete_record(
        visible_or_404(Project, request, pk), user=request.user, reason="Suppression (API)"
    )
    return queued(record) or Status(204, None)
