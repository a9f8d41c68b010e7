from django.apps import AppConfig


class ActorsConfig(AppConfig):
    name = "icilabas.actors"
    label = "actors"
    verbose_name = "Acteurs"

    def ready(self):
        from . import search_documents  # noqa: F401  (registers search providers)
