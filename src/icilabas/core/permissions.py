"""Who may do what: one place, called by services (and by views to hide buttons).

This wave knows two roles: the public reads, network staff write. The members issue refines it.
"""

from django.core.exceptions import PermissionDenied


def can_edit(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.is_staff)


def require_edit(user) -> None:
    if not can_edit(user):
        raise PermissionDenied("Seule l'équipe du réseau peut modifier le registre.")
