from django.urls import path
from django.views.generic import TemplateView

from . import feeds, views

app_name = "portal"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("recherche/", views.SearchView.as_view(), name="search"),
    path("pays/<str:code>/", views.CountryView.as_view(), name="country"),
    path("thematiques/<str:code>/", views.ThemeView.as_view(), name="theme"),
    path("communes/", views.CommuneSearchView.as_view(), name="commune_search"),
    path("communes/<str:insee>/", views.CommuneView.as_view(), name="commune"),
    path("carte/", views.MapView.as_view(), name="map"),
    path("carte/ici/", views.MapView.as_view(side="ici"), name="map_here"),
    path("tableau-de-bord/", views.DashboardView.as_view(), name="dashboard"),
    path("dossier-elus/<int:pk>/", views.BriefingView.as_view(), name="briefing"),
    path("dossier-elus/<int:pk>.pdf", views.BriefingPdfView.as_view(), name="briefing_pdf"),
    path("m-impliquer/<int:pk>/", views.InvolveView.as_view(), name="involve"),
    path(
        "m-impliquer/effacer/<str:key>/",
        views.InvolvementEraseView.as_view(),
        name="involvement_erase",
    ),
    path("flux/projets.rss", feeds.ProjectFeed(), name="project_feed"),
    path("flux/projets.atom", feeds.ProjectAtomFeed(), name="project_atom"),
    path(
        "accessibilite/",
        TemplateView.as_view(template_name="portal/accessibility.html"),
        name="accessibility",
    ),
    path(
        "confidentialite/",
        TemplateView.as_view(template_name="portal/privacy.html"),
        name="privacy",
    ),
]
