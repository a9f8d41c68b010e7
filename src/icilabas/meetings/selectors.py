"""Reads of the meetings app: what a meeting's page, a working group's page and the staff's
lists show."""

from collections import Counter

from django.db.models import Prefetch, Q
from django.utils import timezone

from icilabas.actors.models import Person
from icilabas.core.permissions import is_staff, visible

from .models import FollowUpAction, Meeting, MinutesSection, Registration, WorkingGroup

Status = Registration.Status


def seats(meeting: Meeting) -> dict:
    counts = Counter(
        meeting.registrations.exclude(status=Status.CANCELLED).values_list("status", flat=True)
    )
    taken = counts[Status.CONFIRMED]
    free = None if meeting.capacity is None else max(meeting.capacity - taken, 0)
    return {"taken": taken, "waiting": counts[Status.WAITING], "free": free}


def meeting_overview(*, meeting: Meeting, viewer) -> dict:
    """Programme, minutes, actions decided, the working group's actions still open from
    earlier meetings (carried into this one's agenda), who is listed publicly, and the
    viewer's own registration."""
    sessions = meeting.sessions.prefetch_related(
        Prefetch("speakers", queryset=visible(Person.objects.all(), viewer)),
        "speaker_organisations",
    )
    minutes = meeting.minutes.prefetch_related("quotes__organisation")
    carried = FollowUpAction.objects.none()
    if meeting.working_group_id:
        carried = (
            FollowUpAction.objects.filter(
                working_group_id=meeting.working_group_id,
                status__in=FollowUpAction.OPEN,
                meeting__starts_at__lt=meeting.starts_at,
            )
            .select_related("meeting", "responsible_organisation")
            .order_by("due_on", "pk")
        )
    mine = None
    if viewer.is_authenticated:
        mine = meeting.registrations.exclude(status=Status.CANCELLED).filter(user=viewer).first()
    listed = meeting.registrations.filter(status=Status.CONFIRMED, listed_publicly=True).order_by(
        "organisation_name", "last_name"
    )
    return {
        "adopted_terms": visible(meeting.adopted_terms.all(), viewer).order_by("name"),
        "sessions": sessions,
        "minutes": [s for s in minutes if s.kind == MinutesSection.Kind.SECTION],
        "conclusions": [s for s in minutes if s.kind == MinutesSection.Kind.CONCLUSIONS],
        "actions": meeting.actions.select_related("responsible_organisation"),
        "carried_actions": carried,
        "seats": seats(meeting),
        "my_registration": mine,
        "listed": listed,
        "registration_state": meeting.registration_state(),
        "is_past": meeting.ends_at < timezone.now(),
        "is_staff": is_staff(viewer),
    }


def working_group_overview(*, group: WorkingGroup, viewer) -> dict:
    meetings = visible(Meeting.objects.filter(working_group=group), viewer).order_by("-starts_at")
    return {
        "members": group.organisations.order_by("name"),
        "meetings": meetings,
        "open_actions": FollowUpAction.objects.filter(
            Q(working_group=group) | Q(meeting__working_group=group),
            status__in=FollowUpAction.OPEN,
        )
        .select_related("meeting", "responsible_organisation")
        .distinct()
        .order_by("due_on", "pk"),
        "done_actions": FollowUpAction.objects.filter(
            Q(working_group=group) | Q(meeting__working_group=group),
            status=FollowUpAction.Status.DONE,
        ).count(),
    }


CHART_WIDTH, CHART_ROW, CHART_LEFT = 300, 28, 24


def feedback_summary(meeting: Meeting) -> dict:
    """The feedback as figures and the bars of a chart (1 to 5)."""
    answers = list(
        meeting.registrations.filter(feedback__isnull=False).values_list(
            "feedback__usefulness", "feedback__topics_wanted", "feedback__comment"
        )
    )
    counts = Counter(usefulness for usefulness, _t, _c in answers)
    total = len(answers)
    highest = max(counts.values(), default=0)
    bars = []
    for row, score in enumerate(range(1, 6)):
        width = round(CHART_WIDTH * counts[score] / highest) if highest else 0
        top = row * CHART_ROW
        bars.append(
            {
                "score": score,
                "count": counts[score],
                "width": width,
                "top": top + 4,
                "baseline": top + 19,
                "count_x": CHART_LEFT + width + 6,
            }
        )
    return {
        "answers": total,
        "attended": meeting.registrations.filter(status=Status.CONFIRMED).count(),
        "average": round(sum(u * n for u, n in counts.items()) / total, 1) if total else None,
        "bars": bars,
        "topics": [t for _u, t, _c in answers if t],
        "comments": [c for _u, _t, c in answers if c],
    }
