"""Writes of the API app: tokens issued, revoked, and when each was last used."""

import secrets

from django.utils import timezone

from .models import ApiToken, hash_key


def issue_token(*, user, name: str) -> tuple[ApiToken, str]:
    """A new token; the clear key is returned once and never stored."""
    key = secrets.token_urlsafe(32)
    return ApiToken.objects.create(user=user, name=name, key_hash=hash_key(key)), key


def revoke_tokens(*, user) -> int:
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def note_token_use(token: ApiToken) -> None:
    """When it was last used (shown to its owner), without touching anything else."""
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
