from django.conf import settings
from django.core.management.base import BaseCommand
from django.urls import reverse
from django.utils.translation import gettext

from icilabas.core.mail import send_after_commit
from icilabas.members.models import Membership
from icilabas.members.selectors import stale_records


class Command(BaseCommand):
    help = (
        "Campagne annuelle de confirmation : écrit aux éditeurs de chaque organisation dont des "
        "fiches n'ont été ni modifiées ni confirmées depuis un an, avec le lien vers leur espace."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--site-url",
            default=settings.SITE_URL,
            help="Adresse publique du site, pour le lien du courriel.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Compter sans envoyer de courriel."
        )

    def handle(self, *args, site_url, dry_run, **options):
        link = site_url.rstrip("/") + reverse("members:home")
        sent = organisations = 0
        memberships = Membership.objects.select_related("organisation", "user").filter(
            user__is_active=True, organisation__deleted_at__isnull=True
        )
        by_organisation: dict = {}
        for membership in memberships:
            by_organisation.setdefault(membership.organisation, []).append(membership.user)
        for organisation, users in sorted(by_organisation.items(), key=lambda i: i[0].name):
            sections = stale_records(organisation_ids={organisation.pk})
            count = sum(len(section["records"]) for section in sections)
            recipients = sorted({user.email for user in users if user.email})
            if not count or not recipients:
                continue
            organisations += 1
            self.stdout.write(f"  {organisation} : {count} fiche(s) à confirmer")
            if dry_run:
                continue
            send_after_commit(
                subject=gettext("Ici & Là-bas : %(count)s fiche(s) de %(organisation)s à confirmer")
                % {"count": count, "organisation": organisation},
                message=(
                    gettext(
                        "Bonjour,\n\n"
                        "%(count)s fiche(s) de « %(organisation)s » n'ont été ni modifiées ni "
                        "confirmées depuis %(days)s jours. Sont-elles "
                        "toujours exactes ? Corrigez-les ou confirmez-les ici :\n%(link)s\n\n"
                        "Merci !\n"
                    )
                    % {
                        "count": count,
                        "organisation": organisation,
                        "days": settings.CONFIRMATION_INTERVAL_DAYS,
                        "link": link,
                    }
                ),
                to=recipients,
            )
            sent += len(recipients)
        verb = "à prévenir" if dry_run else "prévenue(s)"
        self.stdout.write(
            self.style.SUCCESS(f"{organisations} organisation(s) {verb}, {sent} courriel(s).")
        )
