"""Meetings as iCalendar (RFC 5545): one file per meeting (attached to confirmations) and feeds
a calendar application subscribes to. Times carry their meeting's time zone (TZID, with its
VTIMEZONE), so a study day at 10:00 in Pessac stays at 10:00 in Paris whatever the season."""

from datetime import timedelta

from django.conf import settings
from icalendar import Calendar, Event, Timezone, vCalAddress

PRODUCT_ID = "-//Ici et Là-bas//Rencontres du réseau//FR"
CALENDAR_TYPE = "text/calendar"


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _place(meeting) -> str:
    parts = [
        meeting.venue,
        meeting.address,
        " ".join(filter(None, [meeting.postal_code, meeting.city])),
    ]
    place = ", ".join(part for part in parts if part)
    return place or meeting.online_url


def _event(meeting) -> Event:
    zone = meeting.zone
    event = Event()
    event.add("uid", f"rencontre-{meeting.pk}@icilabas")
    event.add("summary", meeting.title)
    event.add("dtstart", meeting.starts_at.astimezone(zone))
    event.add("dtend", meeting.ends_at.astimezone(zone))
    event.add("dtstamp", meeting.updated_at)
    event.add("last-modified", meeting.updated_at)
    event.add("sequence", int(meeting.updated_at.timestamp()) // 60 % 2**31)
    event.add("url", _absolute(meeting.get_absolute_url()))
    description = "\n\n".join(filter(None, [meeting.summary, meeting.online_url]))
    if description:
        event.add("description", description)
    place = _place(meeting)
    if place:
        event.add("location", place)
    if meeting.latitude is not None and meeting.longitude is not None:
        event.add("geo", (meeting.latitude, meeting.longitude))
    event.add("organizer", vCalAddress(f"mailto:{settings.DEFAULT_FROM_EMAIL}"))
    event.add("categories", [meeting.get_kind_display()])
    return event


def calendar_of(meetings, *, name: str) -> bytes:
    """One calendar holding `meetings`, with the VTIMEZONE of each zone they use."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-published-ttl", "PT1H")
    zones = {}
    events = []
    for meeting in meetings:
        zones.setdefault(meeting.time_zone, meeting)
        events.append(_event(meeting))
    for zone_name, meeting in sorted(zones.items()):
        first = meeting.starts_at - timedelta(days=366)
        calendar.add_component(
            Timezone.from_tzid(
                zone_name,
                first_date=first.date(),
                last_date=(first + timedelta(days=3 * 366)).date(),
            )
        )
    for event in events:
        calendar.add_component(event)
    return calendar.to_ical()


def ics_attachment(meeting) -> list:
    """The meeting's .ics file, as core.mail attaches it."""
    return [
        f"rencontre-{meeting.pk}.ics",
        calendar_of([meeting], name=meeting.title).decode(),
        CALENDAR_TYPE,
    ]
