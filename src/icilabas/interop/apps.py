from django.apps import AppConfig


class InteropConfig(AppConfig):
    name = "icilabas.interop"
    label = "interop"
    verbose_name = "Échanges de données"

    def ready(self):
        from icilabas.cooperation.models import Project
        from icilabas.core.contributions import add_page_context, add_page_related

        from .selectors import project_iati

        add_page_related(Project, "iati_source")
        add_page_context(Project, project_iati)
