from django.urls import path

from icilabas.core.routing import record_urls
from icilabas.core.views.records import DocumentFileView

from . import forms, views
from .models import (
    ExperienceSheet,
    Guide,
    GuideStep,
    SheetDocument,
    Term,
    TermTranslation,
    TermVariant,
)

app_name = "knowledge"

urlpatterns = [
    *record_urls(
        "glossaire",
        model=Term,
        namespace=app_name,
        form_class=forms.TermForm,
        list_view=views.TermListView,
        detail_view=views.TermDetailView,
    ),
    *record_urls(
        "variantes", model=TermVariant, namespace=app_name, form_class=forms.TermVariantForm
    ),
    *record_urls(
        "traductions",
        model=TermTranslation,
        namespace=app_name,
        form_class=forms.TermTranslationForm,
    ),
    *record_urls(
        "fiches",
        model=ExperienceSheet,
        namespace=app_name,
        form_class=forms.ExperienceSheetForm,
        list_view=views.ExperienceSheetListView,
        detail_view=views.ExperienceSheetDetailView,
    ),
    path(
        "documents/<int:pk>/fichier/",
        DocumentFileView.as_view(model=SheetDocument),
        name="sheetdocument_file",
    ),
    *record_urls(
        "documents", model=SheetDocument, namespace=app_name, form_class=forms.SheetDocumentForm
    ),
    *record_urls(
        "guides",
        model=Guide,
        namespace=app_name,
        form_class=forms.GuideForm,
        list_view=views.GuideListView,
        detail_view=views.GuideDetailView,
    ),
    *record_urls("etapes", model=GuideStep, namespace=app_name, form_class=forms.GuideStepForm),
    path("glossaire/<int:pk>/commenter/", views.TermCommentView.as_view(), name="term_comment"),
    path(
        "commentaires/<int:pk>/retirer/",
        views.TermCommentWithdrawView.as_view(),
        name="termcomment_withdraw",
    ),
    path("etapes/<int:pk>/cocher/", views.StepCheckView.as_view(), name="step_check"),
]
