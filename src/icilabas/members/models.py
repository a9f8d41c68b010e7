"""Who belongs to which organisation, with which role, and the invitations that bring them in.

An invitation's key is shown once (in the e-mail) and stored hashed, like an API token.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from icilabas.core.permissions import ADMIN_ROLE


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class Role(models.TextChoices):
    EDITOR = "editeur", _("Éditeur·rice")
    ADMIN = ADMIN_ROLE, _("Administrateur·rice de l'organisation")


class Membership(models.Model):
    """A person's right to keep an organisation's records (and, as admin, its editors)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("compte"),
    )
    organisation = models.ForeignKey(
        "actors.Organisation",
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("rôle"), max_length=10, choices=Role.choices, default=Role.EDITOR)
    created_at = models.DateTimeField(_("depuis le"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("appartenance")
        verbose_name_plural = _("appartenances")
        ordering = ["organisation__name", "user__last_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="members_membership_unique_user_org"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.organisation} ({self.get_role_display()})"


class Invitation(models.Model):
    """An e-mailed link to join an organisation; valid once, until it expires."""

    email = models.EmailField(_("courriel"))
    organisation = models.ForeignKey(
        "actors.Organisation",
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("rôle"), max_length=10, choices=Role.choices, default=Role.EDITOR)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("invité par"),
    )
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("envoyée le"), default=timezone.now)
    expires_at = models.DateTimeField(_("expire le"))
    accepted_at = models.DateTimeField(_("acceptée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"

    @staticmethod
    def new_key() -> str:
        return secrets.token_urlsafe(32)

    @classmethod
    def issue(cls, *, email: str, organisation, role: str, invited_by) -> tuple["Invitation", str]:
        key = cls.new_key()
        invitation = cls.objects.create(
            email=email.strip().lower(),
            organisation=organisation,
            role=role,
            invited_by=invited_by,
            key_hash=hash_key(key),
            expires_at=timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS),
        )
        return invitation, key

    @staticmethod
    def accept_url(key: str) -> str:
        return reverse("members:accept", args=[key])

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at
