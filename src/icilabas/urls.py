from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from icilabas.api.api import api
from icilabas.core.views import BinView, HealthView, RestoreView

urlpatterns = [
    path("healthz", HealthView.as_view(), name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("connexion/", auth_views.LoginView.as_view(), name="login"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("corbeille/", BinView.as_view(), name="bin"),
    path(
        "corbeille/<str:app_label>/<str:model_name>/<int:pk>/restaurer/",
        RestoreView.as_view(),
        name="restore",
    ),
    path("acteurs/", include("icilabas.actors.urls")),
    path("cooperation/", include("icilabas.cooperation.urls")),
    path("reference/", include("icilabas.reference.urls")),
    path("doublons/", include("icilabas.matching.urls")),
    path("", include("icilabas.portal.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
