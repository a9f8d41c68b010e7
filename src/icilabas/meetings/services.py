"""Writes of the meetings domain. Meetings and their programme, minutes and actions go
through the generic write path (core.services); seats go through one function each way,
`_take_seat` and `_free_seat`, which take the meeting's lock first: whatever the path
(registration, confirmation, cancellation, capacity raised), the count is never wrong and the
waiting list is promoted in order, one person per seat freed."""

from collections.abc import Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from icilabas.actors.models import Organisation
from icilabas.core import mail
from icilabas.core.permissions import can_view, require_staff
from icilabas.core.services import create_record, update_record
from icilabas.members.models import Membership
from icilabas.reference.models import Commune

from . import calendar, notices
from .models import Feedback, Meeting, Registration

Status = Registration.Status


# ---------------------------------------------------------------- meetings


def _geocoded(data: Mapping) -> dict:
    """The venue placed from its commune (postal code, then name) when no coordinates are
    given: the French gazetteer, no network call."""
    data = dict(data)
    postal_code, city = (data.get("postal_code") or "").strip(), (data.get("city") or "").strip()
    if not (postal_code or city):
        return data
    communes = Commune.objects.select_related("departement")
    found = None
    if postal_code:
        candidates = list(communes.filter(postcodes__contains=postal_code)[:20])
        found = next((c for c in candidates if city and c.name.lower() == city.lower()), None)
        found = found or (candidates[0] if len(candidates) == 1 else None)
    if found is None and city:
        found = communes.filter(name__iexact=city).first()
    if found is not None:
        data["departement"] = found.departement.code
        if data.get("latitude") is None and data.get("longitude") is None:
            data["latitude"], data["longitude"] = found.latitude, found.longitude
    return data


def _confirmed_count(meeting: Meeting) -> int:
    return meeting.registrations.filter(status=Status.CONFIRMED).count()


class MeetingServices:
    """A meeting's venue is geocoded; its capacity never drops below the seats taken; a
    capacity raised promotes the waiting list; a new date re-arms the reminders."""

    @staticmethod
    @transaction.atomic
    def create(model, *, user, data: Mapping, reason: str = "Création") -> Meeting:
        return create_record(model, user=user, data=_geocoded(data), reason=reason)

    @staticmethod
    @transaction.atomic
    def update(meeting, *, user, data: Mapping, reason: str = "Modification") -> Meeting:
        _lock_seats(meeting)
        before = Meeting.objects.values("starts_at", "capacity").get(pk=meeting.pk)
        capacity = data.get("capacity", before["capacity"])
        taken = _confirmed_count(meeting)
        if capacity is not None and capacity < taken:
            raise ValidationError(
                {
                    "capacity": _(
                        "%(taken)s personnes ont déjà une place : la capacité ne peut pas "
                        "descendre en dessous (annulez d'abord des inscriptions)."
                    )
                    % {"taken": taken}
                }
            )
        meeting = update_record(meeting, user=user, data=_geocoded(data), reason=reason)
        if meeting.starts_at != before["starts_at"]:
            meeting.registrations.update(reminded_at=None)
        _promote(meeting)
        return meeting


# ---------------------------------------------------------------- registrations


def prefill(*, user) -> dict:
    """What a member's registration form starts with: her person's name and e-mail, and the
    organisation and role of her current position."""
    values = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
    }
    person = getattr(user, "person", None)
    if person is None:
        return values
    values.update(first_name=person.first_name, last_name=person.last_name)
    values["email"] = person.email or user.email
    position = (
        person.positions.filter(link_accepted=True, end_on__isnull=True)
        .select_related("organisation")
        .order_by("-start_on", "pk")
        .first()
    )
    if position is not None:
        values.update(organisation=position.organisation, role=position.title)
    return values


def _lock_seats(meeting: Meeting) -> None:
    """Take the meeting's lock before counting seats: two registrations racing for the last
    seat take turns (PostgreSQL: the row lock; SQLite: the database's write lock)."""
    Meeting.all_objects.filter(pk=meeting.pk).update(seats_changed=F("seats_changed") + 1)


