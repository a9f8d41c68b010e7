"""Conventions that live: an end derived from their length, a list and an e-mail before they
end, commitments with a state and a date, side by side."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from icilabas.cooperation.models import Commitment, Partnership
from icilabas.cooperation.tasks import announce_conventions_ending
from icilabas.core.services import create_record, update_record

from . import factories as f
from .test_members import editor_of

pytestmark = pytest.mark.django_db


def test_the_end_follows_from_the_signature_and_the_length(staff_user):
    partnership = f.partnership()
    update_record(
        partnership, user=staff_user, data={"signed_on": date(2020, 3, 15), "duration_years": 3}
    )
    assert Partnership.objects.get(pk=partnership.pk).end_on == date(2023, 3, 14)
    # A stated end is kept.
    update_record(partnership, user=staff_user, data={"end_on": date(2024, 12, 31)})
    assert Partnership.objects.get(pk=partnership.pk).end_on == date(2024, 12, 31)
    leap = f.partnership()
    update_record(leap, user=staff_user, data={"signed_on": date(2020, 2, 29), "duration_years": 1})
    assert Partnership.objects.get(pk=leap.pk).end_on == date(2021, 2, 28)


def _ending_in(days: int, **extra) -> Partnership:
    today = timezone.localdate()
    pessac = f.organisation(name=f"Ville {days}", email=f"ville{days}@example.org")
    return f.partnership(
        title=f"Convention {days}",
        french_partners=[pessac],
        signed_on=today - timedelta(days=700),
        end_on=today + timedelta(days=days),
        **extra,
    )


def test_conventions_ending_within_90_days_are_listed_soonest_first(staff_client):
    for days in (120, 30, 89):
        _ending_in(days)
    _ending_in(10, status="termine")
    page = staff_client.get(reverse("cooperation:conventions_ending")).content.decode()
    assert page.index("Convention 30") < page.index("Convention 89")
    assert "Convention 120" not in page and "Convention 10" not in page


def test_the_list_is_for_editors(client):
    response = client.get(reverse("cooperation:conventions_ending"))
    assert response.status_code in (302, 403)


def test_partners_are_told_once_by_email_and_again_if_the_end_moves(
    staff_user, django_capture_on_commit_callbacks
):
    convention = _ending_in(60)
    _ending_in(200)
    with django_capture_on_commit_callbacks(execute=True):
        assert announce_conventions_ending.call() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ville60@example.org"]
    assert "Convention 60" in mail.outbox[0].subject
    with django_capture_on_commit_callbacks(execute=True):
        assert announce_conventions_ending.call() == 0
    assert len(mail.outbox) == 1
    later = timezone.localdate() + timedelta(days=80)
    update_record(convention, user=staff_user, data={"end_on": later})
    Partnership.objects.filter(pk=convention.pk).update(
        end_notice_sent_on=timezone.localdate() - timedelta(days=100)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert announce_conventions_ending.call() == 1
    assert len(mail.outbox) == 2


def test_commitments_show_their_state_and_date_side_by_side(client, staff_user):
    partnership = f.partnership()
    for side, text, status in [
        ("ici", "Accueillir deux stagiaires", "tenu"),
        ("ici", "Former les agents", "en_cours"),
        ("la_bas", "Mettre un local à disposition", "non_tenu"),
    ]:
        create_record(
            Commitment,
            user=staff_user,
            data={
                "partnership": partnership,
                "side": side,
                "text": text,
                "status": status,
                "due_on": date(2025, 6, 1),
            },
        )
    body = client.get(partnership.get_absolute_url()).content.decode()
    assert "Ici : 1 tenu(s) sur 2" in body and "là-bas : 0 tenu(s) sur 1" in body
    assert "Non tenu" in body and "échéance 1er juin 2025" in body


def _new_partnership(client, organisation, **extra):
    return client.post(
        reverse("cooperation:partnership_create"),
        {
            "title": "Pessac – Banfora",
            "french_partners": [organisation.pk],
            "foreign_authority": f.foreign_authority().pk,
            "status": "en_cours",
            **extra,
        },
    )


def test_each_sides_commitments_are_asked_for_when_the_partnership_is_created(client):
    pessac = f.organisation(name="Ville de Pessac")
    client.force_login(editor_of(pessac))
    form = client.get(reverse("cooperation:partnership_create")).content.decode()
    assert 'name="commitments_here"' in form and 'name="commitments_there"' in form
    response = _new_partnership(
        client,
        pessac,
        commitments_here="- Accueillir deux techniciens par an\n\n• Financer le forage\n",
        commitments_there="Mettre un local à disposition",
    )
    assert response.status_code == 302
    partnership = Partnership.objects.get(title="Pessac – Banfora")
    assert [
        (c.side, c.order, c.text, c.status)
        for c in partnership.commitments.order_by("side", "order")
    ] == [
        ("ici", 1, "Accueillir deux techniciens par an", "prevu"),
        ("ici", 2, "Financer le forage", "prevu"),
        ("la_bas", 3, "Mettre un local à disposition", "prevu"),
    ]
    assert partnership.commitments.first().history.count() == 1  # each recorded, revertible
    edit = client.get(reverse("cooperation:partnership_update", args=[partnership.pk]))
    assert 'name="commitments_here"' not in edit.content.decode()  # then, one by one


def test_too_many_commitments_at_once_are_refused_on_their_field_and_nothing_is_saved(client):
    pessac = f.organisation(name="Ville de Pessac")
    client.force_login(editor_of(pessac))
    response = _new_partnership(
        client, pessac, commitments_there="\n".join(f"Engagement {n}" for n in range(31))
    )
    assert response.status_code == 200
    assert "Au plus 30 engagements par côté" in response.content.decode()
    assert 'id="id_commitments_there_error"' in response.content.decode()
    assert not Partnership.objects.filter(title="Pessac – Banfora").exists()
    assert not Commitment.objects.exists()
