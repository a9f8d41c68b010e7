import os
import secrets

from django.core.management.base import BaseCommand

from icilabas.demo.loader import ensure_account, load_demo_world

EDITOR_ORGANISATION = "Ville de Martignas-sur-Jalle"


class Command(BaseCommand):
    help = (
        "Charge le monde de démonstration (journée d'échanges du 10 février 2011) et crée le "
        "compte de l'équipe du réseau et celui d'une éditrice de Martignas-sur-Jalle. Sans effet "
        "sur ce qui existe déjà."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--staff-username", default=os.environ.get("DEMO_STAFF_USERNAME", "equipe")
        )
        parser.add_argument("--staff-password", default=os.environ.get("DEMO_STAFF_PASSWORD"))
        parser.add_argument(
            "--editor-username", default=os.environ.get("DEMO_EDITOR_USERNAME", "martignas")
        )
        parser.add_argument("--editor-password", default=os.environ.get("DEMO_EDITOR_PASSWORD"))

    def handle(self, *args, **options):
        for name, count in load_demo_world().items():
            self.stdout.write(f"  {name} : {count}")
        accounts = [
            (
                "Compte de l'équipe du réseau",
                "staff",
                {"first_name": "Équipe", "last_name": "Cap Coopération"},
                "",
            ),
            (
                f"Compte éditrice de « {EDITOR_ORGANISATION} »",
                "editor",
                {"first_name": "Claire", "last_name": "Martin"},
                EDITOR_ORGANISATION,
            ),
        ]
        for label, prefix, names, organisation in accounts:
            username = options[f"{prefix}_username"]
            password = options[f"{prefix}_password"] or secrets.token_urlsafe(9)
            if ensure_account(
                username=username, password=password, organisation_name=organisation, **names
            ):
                self.stdout.write(
                    self.style.SUCCESS(
                        f"{label} créé — identifiant : {username} · mot de passe : {password}"
                    )
                )
            else:
                self.stdout.write(
                    f"{label} : « {username} » (déjà créé ; mot de passe inchangé, voir "
                    f"DEMO_{prefix.upper()}_PASSWORD ou `icilabas changepassword`)."
                )
