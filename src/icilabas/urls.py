from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from icilabas.api.api import api
from icilabas.core.views.bin import BinView, HardDeleteView, RestoreView
from icilabas.core.views.imports import SpreadsheetImportView
from icilabas.core.views.pickers import PickerOptionsView
from icilabas.core.views.review import (
    LinkDecisionView,
    ModerationView,
    PendingChangeDecisionView,
    PublicationView,
)
from icilabas.core.views.site import HealthView, LanguageView
from icilabas.members.two_factor import PasswordStepLoginView

urlpatterns = [
    path("healthz", HealthView.as_view(), name="healthz"),
    path("langue/", LanguageView.as_view(), name="set_language"),
    path("connexion/", PasswordStepLoginView.as_view(), name="login"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "mot-de-passe/oubli/",
        auth_views.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "mot-de-passe/oubli/envoye/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/change/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("corbeille/", BinView.as_view(), name="bin"),
    path(
        "corbeille/<str:app_label>/<str:model_name>/<int:pk>/supprimer-definitivement/",
        HardDeleteView.as_view(),
        name="hard_delete",
    ),
    path("moderation/", ModerationView.as_view(), name="moderation"),
    path("choix/<str:label>/", PickerOptionsView.as_view(), name="picker_options"),
    path("imports/<int:pk>/", SpreadsheetImportView.as_view(), name="spreadsheet_import"),
    path(
        "moderation/propositions/<int:pk>/<str:decision>/",
        PendingChangeDecisionView.as_view(),
        name="pending_change_decision",
    ),
    path(
        "rattachements/<str:app_label>/<str:model_name>/<int:pk>/<str:decision>/",
        LinkDecisionView.as_view(),
        name="link_decision",
    ),
    path(
        "publication/<str:app_label>/<str:model_name>/<int:pk>/<str:transition>/",
        PublicationView.as_view(),
        name="publication",
    ),
    path("membres/", include("icilabas.members.urls")),
    path(
        "corbeille/<str:app_label>/<str:model_name>/<int:pk>/restaurer/",
        RestoreView.as_view(),
        name="restore",
    ),
    path("acteurs/", include("icilabas.actors.urls")),
    path("cooperation/", include("icilabas.cooperation.urls")),
    path("savoirs/", include("icilabas.knowledge.urls")),
    path("reseau/", include("icilabas.meetings.urls")),
    path("reference/", include("icilabas.reference.urls")),
    path("doublons/", include("icilabas.matching.urls")),
    path("echanges/", include("icilabas.interop.urls")),
    path("", include("icilabas.portal.urls")),
]

# A database away answers a French 503 that reloads itself, not a 500.
handler500 = "icilabas.core.views.site.server_error"
