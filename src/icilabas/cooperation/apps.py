from django.apps import AppConfig


class CooperationConfig(AppConfig):
    name = "icilabas.cooperation"
    label = "cooperation"
    verbose_name = "Coopération"

    def ready(self):
        from . import search_documents, tasks  # noqa: F401  (search providers, schedules)
