from django.urls import path

from icilabas.core.routing import record_urls

from . import forms, views
from .models import FollowUpAction, Meeting, MinutesSection, Quote, Session, WorkingGroup
from .services import MeetingServices

app_name = "meetings"

urlpatterns = [
    path("agenda.ics", views.CalendarFeedView.as_view(), name="calendar_feed"),
    *record_urls(
        "rencontres",
        model=Meeting,
        namespace=app_name,
        form_class=forms.MeetingForm,
        list_view=views.MeetingListView,
        detail_view=views.MeetingDetailView,
        services=MeetingServices,
    ),
    path("rencontres/<int:pk>/agenda.ics", views.MeetingCalendarView.as_view(), name="meeting_ics"),
    path("rencontres/<int:pk>/inscription/", views.RegisterView.as_view(), name="register"),
    path("rencontres/<int:pk>/pointage/", views.CheckInView.as_view(), name="check_in"),
    path("rencontres/<int:pk>/inviter/", views.InviteView.as_view(), name="invite"),
    path("rencontres/<int:pk>/avis/", views.FeedbackResultsView.as_view(), name="feedback"),
    path(
        "rencontres/<int:pk>/participants.pdf",
        views.ParticipantsPdfView.as_view(),
        name="participants_pdf",
    ),
    path(
        "rencontres/<int:pk>/participants.<str:fmt>",
        views.ParticipantsExportView.as_view(),
        name="participants_export",
    ),
    path("inscription/<str:token>/", views.RegistrationView.as_view(), name="registration"),
    *record_urls(
        "groupes",
        model=WorkingGroup,
        namespace=app_name,
        form_class=forms.WorkingGroupForm,
        list_view=views.WorkingGroupListView,
        detail_view=views.WorkingGroupDetailView,
    ),
    *record_urls("programme", model=Session, namespace=app_name, form_class=forms.SessionForm),
    *record_urls(
        "compte-rendu",
        model=MinutesSection,
        namespace=app_name,
        form_class=forms.MinutesSectionForm,
    ),
    *record_urls("citations", model=Quote, namespace=app_name, form_class=forms.QuoteForm),
    *record_urls(
        "actions", model=FollowUpAction, namespace=app_name, form_class=forms.FollowUpActionForm
    ),
]
