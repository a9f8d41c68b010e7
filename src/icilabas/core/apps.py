from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "icilabas.core"
    label = "core"
    verbose_name = "Noyau"

    def ready(self):
        from . import page_cache

        page_cache.connect_signals()
