"""Conventions that live: their partners hear of their end 90 days before."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from icilabas.core import jobs, mail
from icilabas.core.french import day_month

from . import selectors, services
from .models import Partnership


@jobs.every(timedelta(days=1), name="echeances-des-conventions", first_after=timedelta(0))
@task()
def announce_conventions_ending() -> int:
    """Each running convention ending within 90 days is announced once to its French
    partners' e-mail addresses (again if its end is moved later)."""
    today = timezone.localdate()
    sent = 0
    for partnership in selectors.conventions_ending(Partnership.objects.all(), today=today):
        notice = partnership.end_notice_sent_on
        if notice is not None and notice >= partnership.end_on - selectors.ENDING_WITHIN:
            continue
        to = [o.email for o in partnership.french_partners.all() if o.email]
        with translation.override(settings.LANGUAGE_CODE):
            day = day_month(partnership.end_on)
            mail.send_after_commit(
                subject=_("La convention « %(title)s » arrive à échéance le %(day)s")
                % {"title": partnership.title, "day": day},
                message=_(
                    "La convention « %(title)s » avec %(there)s se termine le %(day)s. "
                    "Pensez à son renouvellement ou à son bilan : %(url)s"
                )
                % {
                    "title": partnership.title,
                    "there": partnership.foreign_authority,
                    "day": day,
                    "url": settings.SITE_URL.rstrip("/") + partnership.get_absolute_url(),
                },
                to=to,
            )
        services.note_end_notice(partnership=partnership, day=today)
        sent += bool(to)
    return sent
