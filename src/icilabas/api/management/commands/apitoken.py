from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext

from icilabas.api.services import issue_token, revoke_tokens


class Command(BaseCommand):
    help = (
        "Crée (ou révoque) un jeton d'API pour un utilisateur ; le jeton n'est affiché qu'une fois."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="API", help="à quoi sert ce jeton")
        parser.add_argument("--revoke", action="store_true", help="révoque ses jetons")

    def handle(self, *args, username, name, revoke, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(
                gettext("Utilisateur inconnu : « %(username)s ».") % {"username": username}
            )
        if revoke:
            count = revoke_tokens(user=user)
            self.stdout.write(f"{count} jeton(s) révoqué(s).")
            return
        _token, key = issue_token(user=user, name=name)
        self.stdout.write(f"Jeton pour {username} : {key}")
        self.stdout.write("Utilisation : Authorization: Bearer <jeton>")
