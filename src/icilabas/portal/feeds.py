"""RSS and Atom feeds of newly published projects, for the whole network or one commune,
country or theme (Django's syndication framework)."""

from django.contrib.syndication.views import Feed
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django_countries import countries

from icilabas.actors.models import Organisation
from icilabas.cooperation.models import Project
from icilabas.reference.models import Commune, Concept

from . import selectors

FEED_ITEMS = 30


class ProjectFeed(Feed):
    """?commune=INSEE, ?country=SN or ?theme=<Atlas code>; an unknown one is a 404."""

    def get_object(self, request):
        asked = request.GET
        if asked.get("commune"):
            commune = Commune.objects.filter(insee_code=asked["commune"][:5]).first()
            if commune is None:
                raise Http404
            return ("commune", commune)
        if asked.get("country"):
            code = asked["country"].upper()[:2]
            if code not in countries:
                raise Http404
            return ("country", code)
        if asked.get("theme"):
            theme = Concept.objects.of("atlas-theme").filter(code=asked["theme"][:20]).first()
            if theme is None:
                raise Http404
            return ("theme", theme)
        return ("all", None)

    def title(self, obj):
        kind, value = obj
        names = {
            "commune": lambda: value.name,
            "country": lambda: countries.name(value),
            "theme": lambda: value.label,
        }
        if kind not in names:
            return _("Ici & Là-bas — nouveaux projets")
        return _("Ici & Là-bas — nouveaux projets : %(name)s") % {"name": names[kind]()}

    def link(self, obj):
        kind, value = obj
        if kind == "commune":
            return reverse("portal:commune", args=[value.insee_code])
        if kind == "country":
            return reverse("portal:country", args=[value])
        if kind == "theme":
            return reverse("portal:theme", args=[value.code])
        return reverse("cooperation:project_list")

    def description(self, obj):
        return _("Les projets de coopération décentralisée publiés dans le registre du réseau.")

    def items(self, obj):
        kind, value = obj
        projects = Project.objects.published()
        if kind == "commune":
            projects = selectors.projects_of(
                Organisation.objects.published().filter(insee_code=value.insee_code)
            )
        elif kind == "country":
            projects = projects.filter(country=value)
        elif kind == "theme":  # the theme or one below it in the Atlas's three levels
            projects = projects.filter(
                Q(primary_theme=value)
                | Q(primary_theme__parent=value)
                | Q(primary_theme__parent__parent=value)
            )
        return (
            projects.distinct()
            .select_related("primary_theme")
            .order_by("-created_at", "-pk")[:FEED_ITEMS]
        )

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary or item.description[:500]

    def item_pubdate(self, item):
        return item.created_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [item.primary_theme.label] if item.primary_theme else []


class ProjectAtomFeed(ProjectFeed):
    feed_type = Atom1Feed
    subtitle = ProjectFeed.description