def _check_open(meeting: Meeting, user) -> None:
    if not can_view(user, meeting):
        raise PermissionDenied(_("Cette rencontre n'est pas publiée."))
    state = meeting.registration_state()
    if state == "not_yet":
        when = date_format(timezone.localtime(meeting.registration_opens_at), "j F Y à H:i")
        raise ValidationError(_("Les inscriptions ouvrent le %(when)s.") % {"when": when})
    if state == "closed":
        raise ValidationError(_("Les inscriptions à cette rencontre sont closes."))


@transaction.atomic
def register(
    *,
    meeting: Meeting,
    user=None,
    first_name: str,
    last_name: str,
    email: str,
    organisation=None,
    organisation_name: str = "",
    role: str = "",
    answers: Mapping | None = None,
    listed_publicly: bool = False,
    consent: bool = False,
    attending_as: str = Registration.Attending.PARTICIPANT,
) -> Registration:
    """A member (`user`) gets a seat, or a place on the waiting list, at once; a visitor of a
    public event first confirms her e-mail address (the seat is assigned then)."""
    _check_open(meeting, user)
    member = user is not None and user.is_authenticated
    if not member and not meeting.is_public_event:
        raise PermissionDenied(_("Connectez-vous pour vous inscrire à cette rencontre."))
    if not consent:
        raise ValidationError(
            {"consent": _("Acceptez que vos coordonnées servent à organiser la rencontre.")}
        )
    unknown = set(answers or {}) - set(meeting.question_list)
    if unknown:
        raise ValidationError(_("Réponse à une question que la rencontre ne pose pas."))
    email = email.strip()
    if meeting.registrations.exclude(status=Status.CANCELLED).filter(email__iexact=email).exists():
        raise ValidationError({"email": _("Cette adresse est déjà inscrite à cette rencontre.")})
    registration = Registration(
        meeting=meeting,
        user=user if member else None,
        person=getattr(user, "person", None) if member else None,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        email=email,
        organisation=organisation,
        organisation_name=organisation.name if organisation else organisation_name.strip(),
        organisation_kind=organisation.kind if organisation else "",
        role=role.strip(),
        attending_as=attending_as,
        answers=dict(answers or {}),
        listed_publicly=listed_publicly,
        consent_at=timezone.now(),
        status=Status.AWAITING,
    )
    registration.full_clean(exclude=["token", "status"])
    try:
        with transaction.atomic():
            registration.save()
    except IntegrityError as error:  # the same address, registered a moment before
        raise ValidationError(
            {"email": _("Cette adresse est déjà inscrite à cette rencontre.")}
        ) from error
    if member:
        _take_seat(registration)
    else:
        _send(registration, "confirm_email")
    return registration


@transaction.atomic
def add_attendee(
    *,
    meeting: Meeting,
    user,
    person,
    organisation=None,
    role: str = "",
    attending_as: str = Registration.Attending.PARTICIPANT,
    present: bool = False,
) -> Registration:
    """Staff add someone by hand (from a paper attendance sheet, a past meeting): a seat
    whatever the window, with the person's organisation and role as they were."""
    require_staff(user)
    if meeting.registrations.filter(person=person).exclude(status=Status.CANCELLED).exists():
        raise ValidationError(_("Cette personne est déjà inscrite à cette rencontre."))
    registration = Registration(
        meeting=meeting,
        user=person.account,
        person=person,
        first_name=person.first_name,
        last_name=person.last_name,
        email=person.email,
        organisation=organisation,
        organisation_name=organisation.name if organisation else "",
        organisation_kind=organisation.kind if organisation else "",
        role=role,
        attending_as=attending_as,
        status=Status.CONFIRMED,
        seat_since=timezone.now(),
        checked_in_at=meeting.starts_at if present else None,
    )
    registration.full_clean(exclude=["token"])
    registration._history_user = user
    registration.save()
    return registration


@transaction.atomic
def confirm_email(*, token: str) -> Registration:
    """A visitor's confirmation link: her address is real, she gets a seat or a place on the
    waiting list. A second click changes nothing."""
    registration = Registration.objects.select_related("meeting").filter(token=token).first()
    if registration is None:
        raise ValidationError(_("Ce lien n'est pas valable."))
    if registration.status != Status.AWAITING:
        return registration
    if registration.meeting.registration_state() == "closed":
        raise ValidationError(_("Les inscriptions à cette rencontre sont closes."))
    _take_seat(registration)
    return registration


