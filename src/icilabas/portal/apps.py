from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "icilabas.portal"
    label = "portal"
    verbose_name = "Portail"

    def ready(self):
        """The schedule of the public figures; the small map on a project's page."""
        from icilabas.cooperation.models import Project
        from icilabas.core import contributions

        from . import pages, tasks  # noqa: F401  (tasks: the schedule of the public figures)

        contributions.add_page_context(Project, pages.project_places)
