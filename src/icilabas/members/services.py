"""Invitations and memberships: staff and organisation admins bring editors in and out."""

import smtplib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tasks import task

from icilabas.core import jobs, mail, permissions

from .models import Invitation, Membership, Role, hash_key


class InvitationError(Exception):
    """An invitation link that cannot be used; the message is shown to the visitor."""


def can_manage(user, organisation) -> bool:
    return permissions.is_staff(user) or organisation.pk in permissions.organisation_ids(
        user, admin_only=True
    )


def require_manage(user, organisation) -> None:
    if not can_manage(user, organisation):
        raise PermissionDenied(
            gettext(
                "Seuls l'équipe du réseau et les administrateurs de l'organisation gèrent ses "
                "membres."
            )
        )


def invite(*, organisation, email: str, role: str, user, site_url: str) -> Invitation:
    """Record the invitation and e-mail its one-time link."""
    require_manage(user, organisation)
    if role not in Role.values:
        raise ValidationError({"role": _("Rôle inconnu.")})
    # The key sent is made by the worker (send_invitation); this one is never shown.
    invitation, _unsent = Invitation.issue(
        email=email, organisation=organisation, role=role, invited_by=user
    )
    inviter = user.get_full_name() or user.get_username()
    jobs.enqueue(send_invitation, invitation.pk, inviter=inviter, site_url=site_url)
    return invitation


def open_invitation(key: str) -> Invitation:
    """The invitation behind a link, or a clear reason why it cannot be used."""
    invitation = (
        Invitation.objects.select_related("organisation").filter(key_hash=hash_key(key)).first()
    )
    if invitation is None:
        raise InvitationError(
            gettext("Ce lien d'invitation est inconnu. Vérifiez qu'il est complet.")
        )
    if invitation.accepted_at is not None:
        raise InvitationError(
            gettext(
                "Cette invitation a déjà été utilisée. Connectez-vous, ou demandez une nouvelle "
                "invitation à l'équipe du réseau."
            )
        )
    if invitation.is_expired:
        raise InvitationError(
            gettext("Cette invitation a expiré. Demandez-en une nouvelle à l'équipe du réseau.")
        )
    return invitation


@transaction.atomic
def accept(*, key: str, first_name: str, last_name: str, password: str):
    """Create (or find) the invitee's account, give her the role, and spend the invitation."""
    invitation = open_invitation(key)
    # Lock the row: two clicks on the same link cannot both succeed.
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise InvitationError(gettext("Cette invitation a déjà été utilisée."))
    users = get_user_model()
    account = users.objects.filter(email__iexact=invitation.email).first()
    if account is None:
        account = users(username=invitation.email, email=invitation.email)
    account.first_name = first_name or account.first_name
    account.last_name = last_name or account.last_name
    validate_password(password, account)
    account.set_password(password)
    account.is_active = True
    account.save()
    membership, created = Membership.objects.get_or_create(
        user=account, organisation=invitation.organisation, defaults={"role": invitation.role}
    )
    if not created and invitation.role == Role.ADMIN and membership.role != Role.ADMIN:
        membership.role = Role.ADMIN
        membership.save(update_fields=["role"])
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    permissions.forget(account)
    return account


@transaction.atomic
def remove_membership(*, membership: Membership, user) -> None:
    require_manage(user, membership.organisation)
    membership.delete()
    permissions.forget(membership.user)


@task()
@mail.in_site_language()
def send_invitation(invitation_pk: int, *, inviter: str, site_url: str) -> bool:
    """Sent by the worker. The link's key is made here, its hash stored, so that the key never
    sits in the task queue's table; a retry after an SMTP failure makes a new one."""
    invitation = (
        Invitation.objects.select_related("organisation")
        .filter(pk=invitation_pk, accepted_at__isnull=True)
        .first()
    )
    if invitation is None or invitation.is_expired:
        return False
    key = Invitation.new_key()
    Invitation.objects.filter(pk=invitation.pk).update(key_hash=hash_key(key))
    organisation = invitation.organisation
    send_mail(
        subject=gettext("Invitation à tenir la fiche de %(organisation)s sur Ici & Là-bas")
        % {"organisation": organisation},
        message=(
            gettext(
                "Bonjour,\n\n"
                "%(inviter)s vous invite à mettre à jour les partenariats et projets de « "
                "%(organisation)s » sur Ici & Là-bas, la plateforme du réseau régional de "
                "coopération décentralisée.\n\n"
                "Pour accepter et choisir votre mot de passe, ouvrez ce lien (valable "
                "%(days)s jours, une seule fois) :\n%(link)s\n\n"
                "Si vous n'attendiez pas ce message, ignorez-le.\n"
            )
            % {
                "inviter": inviter,
                "organisation": organisation,
                "days": settings.INVITATION_VALID_DAYS,
                "link": site_url.rstrip("/") + Invitation.accept_url(key),
            }
        ),
        from_email=None,
        recipient_list=[invitation.email],
    )
    return True


jobs.retry_on(send_invitation, smtplib.SMTPException, OSError)


def _matching_step(device: TOTPDevice, code: str) -> int | None:
    """The time step whose code the phone shows, if `code` is it (one step of drift allowed)."""
    try:
        token = int(code)
    except ValueError:
        return None
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return totp.t() if totp.verify(token, device.tolerance) else None


def turn_on_two_factor(*, user, key: str, code: str) -> TOTPDevice | None:
    """Store her second factor once she typed the code her app makes from `key` (the key shown
    on the set-up page, kept in her session until then): nothing is stored before. The code
    used here cannot log her in again."""
    device = TOTPDevice(user=user, key=key, name="Application", confirmed=True)
    step = _matching_step(device, code)
    if step is None:
        return None
    TOTPDevice.objects.filter(user=user).delete()
    device.last_t = step
    device.save()
    return device


def turn_off_two_factor(*, device: TOTPDevice, code: str) -> bool:
    """With a code from her app (checked and throttled by django-otp), her device goes."""
    if not device.verify_token(code):
        return False
    device.delete()
    return True
