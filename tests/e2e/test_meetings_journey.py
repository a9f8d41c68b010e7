"""A member registers to a study day in a real browser; her confirmation carries the .ics; on
the day staff check her in from the phone-sized list and export the participant list."""

from pathlib import Path

import icalendar
import pytest
import tablib
from django.contrib.auth import get_user_model
from django.core import mail
from playwright.sync_api import expect

from icilabas.actors.models import Person
from icilabas.meetings.models import Registration
from icilabas.members.models import Membership, Role

from .. import factories as f
from .test_journeys import _log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_member_registers_staff_check_her_in_and_export_the_list(live_server, page):
    organisation = f.organisation(name="Ville de Bègles")
    meeting = f.meeting(title="Journée d’échanges de printemps", capacity=20)
    claire = get_user_model().objects.create_user(
        username="claire", password="claire-mots-2011", email="claire@example.org"
    )
    Membership.objects.create(user=claire, organisation=organisation, role=Role.EDITOR)
    person = f.person(first_name="Claire", last_name="Martin", email="claire@example.org")
    Person.all_objects.filter(pk=person.pk).update(account=claire)
    f.position(person=person, organisation=organisation, title="Conseillère municipale")
    get_user_model().objects.create_user(
        username="equipe", password="demo-equipe-2011", is_staff=True
    )

    _log_in(page, live_server.url, "claire", "claire-mots-2011")
    page.get_by_role("link", name="Rencontres").click()
    page.get_by_role("link", name="Journée d’échanges de printemps").click()
    page.get_by_role("link", name="S'inscrire").click()  # click one
    expect(page.get_by_label("Fonction")).to_have_value("Conseillère municipale")
    page.get_by_label("J'accepte que ces informations", exact=False).check()
    page.get_by_role("button", name="M’inscrire").click()  # click two
    expect(page.get_by_text("Vous êtes inscrit·e", exact=False)).to_be_visible()
    registration = Registration.objects.get()
    assert registration.status == Registration.Status.CONFIRMED
    assert registration.organisation_name == "Ville de Bègles"

    confirmation = next(m for m in mail.outbox if "Inscription confirmée" in m.subject)
    _name, content, _type = confirmation.attachments[0]
    event = icalendar.Calendar.from_ical(content).walk("VEVENT")[0]
    assert str(event["summary"]) == meeting.title
    assert event["dtstart"].params["TZID"] == "Europe/Paris"
    page.get_by_role("button", name="Se déconnecter").click()

    _log_in(page, live_server.url, "equipe", "demo-equipe-2011")
    page.set_viewport_size({"width": 390, "height": 844})  # a phone, on the day
    page.goto(live_server.url + meeting.get_absolute_url())
    page.get_by_role("link", name="Pointage").click()
    page.get_by_label("Nom ou organisation").fill("martin")
    page.get_by_label("Nom ou organisation").press("Enter")
    page.get_by_role("button", name="Pointer Claire Martin présent·e").click()
    expect(page.get_by_role("status")).to_contain_text("1 présent·es sur 1 inscrit·es")
    registration.refresh_from_db()
    assert registration.checked_in_at is not None

    page.goto(live_server.url + meeting.get_absolute_url())
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    rows = tablib.Dataset().load(text, format="csv")
    assert [(r[1], r[2], r[3], r[6]) for r in rows] == [
        ("Ville de Bègles", "Claire", "Martin", "oui")
    ]
