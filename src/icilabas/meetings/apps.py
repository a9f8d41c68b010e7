from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "icilabas.meetings"
    label = "meetings"
    verbose_name = "Rencontres du réseau"

    def ready(self):
        from . import search_documents, tasks  # noqa: F401  (search providers, schedules)
