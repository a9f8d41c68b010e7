from django.urls import path

from . import views

app_name = "matching"

urlpatterns = [
    path("verifier-projet/", views.ProjectCheckView.as_view(), name="project_check"),
]
