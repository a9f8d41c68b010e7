from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "icilabas.knowledge"
    label = "knowledge"
    verbose_name = "Savoirs partagés"

    def ready(self):
        from . import search_documents, signals  # noqa: F401  (search providers, glossary cache)
