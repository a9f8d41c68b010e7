from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from django_countries import countries

from icilabas.actors.models import ForeignAuthority, Organisation
from icilabas.cooperation.models import Partnership, Project
from icilabas.core import search
from icilabas.core.page_cache import VisitorPageCacheMixin
from icilabas.matching.activity import (
    active_actors,
    aid_world_actors,
    countries_of_theme,
    mentors,
    theme_mentors,
)
from icilabas.reference.models import Concept

SEARCH_LIMIT = 200


class HomeView(VisitorPageCacheMixin, TemplateView):
    template_name = "portal/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            counts={
                "organisations": Organisation.objects.published().count(),
                "authorities": ForeignAuthority.objects.published().count(),
                "partnerships": Partnership.objects.published().count(),
                "projects": Project.objects.published().count(),
            },
            recent_projects=Project.objects.published()
            .select_related("primary_theme")
            .order_by("-updated_at")[:6],
        )
        return context


class SearchView(VisitorPageCacheMixin, TemplateView):
    """One box across organisations, partner authorities, partnerships and projects."""

    template_name = "portal/search.html"

    def get_template_names(self):
        if getattr(self.request, "htmx", False) and not self.request.htmx.boosted:
            return ["portal/_search_results.html"]
        return [self.template_name]

    def chosen_facets(self) -> dict:
        """The facet values asked for, those that can be valid only (never an error)."""
        asked = self.request.GET
        chosen = {}
        country = asked.get("country", "").upper()
        if country in countries:
            chosen["country"] = country
        if asked.get("theme", "").strip():
            chosen["theme"] = asked["theme"].strip()[:200]
        if asked.get("year", "").isdigit() and len(asked["year"]) == 4:
            chosen["year"] = int(asked["year"])
        return chosen

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.get("q", "").strip()[:200]
        kinds = [k for k in self.request.GET.getlist("kind") if k in search.kind_labels()]
        chosen = self.chosen_facets()
        hits, facets = [], None
        # The query once, with its synonyms (read from the glossary's cache): for the hits,
        # their excerpts and the words the search was widened with.
        parsed = search.Query.of(query)
        if query:
            hits = search.search(parsed, kinds=kinds or None, filters=chosen, limit=SEARCH_LIMIT)
            facets = search.facets(hits, limit=SEARCH_LIMIT)
        page = Paginator(hits, 25).get_page(self.request.GET.get("page"))
        context.update(
            query=query,
            kinds=kinds,
            kind_labels=search.kind_labels(),
            page_obj=page,
            hits=search.with_excerpts(page.object_list, parsed),
            hit_count=len(hits),
            hit_limit=SEARCH_LIMIT,
            synonyms=list(parsed.phrasings),
            facet_groups=facet_links(self.request.GET, facets, chosen) if facets else [],
            facets_capped=bool(facets and facets.capped),
            facet_cap=SEARCH_LIMIT,
            chosen_facets=chosen,
            querystring=without_page(self.request.GET),
        )
        return context


FACET_VALUES_SHOWN = 12


def without_page(asked) -> str:
    kept = asked.copy()
    kept.pop("page", None)
    return kept.urlencode()


def facet_links(asked, facets, chosen: dict) -> list[dict]:
    """The facets as groups of links: each value narrows the search, the chosen one widens it
    back; labels in French (country names), counts beside."""
    labels = {
        "country": _("Pays"),
        "theme": _("Thématique"),
        "year": _("Année"),
    }
    groups = []
    for name in search.FACETS:
        values = []
        for value, count in facets.counts[name][:FACET_VALUES_SHOWN]:
            narrowed = asked.copy()
            narrowed.pop("page", None)
            narrowed.pop("_", None)
            is_chosen = str(chosen.get(name, "")) == str(value)
            if is_chosen:
                narrowed.pop(name, None)
            else:
                narrowed[name] = value
            label = countries.name(value) if name == "country" else str(value)
            values.append(
                {"label": label, "count": count, "chosen": is_chosen, "query": narrowed.urlencode()}
            )
        if values:
            groups.append({"name": name, "label": labels[name], "values": values})
    return groups


class CountryView(VisitorPageCacheMixin, TemplateView):
    """A partner country: its authorities, the actors of the territory working there, and the
    experienced ones a newcomer could ask (optionally on one theme)."""

    template_name = "portal/country.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        code = self.kwargs["code"].upper()
        if code not in countries:
            raise Http404
        themes = Concept.objects.of("atlas-theme").filter(level=1).order_by("code")
        theme = themes.filter(pk=self.request.GET.get("theme") or 0).first()
        actors = active_actors(country=code, theme=theme)
        authorities = (
            ForeignAuthority.objects.published()
            .filter(country=code)
            .annotate(
                partnership_count=Count(
                    "partnerships", filter=Q(partnerships__deleted_at__isnull=True)
                )
            )
            .order_by("-partnership_count", "name")[:20]
        )
        context.update(
            country_code=code,
            country_name=countries.name(code),
            theme=theme,
            themes=themes,
            actors=actors,
            mentors=mentors(actors, theme=theme),
            aid_world=aid_world_actors(country=code),
            authorities=authorities,
            project_count=Project.objects.published().filter(country=code).count(),
            projects_url=reverse("cooperation:project_list") + f"?country={code}",
        )
        return context


class ThemeView(VisitorPageCacheMixin, TemplateView):
    """A theme of the Atlas vocabulary: who works on it, where, and whom a newcomer could ask."""

    template_name = "portal/theme.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        theme = (
            Concept.objects.of("atlas-theme")
            .select_related("parent__parent")
            .filter(code=self.kwargs["code"])
            .first()
        )
        if theme is None:
            raise Http404
        actors = active_actors(theme=theme)
        on_theme = [actor for actor in actors if actor.in_theme]
        context.update(
            theme=theme,
            actors=on_theme,
            mentors=theme_mentors(on_theme),
            countries=[
                (code, countries.name(code), count) for code, count in countries_of_theme(theme)
            ],
            projects_url=reverse("cooperation:project_list") + f"?theme={theme.pk}",
        )
        return context
