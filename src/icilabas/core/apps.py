from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "icilabas.core"
    label = "core"
    verbose_name = "Noyau"
