"""Reads of the data exchanges: what an imported IATI activity says beyond the registry's
fields, shown on its project's page (registered in `apps.py`)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import IatiActivityData


def _iati_source(project) -> dict:
    """Joined into the page's query (`add_page_related`), else read here."""
    try:
        return project.iati_source.data
    except IatiActivityData.DoesNotExist:
        return {}


def project_iati(project, *, viewer) -> dict:
    """For the project's page: what its IATI file said beyond the registry's fields."""
    return {"iati": iati_summary(_iati_source(project))}


ROLES = {  # IATI organisation roles
    "1": pgettext_lazy("IATI role", "Financeur"),
    "2": pgettext_lazy("IATI role", "Responsable"),
    "3": pgettext_lazy("IATI role", "Bailleur (extension)"),
    "4": pgettext_lazy("IATI role", "Opérateur"),
}
TRANSACTION_TYPES = {
    "1": _("Apport reçu"),
    "2": _("Engagement"),
    "3": _("Décaissement"),
    "4": _("Dépense"),
}


def _name(names: dict) -> str:
    return names.get("fr") or names.get("en") or next(iter(names.values()), "")


def iati_summary(kept: dict) -> dict | None:
    """What an imported IATI activity says beyond the registry's fields, for its page."""
    if not kept:
        return None
    totals: dict[tuple[str, str], float] = {}
    for transaction in kept.get("transactions", []):
        label = str(TRANSACTION_TYPES.get(transaction["type"], f"Type {transaction['type']}"))
        key = (label, transaction.get("currency") or "")
        try:
            totals[key] = totals.get(key, 0.0) + float(transaction["value"] or 0)
        except ValueError:
            continue
    return {
        "publisher": _name(kept.get("reporting_org", {}).get("names", {})),
        "organisations": [
            (_name(org["names"]) or org["ref"], ROLES.get(org["role"], org["role"]))
            for org in kept.get("participating_orgs", [])
        ],
        "sectors": kept.get("sectors", []),
        "locations": [_name(location["names"]) for location in kept.get("locations", [])],
        "budget_count": len(kept.get("budgets", [])),
        "transactions": sorted(totals.items()),
        "languages": sorted(set(kept.get("titles", {})) | set(kept.get("descriptions", {}))),
    }
