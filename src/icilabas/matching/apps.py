from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "icilabas.matching"
    label = "matching"
    verbose_name = "Doublons et recoupements"

    def ready(self):
        """What duplicate detection adds to the registry's pages and to a project's save."""
        from icilabas.actors.models import ForeignAuthority, Organisation
        from icilabas.cooperation.models import Partnership, Project
        from icilabas.core import contributions

        from . import pages
        from .services import decisions_from_form

        contributions.add_page_context(Organisation, pages.organisation_look_alikes)
        contributions.add_page_context(Partnership, pages.partnership_look_alikes)
        contributions.add_page_context(Project, pages.project_merges)
        contributions.add_page_context(ForeignAuthority, pages.others_here)
        contributions.add_dashboard_section(
            "matching/_dashboard_look_alikes.html", pages.flagged_look_alikes
        )
        contributions.add_after_save(
            Project, ("not_duplicate_of", "related_to"), decisions_from_form
        )
