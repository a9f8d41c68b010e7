from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


def find_account(identifier: str):
    """The account a typed identifier names: its username, or its e-mail whatever the case."""
    identifier = (identifier or "").strip()
    if not identifier:
        return None
    accounts = get_user_model().objects.order_by("pk")
    lookup = "email__iexact" if "@" in identifier else "username__iexact"
    return accounts.filter(**{lookup: identifier}).first()


def lockout_username(request, credentials=None) -> str:
    """What django-axes counts failures against: the account, whichever way it was named
    (username, e-mail, other case), so that naming it differently gives no fresh guesses."""
    typed = (credentials or {}).get("username") or request.POST.get("username", "")
    account = find_account(typed)
    return f"account:{account.pk}" if account is not None else typed.strip().casefold()


class EmailOrUsernameBackend(ModelBackend):
    """Members log in with their e-mail (invited accounts), staff may use their username."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        account = find_account(username)
        if account is not None:
            username = account.get_username()
        return super().authenticate(request, username=username, password=password, **kwargs)
