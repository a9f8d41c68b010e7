from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class EmailOrUsernameBackend(ModelBackend):
    """Members log in with their e-mail (invited accounts), staff may use their username."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username and "@" in username:
            account = (
                get_user_model()
                .objects.filter(email__iexact=username.strip())
                .order_by("pk")
                .first()
            )
            if account is not None:
                username = account.get_username()
        return super().authenticate(request, username=username, password=password, **kwargs)
