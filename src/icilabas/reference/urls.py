from django.urls import path

from . import views

app_name = "reference"

urlpatterns = [
    path("localites/", views.locality_suggestions, name="locality_suggestions"),
]
