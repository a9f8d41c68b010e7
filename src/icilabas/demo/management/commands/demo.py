import os
import secrets

from django.core.management.base import BaseCommand

from icilabas.demo.loader import ensure_staff_account, load_demo_world


class Command(BaseCommand):
    help = (
        "Charge le monde de démonstration (journée d'échanges du 10 février 2011) et crée le "
        "compte de l'équipe du réseau. Sans effet sur ce qui existe déjà."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--staff-username", default=os.environ.get("DEMO_STAFF_USERNAME", "equipe")
        )
        parser.add_argument("--staff-password", default=os.environ.get("DEMO_STAFF_PASSWORD"))

    def handle(self, *args, staff_username, staff_password, **options):
        for name, count in load_demo_world().items():
            self.stdout.write(f"  {name} : {count}")
        password = staff_password or secrets.token_urlsafe(9)
        if ensure_staff_account(username=staff_username, password=password):
            self.stdout.write(
                self.style.SUCCESS(
                    f"Compte de l'équipe du réseau créé — identifiant : {staff_username} · "
                    f"mot de passe : {password}"
                )
            )
        else:
            self.stdout.write(
                f"Compte de l'équipe du réseau : « {staff_username} » (déjà créé ; mot de passe "
                "inchangé, voir DEMO_STAFF_PASSWORD ou `icilabas changepassword`)."
            )
