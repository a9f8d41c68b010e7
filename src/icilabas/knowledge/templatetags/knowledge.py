"""Long texts rendered with the glossary's terms explained, and the lessons other actors
wrote, for any page (a project's, a country's…) without its app importing this one."""

from django import template

from ..markup import rendered_text
from ..selectors import lessons_about, project_progress

register = template.Library()


@register.filter
def rendered(text: str):
    """Markdown (no raw HTML) with the adopted glossary terms marked."""
    return rendered_text(text or "")


@register.inclusion_tag("knowledge/_lessons.html", takes_context=True)
def lessons(context, *, project=None, authority=None, country="", theme=None):
    """ "Ce que d'autres ont appris ici" for a project, a partner authority, a country or a
    theme."""
    return {
        "sheets": lessons_about(
            viewer=context["request"].user,
            projects=[project] if project else [],
            authorities=[authority] if authority else [],
            countries=[country] if country else [],
            themes=[theme] if theme else [],
        ),
        "create_query": f"?projects={project.pk}" if project else "",
        "can_write": context.get("can_edit", False),
    }


@register.inclusion_tag("knowledge/_guide_progress.html", takes_context=True)
def guide_progress(context, *, project):
    """How far the project's editors went through the method guides (their own notes: shown
    only to those who may change the project)."""
    shown = context.get("can_edit", False)
    return {"project": project, "progress": project_progress(project=project) if shown else []}
