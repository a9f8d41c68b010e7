from django.urls import path

from . import views

app_name = "interop"

urlpatterns = [
    path("iati/", views.IatiImportView.as_view(), name="iati_import"),
    path("iati/<int:pk>/", views.IatiJobView.as_view(), name="iati_job"),
    path(
        "iati/organisation/<int:pk>/",
        views.OrganisationIatiView.as_view(),
        name="iati_organisation",
    ),
    path("declarations/<int:pk>/", views.DeclarationsView.as_view(), name="declarations"),
]
