from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "icilabas.core"
    label = "core"
    verbose_name = "Noyau"

    def ready(self):
        from . import checks, collation, page_cache  # noqa: F401  (checks: registered on import)

        page_cache.connect_signals()
        collation.connect()
