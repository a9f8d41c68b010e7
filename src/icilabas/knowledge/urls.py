from icilabas.core.routing import record_urls

from . import forms, views
from .models import ExperienceSheet, Term, TermTranslation, TermVariant

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
]
