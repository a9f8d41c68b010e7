"""How actors appear in the search index."""

from django.utils import translation

from icilabas.core.search import SearchDocument, register

from .models import ForeignAuthority, Organisation, Person


@register("organisation", Organisation, "Organisation")
def organisation_document(org: Organisation) -> SearchDocument:
    place = " ".join(filter(None, [org.city, str(org.departement or "")]))
    return SearchDocument(
        title=org.name,
        summary=" · ".join(filter(None, [org.get_kind_display(), place])),
        body=" ".join([org.acronym, org.description]),
    )


@register("foreignauthority", ForeignAuthority, "Autorité partenaire")
def foreign_authority_document(authority: ForeignAuthority) -> SearchDocument:
    with translation.override("fr"):
        country = str(authority.country.name)
    return SearchDocument(
        title=authority.name,
        summary=" · ".join(filter(None, [authority.locality, authority.admin_area, country])),
        body=authority.description,
        country=authority.country.code,
    )


@register("person", Person, "Personne")
def person_document(person: Person) -> SearchDocument:
    titles = [
        f"{p.title}, {p.organisation.name}" for p in person.positions.select_related("organisation")
    ]
    return SearchDocument(title=str(person), summary=" · ".join(titles)[:400], body="")
