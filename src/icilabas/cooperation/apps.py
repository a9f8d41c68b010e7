from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CooperationConfig(AppConfig):
    name = "icilabas.cooperation"
    label = "cooperation"
    verbose_name = "Coopération"

    def ready(self):
        """Search providers and schedules; what cooperation adds to the actors' pages."""
        from icilabas.actors.models import ForeignAuthority, Organisation
        from icilabas.core import contributions
        from icilabas.core.views.records import Column

        from . import search_documents, selectors, tasks  # noqa: F401  (registered on import)
        from .filters import partner_country_filter

        partnerships = Column(_("Partenariats"), "partnership_count", "partnership_count")
        contributions.add_page_context(Organisation, selectors.organisation_overview)
        contributions.add_list_column(
            Organisation, partnerships, selectors.partnership_count_of_organisation
        )
        contributions.add_list_filter(Organisation, "country", partner_country_filter)
        contributions.add_page_context(ForeignAuthority, selectors.foreign_authority_overview)
        contributions.add_list_column(
            ForeignAuthority, partnerships, selectors.partnership_count_of_authority
        )
