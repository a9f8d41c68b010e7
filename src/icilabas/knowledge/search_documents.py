"""How glossary terms and experience sheets appear in the search index."""

from icilabas.core.search import SearchDocument, register

from .models import ExperienceSheet, Term


@register("term", Term, "Terme du glossaire")
def term_document(term: Term) -> SearchDocument:
    variants = " ".join(f"{v.wording} {v.meaning}" for v in term.variants.all())
    translations = " ".join(t.label for t in term.translations.all())
    return SearchDocument(
        title=term.name,
        summary=term.definition[:300],
        body=" ".join([term.definition, variants, translations]),
    )


@register("sheet", ExperienceSheet, "Fiche d'expérience")
def sheet_document(sheet: ExperienceSheet) -> SearchDocument:
    sections = " ".join(getattr(sheet, name) for name in ExperienceSheet.SECTIONS)
    projects = " ".join(p.title for p in sheet.projects.all())
    themes = " ".join(t.label for t in sheet.themes.all())
    return SearchDocument(
        title=sheet.title,
        summary=sheet.summary,
        body=" ".join([sheet.organisation.name, sections, projects, themes]),
    )
