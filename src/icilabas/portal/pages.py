"""What the public face adds to registry pages (registered in `apps.py`): a project's
localities on a small map, drawn as the public maps are."""

from collections import Counter

from django.urls import reverse
from django.utils.translation import gettext as _

from .worldmap import Place, places_map


def project_places(project, *, viewer) -> dict:
    """Its localities with coordinates; without any, its partner authority's place."""
    located = [
        (location.name, location.country.code, location.latitude, location.longitude)
        for location in project.locations.all()
        if location.latitude is not None and location.longitude is not None
    ]
    authority = project.partnership.foreign_authority if project.partnership_id else None
    if not located and authority is not None and authority.latitude is not None:
        located = [
            (authority.locality, authority.country.code, authority.latitude, authority.longitude)
        ]
    if not located:
        return {}
    country = Counter(code for _name, code, _lat, _lon in located).most_common(1)[0][0]
    places = [
        Place(
            label=name,
            url=reverse("portal:country", args=[code]),
            latitude=latitude,
            longitude=longitude,
        )
        for name, code, latitude, longitude in located
    ]
    return {
        "locality_map": places_map(places=places, country=country),
        "locality_map_template": "portal/_world_map.html",
        "locality_map_caption": _("Où le projet agit : %(places)s")
        % {"places": ", ".join(place.label for place in places)},
    }
