"""The meetings' background work: reminders the day before, the feedback form the day after,
and the participant list as PDF (WeasyPrint takes seconds: never in a web request)."""

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from icilabas.core import jobs, mail

from . import notices, participants
from .models import Meeting, Registration

REMINDER_BEFORE = timedelta(hours=24)
FEEDBACK_WITHIN = timedelta(days=3)


def _notify(registrations, what: str, stamp: str) -> int:
    """Send `what` to each registration once: the stamp is set in the same update that picks
    it, so two workers never send the same e-mail twice."""
    sent = 0
    for registration in registrations.select_related("meeting"):
        claimed = Registration.objects.filter(pk=registration.pk, **{f"{stamp}__isnull": True})
        if claimed.update(**{stamp: timezone.now()}):
            subject, message = notices.registration_message(registration, what)
            mail.send_after_commit(subject=subject, message=message, to=[registration.email])
            sent += 1
    return sent


@jobs.every(timedelta(minutes=15), name="rappels-des-rencontres", first_after=timedelta(0))
@task()
def send_reminders() -> int:
    """The day before: those with a seat at a meeting starting within 24 hours."""
    now = timezone.now()
    due = Registration.objects.filter(
        status=Registration.Status.CONFIRMED,
        reminded_at__isnull=True,
        meeting__starts_at__gt=now,
        meeting__starts_at__lte=now + REMINDER_BEFORE,
        meeting__deleted_at__isnull=True,
    )
    return _notify(due, "reminder", "reminded_at")


@jobs.every(timedelta(hours=1), name="avis-apres-les-rencontres", first_after=timedelta(0))
@task()
def ask_feedback() -> int:
    """Once a meeting is over: its participants get the short feedback form."""
    now = timezone.now()
    due = Registration.objects.filter(
        status=Registration.Status.CONFIRMED,
        feedback_asked_at__isnull=True,
        meeting__ends_at__lte=now,
        meeting__ends_at__gt=now - FEEDBACK_WITHIN,
        meeting__deleted_at__isnull=True,
    )
    return _notify(due, "feedback", "feedback_asked_at")


@task()
def build_participant_list(meeting_pk: int) -> str:
    """Write the participant list's PDF for the meeting as it stands; returns its name."""
    meeting = Meeting.all_objects.filter(pk=meeting_pk).first()
    if meeting is None:
        return ""
    return participants.write_pdf(meeting)
