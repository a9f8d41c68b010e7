"""The network's meetings: times in their time zone, registration in two clicks, seats and the
waiting list, visitors' confirmation, check-in, the participant list, reminders, feedback,
calendars. Bad input gets a message and leaves the seat counts right."""

import threading
from datetime import UTC, timedelta

import icalendar
import pytest
import tablib
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from icilabas.actors.models import Person
from icilabas.core.services import create_record, update_record
from icilabas.demo.loader import system_user
from icilabas.meetings import services, tasks
from icilabas.meetings.models import Meeting, Registration
from icilabas.members.models import Membership, Role

from . import factories as f

pytestmark = pytest.mark.django_db
Status = Registration.Status


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed():` runs what waits for the commit (e-mails and tasks queued)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def member(username="claire", organisation=None, title="Chargée de mission"):
    """A member whose account is linked to her person, with a current position."""
    user = get_user_model().objects.create_user(
        username=username, password="x-long-enough-1", email=f"{username}@example.org"
    )
    organisation = organisation or f.organisation()
    Membership.objects.create(user=user, organisation=organisation, role=Role.EDITOR)
    person = f.person(first_name="Claire", last_name="Martin", email=f"{username}@example.org")
    Person.all_objects.filter(pk=person.pk).update(account=user)
    f.position(person=person, organisation=organisation, title=title)
    return user


def register(meeting, user, **extra):
    values = services.prefill(user=user)
    return services.register(
        meeting=meeting,
        user=user,
        first_name=values["first_name"],
        last_name=values["last_name"],
        email=values["email"],
        organisation=values.get("organisation"),
        role=values.get("role", ""),
        consent=True,
        **extra,
    )


# ---------------------------------------------------------------- meetings and their times


def test_staff_type_times_in_the_meeting_s_zone_and_they_are_kept_as_such(staff_client):
    response = staff_client.post(
        reverse("meetings:meeting_create"),
        {
            "title": "La coopération décentralisée : un atout pour les territoires",
            "kind": "journee",
            "starts_at": "2031-02-10T10:00",
            "ends_at": "2031-02-10T16:30",
            "time_zone": "Europe/Paris",
            "venue": "Maison des Suds",
            "postal_code": "33600",
            "city": "Pessac",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    meeting = Meeting.objects.get()
    assert meeting.starts_at.astimezone(meeting.zone).hour == 10
    assert meeting.starts_at.utcoffset() is not None
    assert meeting.starts_at.astimezone(UTC).hour == 9  # winter time in Paris
    assert meeting.departement == "33" and meeting.latitude is not None  # placed from the commune
    online = staff_client.post(
        reverse("meetings:meeting_create"),
        {
            "title": "Visio avec Dakar",
            "kind": "groupe",
            "starts_at": "2031-02-10T10:00",
            "ends_at": "2031-02-10T11:00",
            "time_zone": "Africa/Dakar",
            "online_url": "https://visio.example.org/salle",
        },
    )
    assert online.status_code == 302
    dakar = Meeting.objects.get(title="Visio avec Dakar")
    assert dakar.starts_at.astimezone(UTC).hour == 10  # Dakar is on UTC


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"time_zone": "Europe/Pessac"}, "time_zone", "Fuseau horaire inconnu"),
        ({"ends_at": "2031-02-10T09:00"}, "ends_at", "postérieure à la date de début"),
        (
            {
                "registration_opens_at": "2031-02-01T00:00",
                "registration_closes_at": "2031-01-01T00:00",
            },
            "registration_closes_at",
            "postérieure à la date de début",
        ),
    ],
)
def test_a_bad_meeting_form_names_the_field_and_saves_nothing(staff_client, change, field, message):
    data = {
        "title": "Journée",
        "kind": "journee",
        "starts_at": "2031-02-10T10:00",
        "ends_at": "2031-02-10T16:30",
        "time_zone": "Europe/Paris",
        **change,
    }
    response = staff_client.post(reverse("meetings:meeting_create"), data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not Meeting.all_objects.exists()


# ---------------------------------------------------------------- registering


def test_a_member_registers_in_two_clicks_with_her_organisation_and_role(client, committed):
    meeting = f.meeting(capacity=30, questions="Régime alimentaire")
    user = member(organisation=f.organisation(name="Ville de Bègles"))
    client.force_login(user)
    form = client.get(reverse("meetings:register", args=[meeting.pk]))
    page = form.content.decode()
    assert 'value="Claire"' in page and "Chargée de mission" in page  # pre-filled
    initial = form.context["form"].initial
    with committed():
        response = client.post(
            reverse("meetings:register", args=[meeting.pk]),
            {
                "first_name": initial["first_name"],
                "last_name": initial["last_name"],
                "email": initial["email"],
                "organisation": initial["organisation"].pk,
                "role": initial["role"],
                "question_0": "Végétarien",
                "consent": "on",
            },
        )
    registration = Registration.objects.get()
    assert response.status_code == 302 and response["Location"] == registration.get_absolute_url()
    assert registration.status == Status.CONFIRMED
    assert (registration.organisation_name, registration.organisation_kind, registration.role) == (
        "Ville de Bègles",
        "commune",
        "Chargée de mission",
    )
    assert registration.answers == {"Régime alimentaire": "Végétarien"}
    assert registration.consent_at is not None
    # She changes jobs: the registration keeps what she was then.
    user.person.positions.update(title="Directrice")
    registration.refresh_from_db()
    assert registration.role == "Chargée de mission"
    # The confirmation carries the meeting's calendar file, in Paris time.
    sent = mail.outbox[-1]
    assert sent.to == ["claire@example.org"] and "Inscription confirmée" in sent.subject
    name, content, mimetype = sent.attachments[0]
    assert name.endswith(".ics") and mimetype == "text/calendar"
    event = icalendar.Calendar.from_ical(content).walk("VEVENT")[0]
    start = event.decoded("dtstart")
    assert str(start.tzinfo) == "Europe/Paris" and start.hour == 10
    assert event["dtstart"].params["TZID"] == "Europe/Paris"
    assert icalendar.Calendar.from_ical(content).walk("VTIMEZONE")


def test_registering_twice_after_closing_or_before_opening_is_refused():
    meeting = f.meeting()
    user = member()
    register(meeting, user)
    with pytest.raises(ValidationError, match="déjà inscrite"):
        register(meeting, user)
    closed = f.meeting(registration_closes_at=timezone.now() - timedelta(hours=1))
    with pytest.raises(ValidationError, match="closes"):
        register(closed, user)
    later = f.meeting(registration_opens_at=timezone.now() + timedelta(days=2))
    with pytest.raises(ValidationError, match="ouvrent le"):
        register(later, user)
    past = f.meeting(starts_at=f.in_days(-2, 10), ends_at=f.in_days(-2, 16))
    with pytest.raises(ValidationError, match="closes"):
        register(past, user)
    assert Registration.objects.count() == 1


def test_when_full_she_waits_and_a_cancellation_promotes_the_first_waiting_only(committed):
    meeting = f.meeting(capacity=1)
    first, second, third = (member(f"m{n}") for n in range(3))
    with committed():
        a = register(meeting, first)
        b = register(meeting, second)
        c = register(meeting, third)
    assert [a.status, b.status, c.status] == [Status.CONFIRMED, Status.WAITING, Status.WAITING]
    assert "Liste d'attente" in mail.outbox[-1].subject
    with committed():
        services.cancel(registration=a)
    b.refresh_from_db()
    c.refresh_from_db()
    assert (b.status, c.status) == (Status.CONFIRMED, Status.WAITING)
    promoted = [m for m in mail.outbox if "Une place s'est libérée" in m.subject]
    assert [m.to for m in promoted] == [["m1@example.org"]] and promoted[0].attachments
    services.cancel(registration=c)  # a waiting person leaving frees no seat
    assert meeting.registrations.filter(status=Status.CONFIRMED).count() == 1


def test_capacity_lowered_below_the_seats_taken_is_refused_and_raised_promotes(staff_user):
    meeting = f.meeting(capacity=2)
    people = [register(meeting, member(f"p{n}")) for n in range(4)]
    assert [p.status for p in people].count(Status.CONFIRMED) == 2
    with pytest.raises(ValidationError) as error:
        services.MeetingServices.update(meeting, user=staff_user, data={"capacity": 1})
    assert "2 personnes ont déjà une place" in str(error.value)
    assert Meeting.objects.get(pk=meeting.pk).capacity == 2
    services.MeetingServices.update(meeting, user=staff_user, data={"capacity": 3})
    statuses = [Registration.objects.get(pk=p.pk).status for p in people]
    assert statuses == [Status.CONFIRMED] * 3 + [Status.WAITING]


def test_a_visitor_confirms_her_address_before_getting_a_seat(client, committed):
    meeting = f.meeting(kind="festisol", capacity=10)
    form = {
        "first_name": "Awa",
        "last_name": "Diop",
        "email": "awa@example.org",
        "organisation_name": "Association Kaolack Solidarité",
        "consent": "on",
        "listed_publicly": "on",
    }
    with committed():
        response = client.post(reverse("meetings:register", args=[meeting.pk]), form)
    registration = Registration.objects.get()
    assert response.status_code == 302
    assert registration.status == Status.AWAITING and registration.user is None
    assert "Confirmez votre inscription" in mail.outbox[-1].subject
    assert registration.get_absolute_url() in mail.outbox[-1].body
    page = client.get(registration.get_absolute_url())  # a mail scanner's visit changes nothing
    assert page.status_code == 200
    registration.refresh_from_db()
    assert registration.status == Status.AWAITING
    client.post(registration.get_absolute_url(), {"action": "confirm"})
    registration.refresh_from_db()
    assert registration.status == Status.CONFIRMED
    client.post(registration.get_absolute_url(), {"action": "confirm"})  # replayed: no change
    assert meeting.registrations.filter(status=Status.CONFIRMED).count() == 1
    forged = reverse("meetings:registration", args=["x" * 43])
    assert client.post(forged, {"action": "confirm"}).status_code == 404
    detail = client.get(meeting.get_absolute_url()).content.decode()
    assert "Awa Diop" in detail  # she agreed to be listed


def test_a_visitor_may_not_register_to_a_members_meeting_nor_without_consent(client):
    meeting = f.meeting(kind="journee")
    url = reverse("meetings:register", args=[meeting.pk])
    response = client.post(url, {"first_name": "X", "last_name": "Y", "email": "x@example.org"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    public = f.meeting(kind="ssi")
    refused = client.post(
        reverse("meetings:register", args=[public.pk]),
        {"first_name": "X", "last_name": "Y", "email": "x@example.org"},
    )
    assert refused.status_code == 200 and "consent" in refused.context["form"].errors
    assert not Registration.objects.exists()


def test_robots_and_floods_of_anonymous_registrations_are_stopped(client):
    meeting = f.meeting(kind="public")
    url = reverse("meetings:register", args=[meeting.pk])
    base = {"first_name": "Bot", "last_name": "Net", "consent": "on"}
    trapped = client.post(url, {**base, "email": "bot@example.org", "website": "http://spam"})
    assert trapped.status_code == 302 and not Registration.objects.exists()
    statuses = [
        client.post(url, {**base, "email": f"n{n}@example.org"}).status_code for n in range(12)
    ]
    assert statuses[:10] == [302] * 10 and statuses[10:] == [429, 429]
    assert Registration.objects.count() == 10


# ---------------------------------------------------------------- on the day and after


def test_staff_check_people_in_and_only_staff(client, staff_user):
    meeting = f.meeting()
    registration = register(meeting, member())
    url = reverse("meetings:check_in", args=[meeting.pk])
    client.force_login(get_user_model().objects.get(username="claire"))
    assert client.post(url, {"registration": registration.pk, "present": "1"}).status_code == 403
    client.force_login(staff_user)
    page = client.get(url, {"q": "mart"}).content.decode()
    assert "MARTIN Claire" in page and "0 présent·es sur 1 inscrit·es" in page
    client.post(url, {"registration": registration.pk, "present": "1"})
    registration.refresh_from_db()
    assert registration.checked_in_at is not None
    assert "1 présent·es sur 1 inscrit·es" in client.get(url).content.decode()
    client.post(url, {"registration": registration.pk, "present": "0"})  # a mistake undone
    registration.refresh_from_db()
    assert registration.checked_in_at is None


def _annexe_2_meeting():
    meeting = f.meeting(title="Journée du 10 février")
    people = [
        ("Michel", "Bastida", "Ville de Martignas-sur-Jalle", "commune", "Conseiller municipal"),
        ("Béatrice", "Renaud", "PNR des Landes de Gascogne", "pnr_pays", "Chargée de mission"),
        (
            "Philippe-Henri",
            "Ledru",
            "Conseil général de la Gironde",
            "departement",
            "Chef de service",
        ),
        ("Christophe", "Peyron", "Conseil régional d'Aquitaine", "region", "Chargé de mission"),
    ]
    for first, last, name, kind, role in people:
        organisation = f.organisation(name=name, kind=kind)
        Registration.objects.create(
            meeting=meeting,
            first_name=first,
            last_name=last,
            email=f"{last.lower()}@example.org",
            organisation=organisation,
            organisation_name=name,
            organisation_kind=kind,
            role=role,
            status=Status.CONFIRMED,
        )
    Registration.objects.create(
        meeting=meeting,
        first_name="Laure",
        last_name="Feret",
        email="feret@example.org",
        organisation_name="Conseil général de l'Essonne",
        role="Présidente de l'ARRICOD",
        attending_as=Registration.Attending.SPEAKER,
        status=Status.CONFIRMED,
    )
    return meeting


def test_the_participant_list_pdf_is_grouped_like_the_seed_s_annexe_2(staff_client, committed):
    meeting = _annexe_2_meeting()
    url = reverse("meetings:participants_pdf", args=[meeting.pk])
    with committed():  # the worker's turn comes once the page has answered
        first = staff_client.get(url)
    assert first.status_code == 202 and "en préparation" in first.content.decode()
    status = staff_client.get(url, {"etat": "1"}).content.decode()
    assert "Télécharger : Liste des participants (PDF)" in status
    response = staff_client.get(url)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    pdf = b"".join(response.streaming_content)
    text = " ".join(page.extract_text() for page in PdfReader(__import__("io").BytesIO(pdf)).pages)
    order = [
        "Intervenant·es invité·es",
        "Laure Feret",
        "Communes",
        "Michel Bastida",
        "Intercommunalités / Pays",
        "Conseils départementaux",
        "Conseil régional",
        "Christophe Peyron",
    ]
    positions = [text.find(item) for item in order]
    assert -1 not in positions, (order, text[:500])
    assert positions == sorted(positions)


def test_the_participant_list_exports_to_spreadsheets_and_only_for_staff(staff_client):
    meeting = _annexe_2_meeting()
    url = reverse("meetings:participants_export", args=[meeting.pk, "csv"])
    assert Client().get(url).status_code == 302  # a visitor goes to the login page
    rows = tablib.Dataset().load(
        staff_client.get(url).content.decode().lstrip("\ufeff"), format="csv"
    )
    assert rows.headers[:3] == ["Groupe", "Organisation", "Prénom"]
    assert ("Communes", "Ville de Martignas-sur-Jalle", "Michel") in [tuple(r[:3]) for r in rows]


def test_reminders_go_once_the_day_before_and_again_after_a_new_date(staff_user, committed):
    soon = timezone.now() + timedelta(hours=20)
    meeting = f.meeting(starts_at=soon, ends_at=soon + timedelta(hours=6))
    registration = register(meeting, member())
    far = f.meeting()
    register(far, member("autre"))
    mail.outbox.clear()
    with committed():
        assert tasks.send_reminders.call() == 1
        assert tasks.send_reminders.call() == 0
    assert [m.to for m in mail.outbox] == [[registration.email]]
    assert "Rappel" in mail.outbox[0].subject
    services.MeetingServices.update(
        meeting,
        user=staff_user,
        data={"starts_at": soon + timedelta(hours=2), "ends_at": soon + timedelta(hours=8)},
    )
    assert tasks.send_reminders.call() == 1  # the new time is announced again


def test_after_the_meeting_participants_give_their_opinion_and_staff_see_figures(
    staff_client, committed
):
    client = Client()
    meeting = f.meeting()
    registrations = [register(meeting, member(f"avis{n}")) for n in range(3)]
    with pytest.raises(ValidationError, match="après la rencontre"):
        services.record_feedback(registration=registrations[0], usefulness=5)
    Meeting.all_objects.filter(pk=meeting.pk).update(
        starts_at=f.in_days(-1, 10), ends_at=f.in_days(-1, 16)
    )
    mail.outbox.clear()
    with committed():
        assert tasks.ask_feedback.call() == 3
    assert "Votre avis" in mail.outbox[0].subject
    for registration, score in zip(registrations[:2], (4, 5), strict=True):
        response = client.post(
            registration.get_absolute_url(),
            {"action": "feedback", "usefulness": score, "topics_wanted": "Mobiliser les élus"},
        )
        assert response.status_code == 302
    refused = client.post(
        registrations[2].get_absolute_url(), {"action": "feedback", "usefulness": 9}
    )
    assert refused.status_code == 200  # the form says what is wrong
    page = staff_client.get(reverse("meetings:feedback", args=[meeting.pk])).content.decode()
    assert "2 réponses sur 3 inscrit·es" in page and "4,5 / 5" in page
    assert "Mobiliser les élus" in page and "<svg" in page


# ---------------------------------------------------------------- calendars and groups


def test_calendar_feeds_by_working_group_and_territory_parse_with_their_time_zone(client):
    group = f.working_group(name="Petites communes")
    in_group = f.meeting(title="Groupe petites communes", kind="groupe", working_group=group)
    f.meeting(title="Ailleurs", city="Lille", postal_code="59000")
    feed = client.get(reverse("meetings:calendar_feed"), {"groupe": group.pk})
    assert feed["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(feed.content)
    assert [str(e["summary"]) for e in calendar.walk("VEVENT")] == [in_group.title]
    by_territory = icalendar.Calendar.from_ical(
        client.get(reverse("meetings:calendar_feed"), {"departement": "59"}).content
    )
    assert [str(e["summary"]) for e in by_territory.walk("VEVENT")] == ["Ailleurs"]
    assert client.get(reverse("meetings:calendar_feed"), {"groupe": "x"}).status_code == 404


def test_open_actions_are_carried_into_the_group_s_next_meeting_until_done(client, staff_user):
    group = f.working_group(name="Mobiliser les élus")
    first = f.meeting(
        title="Première",
        kind="groupe",
        working_group=group,
        starts_at=f.in_days(-30, 10),
        ends_at=f.in_days(-30, 12),
    )
    action = f.follow_up_action(meeting=first, working_group=group, what="Rédiger un argumentaire")
    following = f.meeting(title="Suivante", kind="groupe", working_group=group)
    page = client.get(following.get_absolute_url()).content.decode()
    assert "Suivi des décisions précédentes" in page and "Rédiger un argumentaire" in page
    assert "Rédiger un argumentaire" in client.get(group.get_absolute_url()).content.decode()
    update_record(action, user=staff_user, data={"status": "fait"})
    action.refresh_from_db()
    assert action.progress == 100
    assert (
        "Rédiger un argumentaire" not in client.get(following.get_absolute_url()).content.decode()
    )


def test_minutes_explain_the_glossary_s_terms_and_are_searchable(client):
    from icilabas.core import search

    f.term(name="Réciprocité", definition="Chacun apporte et reçoit.")
    meeting = f.meeting()
    section = f.minutes_section(
        meeting=meeting, title="Les fondements", text="La réciprocité semble constituer un socle."
    )
    create_record(
        section.quotes.model,
        user=system_user(),
        data={
            "section": section,
            "speaker_name": "Michel Bastida",
            "text": "Les petites collectivités ont besoin des associations.",
        },
    )
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert 'class="glossary-term"' in page and "Michel Bastida" in page
    assert meeting.pk in [
        h.object_id for h in search.search("petites collectivités", kinds=["meeting"])
    ]


def test_meeting_pages_do_not_query_per_session_section_or_action(
    client, django_assert_max_num_queries
):
    def page_queries(meeting) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(meeting.get_absolute_url()).status_code == 200
        return len(queries)

    client.force_login(get_user_model().objects.create_user(username="lectrice"))  # no page store
    meeting = f.meeting()
    for n in range(2):
        f.session(meeting=meeting, title=f"Séquence {n}", speakers=[f.person()])
        f.minutes_section(meeting=meeting, title=f"Partie {n}")
        f.follow_up_action(meeting=meeting, what=f"Action {n}")
    page_queries(meeting)  # the glossary's adopted terms, read once
    few = page_queries(meeting)
    for n in range(2, 8):
        f.session(meeting=meeting, title=f"Séquence {n}", speakers=[f.person()])
        f.minutes_section(meeting=meeting, title=f"Partie {n}")
        f.follow_up_action(meeting=meeting, what=f"Action {n}")
    assert page_queries(meeting) == few
    listing = reverse("meetings:meeting_list")
    client.get(listing)
    with django_assert_max_num_queries(few + 5):
        client.get(listing + "?sort=title")


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="two sessions writing at once: PostgreSQL's case"
)
def test_two_members_racing_for_the_last_seat_one_gets_it(reference_data):
    meeting = f.meeting(capacity=2)
    register(meeting, member("deja"))
    racers = [member(f"course{n}") for n in range(2)]
    start = threading.Barrier(2)
    outcome = []

    def race(user):
        start.wait()
        try:
            outcome.append(register(Meeting.objects.get(pk=meeting.pk), user).status)
        finally:
            connection.close()  # the thread's own connection

    threads = [threading.Thread(target=race, args=(user,)) for user in racers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcome) == sorted([Status.CONFIRMED, Status.WAITING])
    assert meeting.registrations.filter(status=Status.CONFIRMED).count() == 2


def test_a_term_adopted_at_a_meeting_links_both_ways(client, staff_user):
    meeting = f.meeting(title="Groupe de travail du glossaire", kind="groupe")
    term = f.term(name="Codéveloppement", status="debat")
    update_record(term, user=staff_user, data={"status": "adopte", "adopted_at": meeting})
    term_page = client.get(term.get_absolute_url()).content.decode()
    assert f'href="{meeting.get_absolute_url()}"' in term_page
    meeting_page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Termes du glossaire adoptés" in meeting_page and "Codéveloppement" in meeting_page