def _take_seat(registration: Registration) -> None:
    meeting = registration.meeting
    _lock_seats(meeting)
    meeting.refresh_from_db(fields=["capacity"])
    full = meeting.capacity is not None and _confirmed_count(meeting) >= meeting.capacity
    if full:
        registration.status = Status.WAITING
    else:
        registration.status, registration.seat_since = Status.CONFIRMED, timezone.now()
    registration.save(update_fields=["status", "seat_since"])
    _send(registration, "waiting" if full else "confirmed")


@transaction.atomic
def cancel(*, registration: Registration, user=None) -> Registration:
    """Cancelled by the person (her link or her account) or staff; the seat goes to the first
    person waiting."""
    if registration.status == Status.CANCELLED:
        return registration
    meeting = registration.meeting
    _lock_seats(meeting)
    registration.refresh_from_db(fields=["status"])
    had_seat = registration.status == Status.CONFIRMED
    registration.status, registration.cancelled_at = Status.CANCELLED, timezone.now()
    registration.save(update_fields=["status", "cancelled_at"])
    if had_seat:
        _promote(meeting)
    return registration


def _promote(meeting: Meeting) -> list[Registration]:
    """Fill the free seats from the waiting list, first come first served (the lock is held)."""
    meeting.refresh_from_db(fields=["capacity"])
    waiting = meeting.registrations.filter(status=Status.WAITING).order_by("created_at", "pk")
    free = None if meeting.capacity is None else meeting.capacity - _confirmed_count(meeting)
    promoted = list(waiting if free is None else waiting[: max(free, 0)])
    for registration in promoted:
        registration.status, registration.seat_since = Status.CONFIRMED, timezone.now()
        registration.save(update_fields=["status", "seat_since"])
        _send(registration, "promoted")
    return promoted


def check_in(*, registration: Registration, user, present: bool = True) -> Registration:
    """Staff point people in on the day (and undo a mistake)."""
    require_staff(user)
    if registration.status != Status.CONFIRMED:
        raise ValidationError(_("Seules les personnes inscrites peuvent être pointées."))
    registration.checked_in_at = timezone.now() if present else None
    registration._history_user = user
    registration.save(update_fields=["checked_in_at"])
    return registration


def record_feedback(
    *, registration: Registration, usefulness: int, topics_wanted: str = "", comment: str = ""
) -> Feedback:
    """A participant's opinion, once the meeting has begun; answering again replaces it."""
    if registration.status != Status.CONFIRMED:
        raise ValidationError(_("Seules les personnes inscrites donnent leur avis."))
    if timezone.now() < registration.meeting.starts_at:
        raise ValidationError(_("L'avis se donne après la rencontre."))
    feedback, _created = Feedback.objects.update_or_create(
        registration=registration,
        defaults={
            "usefulness": usefulness,
            "topics_wanted": topics_wanted.strip(),
            "comment": comment.strip(),
        },
    )
    feedback.full_clean()
    return feedback


def invite(*, meeting: Meeting, user, kinds=(), working_group=None, note: str = "") -> int:
    """E-mail the meeting to the editors of whole kinds of organisations and/or of a working
    group's members (through the queue). Returns the number of addresses."""
    require_staff(user)
    organisations = set(
        Organisation.objects.filter(kind__in=list(kinds)).values_list("pk", flat=True)
    )
    if working_group is not None:
        organisations |= set(working_group.organisations.values_list("pk", flat=True))
    addresses = sorted(
        set(
            Membership.objects.filter(
                organisation_id__in=organisations, user__is_active=True
            ).values_list("user__email", flat=True)
        )
        - {""}
    )
    subject, message = notices.invitation(meeting, note=note)
    for address in addresses:
        mail.send_after_commit(subject=subject, message=message, to=[address])
    return len(addresses)


def _send(registration: Registration, what: str) -> None:
    """The e-mail of a registration's new state, through the queue; the confirmation carries
    the meeting's .ics file."""
    subject, message = notices.registration_message(registration, what)
    attachments = []
    if what in ("confirmed", "promoted"):
        attachments = [calendar.ics_attachment(registration.meeting)]
    mail.send_after_commit(
        subject=subject, message=message, to=[registration.email], attachments=attachments
    )
