"""Recurring work of the members app, started by the worker (core.jobs.every)."""

from datetime import timedelta
from io import StringIO

from django.conf import settings
from django.core.management import call_command
from django_tasks import task

from icilabas.core import jobs


@jobs.every(timedelta(days=settings.CONFIRMATION_INTERVAL_DAYS), name="campagne-de-confirmation")
@task()
def confirmation_campaign() -> str:
    """The yearly "are your records still true?" e-mails (the command, on a schedule)."""
    output = StringIO()
    call_command("confirmation_campaign", site_url=settings.SITE_URL, stdout=output)
    return output.getvalue()[-2000:]
