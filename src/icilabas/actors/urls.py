from django.urls import path

from icilabas.core.routing import record_urls

from . import views
from .forms import ForeignAuthorityForm, OrganisationForm, PersonForm, PositionForm
from .models import ForeignAuthority, Organisation, Person, Position
from .services import ForeignAuthorityServices, OrganisationServices

app_name = "actors"

urlpatterns = [
    *record_urls(
        "organisations",
        model=Organisation,
        namespace=app_name,
        form_class=OrganisationForm,
        list_view=views.OrganisationListView,
        detail_view=views.OrganisationDetailView,
        services=OrganisationServices,
        import_view=views.OrganisationImportView,
    ),
    *record_urls(
        "autorites-partenaires",
        model=ForeignAuthority,
        namespace=app_name,
        form_class=ForeignAuthorityForm,
        list_view=views.ForeignAuthorityListView,
        detail_view=views.ForeignAuthorityDetailView,
        services=ForeignAuthorityServices,
    ),
    path("personnes/<int:pk>/donnees/", views.PersonDataExportView.as_view(), name="person_data"),
    path("personnes/<int:pk>/effacer/", views.PersonEraseView.as_view(), name="person_erase"),
    *record_urls(
        "personnes",
        model=Person,
        namespace=app_name,
        form_class=PersonForm,
        list_view=views.PersonListView,
        detail_view=views.PersonDetailView,
    ),
    *record_urls("fonctions", model=Position, namespace=app_name, form_class=PositionForm),
]
