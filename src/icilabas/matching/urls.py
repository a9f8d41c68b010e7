from django.urls import path

from . import views

app_name = "matching"

urlpatterns = [
    path("", views.ReviewQueueView.as_view(), name="review"),
    path("<int:pk>/decision/", views.DecisionView.as_view(), name="decide"),
    path("verifier-projet/", views.ProjectCheckView.as_view(), name="project_check"),
]
