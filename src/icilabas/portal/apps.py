from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "icilabas.portal"
    label = "portal"
    verbose_name = "Portail"
