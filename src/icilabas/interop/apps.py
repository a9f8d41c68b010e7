from django.apps import AppConfig


class InteropConfig(AppConfig):
    name = "icilabas.interop"
    label = "interop"
    verbose_name = "Échanges de données"
