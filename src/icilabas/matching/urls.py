from django.urls import path

from . import views

app_name = "matching"

urlpatterns = [
    path("", views.ReviewQueueView.as_view(), name="review"),
    path("analyse/", views.ScanStartView.as_view(), name="scan"),
    path("analyse/<int:pk>/", views.ScanStatusView.as_view(), name="scan_status"),
    path("<int:pk>/decision/", views.DecisionView.as_view(), name="decide"),
    path("fusion/<int:first>/<int:second>/", views.MergeView.as_view(), name="merge"),
    path("fusions/<int:pk>/annuler/", views.UndoMergeView.as_view(), name="undo_merge"),
    path(
        "fusion-organisations/<int:first>/<int:second>/",
        views.OrganisationMergeView.as_view(),
        name="organisation_merge",
    ),
    path(
        "fusion-partenariats/<int:first>/<int:second>/",
        views.PartnershipMergeView.as_view(),
        name="partnership_merge",
    ),
    path(
        "fusions-partenariats/<int:pk>/annuler/",
        views.UndoPartnershipMergeView.as_view(),
        name="undo_partnership_merge",
    ),
    path(
        "fusions-organisations/<int:pk>/annuler/",
        views.UndoOrganisationMergeView.as_view(),
        name="undo_organisation_merge",
    ),
    path("verifier-projet/", views.ProjectCheckView.as_view(), name="project_check"),
    path("verifier/<str:kind>/", views.SimilarRecordView.as_view(), name="similar_check"),
]
