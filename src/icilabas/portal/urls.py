from django.urls import path
from django.views.generic import TemplateView

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("recherche/", views.SearchView.as_view(), name="search"),
    path("pays/<str:code>/", views.CountryView.as_view(), name="country"),
    path("thematiques/<str:code>/", views.ThemeView.as_view(), name="theme"),
    path(
        "confidentialite/",
        TemplateView.as_view(template_name="portal/privacy.html"),
        name="privacy",
    ),
]
