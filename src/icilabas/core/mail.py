"""E-mails leave through the task queue, once what they announce is committed."""

import smtplib

from django.core.mail import send_mail
from django_tasks import task

from . import jobs


@task()
def send_email(subject: str, message: str, recipients: list[str]) -> int:
    """Sent by the worker; an SMTP server away is tried again later (core.jobs.retry_on)."""
    return send_mail(subject=subject, message=message, from_email=None, recipient_list=recipients)


jobs.retry_on(send_email, smtplib.SMTPException, OSError)


def send_after_commit(*, subject: str, message: str, to: list[str]) -> None:
    """Queued when the current transaction commits: never sent for a change rolled back, and
    the mail server's round trip never holds the database's write lock."""
    recipients = [address for address in to if address]
    if recipients:
        jobs.enqueue(send_email, subject, message, recipients)
