"""Reads of the cooperation domain used by several pages."""

from django.db.models import Prefetch, Sum

from icilabas.core.permissions import visible

from .models import BudgetLine, Partnership, Project


def partnership_overview(*, partnership: Partnership, viewer) -> dict:
    return {
        "commitments_here": partnership.commitments.filter(side="ici"),
        "commitments_there": partnership.commitments.filter(side="la_bas"),
        "documents": partnership.documents.all(),
        "projects": visible(partnership.projects.all(), viewer)
        .select_related("primary_theme")
        .order_by("-start_on"),
    }


def project_overview(*, project: Project) -> dict:
    budget_lines = BudgetLine.objects.filter(project=project).select_related("cofinancer")
    totals = budget_lines.values("currency").annotate(total=Sum("amount")).order_by("currency")
    return {
        "secondary_themes": project.secondary_themes.select_related("theme"),
        "locations": project.locations.all(),
        "action_steps": project.action_steps.select_related("owner"),
        "participations": project.participations.select_related("organisation"),
        "budget_lines": budget_lines,
        "budget_totals": totals,
        "impacts": project.local_impacts.all(),
        "merges": project.merges.filter(undone_at__isnull=True).select_related("absorbed"),
    }


def project_detail_queryset():
    return Project.objects.select_related(
        "partnership__foreign_authority", "primary_theme__parent__parent", "dac_sector"
    ).prefetch_related("sdgs")


def partnership_detail_queryset():
    return Partnership.objects.select_related("foreign_authority").prefetch_related(
        Prefetch("french_partners")
    )
