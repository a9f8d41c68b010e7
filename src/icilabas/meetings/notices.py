"""The e-mails of the meetings, in French: what changed for the person, the practical details,
and her personal link (to confirm, cancel, get the .ics, give her opinion)."""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from icilabas.core.mail import in_site_language


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def when(meeting) -> str:
    """ "jeudi 10 février 2011, 10:00–16:30" in the meeting's own time zone."""
    start = timezone.localtime(meeting.starts_at, meeting.zone)
    end = timezone.localtime(meeting.ends_at, meeting.zone)
    day = date_format(start, "l j F Y")
    if start.date() == end.date():
        return f"{day}, {start:%H:%M}–{end:%H:%M}"
    return f"{day} {start:%H:%M} – {date_format(end, 'l j F Y')} {end:%H:%M}"


def _details(meeting) -> str:
    lines = [meeting.title, when(meeting)]
    place = ", ".join(
        p
        for p in [meeting.venue, meeting.address, f"{meeting.postal_code} {meeting.city}".strip()]
        if p
    )
    if place:
        lines.append(place)
    if meeting.online_url:
        lines.append(_("En ligne : %(url)s") % {"url": meeting.online_url})
    lines.append(_absolute(meeting.get_absolute_url()))
    return "\n".join(lines)


def registration_message(registration, what: str) -> tuple[str, str]:
    meeting = registration.meeting
    link = _absolute(reverse("meetings:registration", args=[registration.token]))
    hello = _("Bonjour %(name)s,") % {"name": registration.first_name}
    texts = {
        "confirm_email": (
            _("Confirmez votre inscription : %(title)s"),
            _(
                "Pour confirmer votre inscription, ouvrez ce lien (il vous est personnel) :\n"
                "%(link)s\n\nSans confirmation, aucune place ne vous est attribuée. Si vous "
                "n'avez rien demandé, ignorez ce message : vos coordonnées ne seront pas "
                "utilisées."
            ),
        ),
        "confirmed": (
            _("Inscription confirmée : %(title)s"),
            _(
                "Votre place est réservée. Le fichier joint ajoute la rencontre à votre agenda."
                "\n\nPour annuler (votre place ira à la personne suivante sur la liste "
                "d'attente) : %(link)s"
            ),
        ),
        "waiting": (
            _("Liste d'attente : %(title)s"),
            _(
                "La rencontre est complète : vous êtes sur la liste d'attente. Dès qu'une place "
                "se libère, elle vous est attribuée et vous recevez un courriel.\n\n"
                "Pour vous retirer de la liste : %(link)s"
            ),
        ),
        "promoted": (
            _("Une place s'est libérée : %(title)s"),
            _(
                "Une place s'est libérée : elle est à vous. Le fichier joint ajoute la rencontre "
                "à votre agenda.\n\nSi vous ne pouvez plus venir, annulez ici : %(link)s"
            ),
        ),
        "reminder": (
            _("Rappel : %(title)s demain"),
            _("La rencontre a lieu demain. Pour annuler : %(link)s"),
        ),
        "feedback": (
            _("Votre avis sur : %(title)s"),
            _(
                "Merci d'être venu·e. Deux minutes pour nous dire ce que la rencontre vous a "
                "apporté et les sujets que vous voudriez la prochaine fois : %(link)s"
            ),
        ),
    }
    subject, body = texts[what]
    values = {"title": meeting.title, "link": link}
    return subject % values, f"{hello}\n\n{body % values}\n\n{_details(meeting)}\n"


@in_site_language()
def invitation(meeting, *, note: str = "") -> tuple[str, str]:
    subject = _("Invitation : %(title)s") % {"title": meeting.title}
    parts = [
        _("Bonjour,"),
        note.strip(),
        meeting.summary,
        _details(meeting),
        _("Inscription en deux clics depuis la page de la rencontre."),
    ]
    return subject, "\n\n".join(p for p in parts if p) + "\n"
