"""A per-visitor limit on public forms (spam), counted in the shared cache."""

from django.conf import settings
from django.core.cache import cache


def client_address(request) -> str:
    """The visitor's address: behind the reverse proxy, the last one it added to
    X-Forwarded-For (earlier ones are the visitor's to forge)."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if settings.BEHIND_PROXY and forwarded:
        return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


def allow(request, *, scope: str, limit: int, seconds: int) -> bool:
    """True while this visitor has sent fewer than `limit` forms of `scope` in the window."""
    key = f"throttle:{scope}:{client_address(request)}"
    cache.add(key, 0, seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, seconds)
        count = 1
    return count <= limit
