from django.urls import path

from . import two_factor, views

app_name = "members"

urlpatterns = [
    path("", views.MemberHomeView.as_view(), name="home"),
    path("inviter/", views.InviteView.as_view(), name="invite"),
    path(
        "propositions/<int:pk>/<str:action>/",
        views.InvolvementActionView.as_view(),
        name="involvement",
    ),
    path("appartenances/<int:pk>/retirer/", views.RemoveMembershipView.as_view(), name="remove"),
    path("invitation/<str:key>/", views.AcceptInvitationView.as_view(), name="accept"),
    path("connexion/code/", two_factor.CodeStepView.as_view(), name="login_code"),
    path("double-authentification/", two_factor.TwoFactorSetupView.as_view(), name="two_factor"),
]
