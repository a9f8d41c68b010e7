from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "icilabas.portal"
    label = "portal"
    verbose_name = "Portail"

    def ready(self):
        from . import tasks  # noqa: F401  (the schedule of the public figures)
