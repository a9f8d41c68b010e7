"""`icilabas check --deploy` is clean only when the environment is complete."""

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def secret_key_from_environment(app_configs, **kwargs):
    if settings.SECRET_KEY_FROM_ENVIRONMENT:
        return []
    return [
        Error(
            "SECRET_KEY n'est pas donnée par l'environnement : la clé générée pour cette "
            "installation dans var/secret_key est utilisée.",
            hint="Donnez SECRET_KEY (au moins 50 caractères aléatoires) dans l'environnement "
            "du site et du travailleur, la même pour tous les serveurs.",
            id="icilabas.E001",
        )
    ]
