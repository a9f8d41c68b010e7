from django.http import HttpResponse
from django.utils.html import format_html_join

from . import gazetteer


def locality_suggestions(request):
    """<option>s of gazetteer places for the locality field (htmx fills its datalist)."""
    country = request.GET.get("country", "")[:2]
    prefix = request.GET.get("locality", "")[:100]
    if len(country) != 2 or len(prefix) < 2:
        return HttpResponse("")
    places = gazetteer.suggest(prefix, country, limit=15)
    return HttpResponse(
        format_html_join(
            "",
            '<option value="{}">{}</option>',
            ((p.name, f"{p.name} — {p.admin1}" if p.admin1 else p.name) for p in places),
        )
    )
