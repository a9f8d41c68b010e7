"""E-mails leave through the task queue, once what they announce is committed."""

import smtplib

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import translation
from django_tasks import task

from . import jobs


@task()
def send_email(
    subject: str, message: str, recipients: list[str], attachments: list | None = None
) -> int:
    """Sent by the worker; an SMTP server away is tried again later (core.jobs.retry_on).
    `attachments`: [file name, text content, MIME type] triples (an .ics file)."""
    email = EmailMessage(subject=subject, body=message, to=recipients)
    for name, content, mimetype in attachments or []:
        email.attach(name, content, mimetype)
    return email.send()


jobs.retry_on(send_email, smtplib.SMTPException, OSError)


def in_site_language():
    """For an e-mail to someone other than the person acting, whose language the platform does
    not know: the installation's language, whatever the page that triggered it. A context
    manager, or a decorator of the function that writes the e-mail."""
    return translation.override(settings.LANGUAGE_CODE)


def send_after_commit(
    *, subject: str, message: str, to: list[str], attachments: list | None = None
) -> None:
    """Queued when the current transaction commits: never sent for a change rolled back, and
    the mail server's round trip never holds the database's write lock."""
    recipients = [address for address in to if address]
    if recipients:
        jobs.enqueue(send_email, subject, message, recipients, attachments or [])
