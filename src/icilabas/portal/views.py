import tablib
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView
from django_countries import countries

from icilabas.actors import services as actor_services
from icilabas.actors.models import Involvement, Organisation
from icilabas.core import export, pdf, search, throttle
from icilabas.core.french import in_country
from icilabas.core.page_cache import VisitorPageCacheMixin
from icilabas.matching.activity import (
    active_actors,
    countries_of_theme,
    theme_mentors,
)
from icilabas.reference.models import Commune, Concept

from . import selectors, tasks, worldmap
from .forms import InvolvementForm

SEARCH_LIMIT = 200


class HomeView(VisitorPageCacheMixin, TemplateView):
    template_name = "portal/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            selectors.home(),
            world=world_map_of(selectors.partnerships_by_country()),
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
        context.update(
            selectors.country(code, theme),
            country_code=code,
            country_name=countries.name(code),
            in_country=in_country(code),
            theme=theme,
            themes=themes,
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


class CommuneSearchView(VisitorPageCacheMixin, TemplateView):
    """ "Ma commune": by name or postal code; a single match opens its page."""

    template_name = "portal/commune_search.html"

    def get(self, request, *args, **kwargs):
        query = request.GET.get("q", "").strip()[:100]
        found = selectors.find_communes(query) if query else []
        if len(found) == 1:
            return HttpResponseRedirect(reverse("portal:commune", args=[found[0].insee_code]))
        return self.render_to_response(self.get_context_data(query=query, communes=found, **kwargs))


class CommuneView(VisitorPageCacheMixin, TemplateView):
    """ "Notre coopération": one commune's partners, projects and what they bring here."""

    template_name = "portal/commune.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        commune = (
            Commune.objects.select_related("departement__region")
            .filter(insee_code=self.kwargs["insee"])
            .first()
        )
        if commune is None:
            raise Http404
        overview = selectors.once_per_registry_version(
            f"commune:{commune.insee_code}", lambda: selectors.commune_overview(commune)
        )
        context.update(commune=commune, **overview)
        return context


class MapView(VisitorPageCacheMixin, TemplateView):
    """The map of là-bas (countries, partner localities) or, at /carte/ici/, of ici (the
    organisations engaged), each beside the list that says the same for keyboards and screen
    readers. Two pages rather than one: each stays within the page weight budget."""

    template_name = "portal/map.html"
    side = "la-bas"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(side=self.side, place_cap=selectors.MAP_PLACES)
        if self.side == "ici":
            here = selectors.engaged_places()
            context.update(local=worldmap.local_map(places=here), here=here)
            return context
        counts = selectors.partnerships_by_country()
        context.update(
            world=world_map_of(counts),
            country_rows=sorted(
                ((countries.name(code) or code, code, n) for code, n in counts.items()),
                key=lambda row: (-row[2], row[0]),
            ),
        )
        return context


def world_map_of(counts: dict[str, int]) -> worldmap.Map:
    return worldmap.world_map(
        counts=counts,
        urls={code: reverse("portal:country", args=[code]) for code in counts},
        places=selectors.partner_places(),
    )


class DashboardView(VisitorPageCacheMixin, TemplateView):
    """The regional dashboard; each chart's data as CSV with ?csv=<chart>."""

    template_name = "portal/dashboard.html"

    def get(self, request, *args, **kwargs):
        figures = selectors.dashboard()
        asked = request.GET.get("csv")
        if asked:
            chart = next((c for c in figures["charts"] if c.slug == asked), None)
            if chart is None:
                raise Http404
            dataset = tablib.Dataset(headers=[gettext("Libellé"), chart.unit])
            for label, value in chart.rows:
                dataset.append([export.neutralise(label), value])
            return export.dataset_response(dataset, fmt="csv", title=f"tableau-de-bord-{asked}")
        return self.render_to_response(self.get_context_data(**figures, **kwargs))


def briefing_organisation(pk: int) -> Organisation:
    organisation = (
        Organisation.objects.published()
        .select_related("departement", "region")
        .filter(pk=pk)
        .first()
    )
    if organisation is None:
        raise Http404
    return organisation


class BriefingView(VisitorPageCacheMixin, TemplateView):
    """ "Dossier élus": what the authority's cooperation brings, in figures, as a page."""

    template_name = "portal/briefing.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(selectors.briefing(briefing_organisation(self.kwargs["pk"])))
        return context


class BriefingPdfView(View):
    """The same as a 2–4 page PDF, made by the worker once per version of its figures."""

    def get(self, request, pk: int):
        organisation = briefing_organisation(pk)
        digest = selectors.briefing(organisation)["digest"]
        return pdf.serve_or_queue(
            request,
            path=tasks.briefing_path(organisation, digest),
            filename=f"dossier-elus-{slugify(organisation.name)}.pdf",
            task=tasks.build_briefing,
            args=(organisation.pk,),
            page={
                "title": gettext("Dossier élus (PDF)"),
                "back_url": reverse("portal:briefing", args=[organisation.pk]),
                "back_label": organisation.name,
                "pdf_url": reverse("portal:briefing_pdf", args=[organisation.pk]),
            },
        )


INVOLVEMENT_LIMIT = (5, 3600)  # forms per visitor address per hour


class InvolveView(View):
    """ "Je veux m'impliquer" with one organisation of the territory."""

    template_name = "portal/involve.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.organisation = Organisation.objects.published().filter(pk=kwargs["pk"]).first()

    def render(self, form, *, status=200):
        if self.organisation is None:
            raise Http404
        context = {"organisation": self.organisation, "form": form}
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, pk: int):
        return self.render(InvolvementForm())

    def post(self, request, pk: int):
        form = InvolvementForm(request.POST)
        if self.organisation is None:
            raise Http404
        if not throttle.allow(
            request, scope="involve", limit=INVOLVEMENT_LIMIT[0], seconds=INVOLVEMENT_LIMIT[1]
        ):
            form.add_error(
                None,
                gettext(
                    "Vous avez envoyé beaucoup de propositions en peu de temps : réessayez dans "
                    "une heure."
                ),
            )
            return self.render(form, status=429)
        if not form.is_valid():
            return self.render(form, status=400)
        if not form.is_robot:  # a robot is thanked like a person, and nothing is kept
            data = form.cleaned_data
            commune = (
                Commune.objects.filter(postcodes__contains=data["postal_code"]).first()
                if data["postal_code"]
                else None
            )
            actor_services.offer_involvement(
                organisation=self.organisation,
                name=data["name"],
                email=data["email"],
                phone=data["phone"],
                commune=commune,
                ways=data["ways"],
                message=data["message"],
            )
        return render(request, "portal/involve_thanks.html", {"organisation": self.organisation})


class InvolvementEraseView(View):
    """From the link she received: see what is kept, erase it for good (after confirming)."""

    template_name = "portal/involvement_erase.html"

    def get(self, request, key: str):
        involvement = Involvement.objects.select_related("organisation").filter(erase_key=key)
        return render(request, self.template_name, {"involvement": involvement.first()})

    def post(self, request, key: str):
        involvement = Involvement.objects.filter(erase_key=key).first()
        if involvement is not None:
            actor_services.erase_involvement(involvement=involvement)
        return render(request, self.template_name, {"involvement": None, "erased": True})
