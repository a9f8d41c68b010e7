"""How glossary terms, experience sheets and guides appear in the search index; and the
glossary's variants as synonyms widening a search."""

from icilabas.core import search
from icilabas.core.search import SearchDocument, register

from .models import ExperienceSheet, Guide, Term
from .selectors import synonyms_of


@register("term", Term, "Terme du glossaire", prefetch=("variants", "translations"))
def term_document(term: Term) -> SearchDocument:
    variants = " ".join(f"{v.wording} {v.meaning}" for v in term.variants.all())
    translations = " ".join(t.label for t in term.translations.all())
    return SearchDocument(
        title=term.name,
        summary=term.definition[:300],
        body=" ".join([term.definition, variants, translations]),
    )


@register(
    "sheet",
    ExperienceSheet,
    "Fiche d'expérience",
    prefetch=("organisation", "projects", "themes__parent__parent", "documents"),
)
def sheet_document(sheet: ExperienceSheet) -> SearchDocument:
    """A sheet is found by its headings' text, what it is about and its documents' text."""
    sections = " ".join(getattr(sheet, name) for name in ExperienceSheet.SECTIONS)
    projects = " ".join(p.title for p in sheet.projects.all())
    themes = list(sheet.themes.all())
    documents = " ".join(f"{d.title} {d.text}" for d in sheet.documents.all())
    return SearchDocument(
        title=sheet.title,
        summary=sheet.summary,
        body=" ".join(
            [sheet.organisation.name, sections, projects, *(t.label for t in themes), documents]
        ),
        country=sheet.countries[0].code if sheet.countries else "",
        theme=themes[0].lineage[-1] if themes else "",
    )


@register("guide", Guide, "Guide méthodologique", prefetch=("steps",))
def guide_document(guide: Guide) -> SearchDocument:
    steps = " ".join(f"{s.title} {s.text} {s.checklist}" for s in guide.steps.all())
    return SearchDocument(
        title=guide.title, summary=guide.introduction[:300], body=f"{guide.introduction} {steps}"
    )


search.register_synonyms(synonyms_of)
