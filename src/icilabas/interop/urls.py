from django.urls import path

from . import views

app_name = "interop"

urlpatterns = [
    path("declarations/<int:pk>/", views.DeclarationsView.as_view(), name="declarations"),
]
