from django.urls import path

from icilabas.core.routing import record_urls
from icilabas.core.views.records import DocumentFileView

from . import forms, views
from .models import (
    ActionStep,
    BudgetLine,
    Commitment,
    LocalImpact,
    Participation,
    Partnership,
    PartnershipDocument,
    Project,
    ProjectLocation,
    SecondaryTheme,
)
from .services import PartnershipServices, ProjectServices

app_name = "cooperation"

urlpatterns = [
    path(
        "partenariats/echeances/",
        views.ConventionsEndingView.as_view(),
        name="conventions_ending",
    ),
    *record_urls(
        "partenariats",
        model=Partnership,
        namespace=app_name,
        form_class=forms.PartnershipForm,
        list_view=views.PartnershipListView,
        detail_view=views.PartnershipDetailView,
        services=PartnershipServices,
    ),
    *record_urls(
        "projets",
        model=Project,
        namespace=app_name,
        form_class=forms.ProjectForm,
        list_view=views.ProjectListView,
        detail_view=views.ProjectDetailView,
        services=ProjectServices,
    ),
    *record_urls(
        "engagements", model=Commitment, namespace=app_name, form_class=forms.CommitmentForm
    ),
    path(
        "documents/<int:pk>/fichier/",
        DocumentFileView.as_view(model=PartnershipDocument),
        name="partnershipdocument_file",
    ),
    *record_urls(
        "documents",
        model=PartnershipDocument,
        namespace=app_name,
        form_class=forms.PartnershipDocumentForm,
    ),
    *record_urls(
        "thematiques-secondaires",
        model=SecondaryTheme,
        namespace=app_name,
        form_class=forms.SecondaryThemeForm,
    ),
    *record_urls(
        "localites", model=ProjectLocation, namespace=app_name, form_class=forms.ProjectLocationForm
    ),
    *record_urls("etapes", model=ActionStep, namespace=app_name, form_class=forms.ActionStepForm),
    *record_urls(
        "participations",
        model=Participation,
        namespace=app_name,
        form_class=forms.ParticipationForm,
    ),
    *record_urls("budget", model=BudgetLine, namespace=app_name, form_class=forms.BudgetLineForm),
    *record_urls(
        "retours", model=LocalImpact, namespace=app_name, form_class=forms.LocalImpactForm
    ),
]
