"""How meetings and working groups appear in the search index (with their minutes)."""

from icilabas.core.search import SearchDocument, register

from .models import Meeting, WorkingGroup


@register(
    "meeting",
    Meeting,
    "Rencontre",
    prefetch=("sessions", "minutes__quotes", "themes__parent__parent", "working_group"),
)
def meeting_document(meeting: Meeting) -> SearchDocument:
    """A meeting is found by its programme and its minutes too (what was said there)."""
    sessions = " ".join(f"{s.title} {s.description}" for s in meeting.sessions.all())
    minutes = " ".join(
        " ".join([m.title, m.text, *(q.text for q in m.quotes.all())])
        for m in meeting.minutes.all()
    )
    themes = list(meeting.themes.all())
    group = meeting.working_group.name if meeting.working_group_id else ""
    return SearchDocument(
        title=meeting.title,
        summary=" · ".join(
            filter(None, [meeting.get_kind_display(), meeting.city, meeting.summary])
        ),
        body=" ".join([meeting.description, meeting.venue, group, sessions, minutes]),
        country="FR" if meeting.city else "",
        theme=themes[0].lineage[-1] if themes else "",
        year=meeting.starts_at.year,
    )


@register("workinggroup", WorkingGroup, "Groupe de travail")
def working_group_document(group: WorkingGroup) -> SearchDocument:
    return SearchDocument(title=group.name, summary=group.purpose[:300], body=group.purpose)
