from django.core.paginator import Paginator
from django.views.generic import TemplateView

from icilabas.actors.models import ForeignAuthority, Organisation
from icilabas.cooperation.models import Partnership, Project
from icilabas.core import search

SEARCH_LIMIT = 200


class HomeView(TemplateView):
    template_name = "portal/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            counts={
                "organisations": Organisation.objects.count(),
                "authorities": ForeignAuthority.objects.count(),
                "partnerships": Partnership.objects.count(),
                "projects": Project.objects.count(),
            },
            recent_projects=Project.objects.select_related("primary_theme").order_by("-updated_at")[
                :6
            ],
        )
        return context


class SearchView(TemplateView):
    """One box across organisations, partner authorities, partnerships and projects."""

    template_name = "portal/search.html"

    def get_template_names(self):
        if getattr(self.request, "htmx", False) and not self.request.htmx.boosted:
            return ["portal/_search_results.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.get("q", "").strip()[:200]
        kinds = [k for k in self.request.GET.getlist("kind") if k in search.kind_labels()]
        hits = search.search(query, kinds=kinds or None, limit=SEARCH_LIMIT) if query else []
        page = Paginator(hits, 25).get_page(self.request.GET.get("page"))
        context.update(
            query=query,
            kinds=kinds,
            kind_labels=search.kind_labels(),
            page_obj=page,
            hits=page.object_list,
            hit_count=len(hits),
            hit_limit=SEARCH_LIMIT,
        )
        return context
