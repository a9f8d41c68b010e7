"""Merging two records of the same organisation keeps every link of both, and can be undone."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from icilabas.actors.models import Organisation
from icilabas.matching.services import merge_organisations, undo_organisation_merge
from icilabas.members.models import Membership

from . import factories as f
from .test_members import editor_of

pytestmark = pytest.mark.django_db


def links(organisation) -> dict:
    """Everything that points at the organisation, as comparable values."""
    return {
        "partnerships": sorted(organisation.partnerships.values_list("pk", flat=True)),
        "participations": sorted(organisation.participations.values_list("pk", "project", "role")),
        "positions": sorted(organisation.positions.values_list("pk", flat=True)),
        "cofinanced": sorted(organisation.cofinanced_lines.values_list("pk", flat=True)),
        "members": sorted(organisation.memberships.values_list("user", flat=True)),
    }


@pytest.fixture
def twins():
    kept = f.organisation(name="Ville de Martignas-sur-Jalle", description="")
    absorbed = f.organisation(
        name="Mairie de Martignas", siren="213302730", description="Commune de Gironde"
    )
    shared_project = f.project()
    f.participation(project=shared_project, organisation=kept, role="pilote")
    f.participation(project=shared_project, organisation=absorbed, role="pilote")  # conflict
    f.participation(organisation=absorbed, role="financeur")
    f.partnership(french_partners=[absorbed])
    f.partnership(french_partners=[kept, absorbed])
    f.position(organisation=absorbed)
    f.budget_line(cofinancer=absorbed)
    editor_of(absorbed)
    return kept, absorbed


def test_merge_moves_every_link_then_undo_puts_both_back(twins, staff_user):
    kept, absorbed = twins
    before = (links(kept), links(absorbed))
    merge = merge_organisations(kept=kept, absorbed=absorbed, user=staff_user)
    kept.refresh_from_db()
    assert (kept.siren, kept.description) == ("213302730", "Commune de Gironde")
    assert not Organisation.objects.filter(pk=absorbed.pk).exists()  # in the bin
    after = links(kept)
    assert len(after["partnerships"]) == 2
    assert len(after["participations"]) == 2  # the duplicate lead role went to the bin
    assert len(after["positions"]) == len(after["cofinanced"]) == len(after["members"]) == 1
    undo_organisation_merge(merge=merge, user=staff_user)
    kept.refresh_from_db()
    absorbed = Organisation.objects.get(pk=absorbed.pk)
    assert (kept.siren, kept.description) == ("", "")
    assert (links(kept), links(absorbed)) == before
    with pytest.raises(ValidationError):
        undo_organisation_merge(merge=merge, user=staff_user)


def test_only_staff_merge_and_never_an_organisation_with_itself(twins, staff_user):
    kept, absorbed = twins
    with pytest.raises(PermissionDenied):
        merge_organisations(kept=kept, absorbed=absorbed, user=editor_of(kept, username="x"))
    with pytest.raises(ValidationError):
        merge_organisations(kept=kept, absorbed=kept, user=staff_user)
    assert Organisation.objects.filter(pk=absorbed.pk).exists()


def test_staff_merge_from_the_page_and_undo_it(twins, staff_client):
    kept, absorbed = twins
    url = reverse("matching:organisation_merge", args=[kept.pk, absorbed.pk])
    page = staff_client.get(url).content.decode()
    assert "Mairie de Martignas" in page and "Ville de Martignas-sur-Jalle" in page
    response = staff_client.post(url, {"kept": kept.pk})
    assert response["Location"] == kept.get_absolute_url()
    detail = staff_client.get(kept.get_absolute_url()).content.decode()
    assert "Annuler la fusion" in detail
    merge = kept.merges.get()
    staff_client.post(reverse("matching:undo_organisation_merge", args=[merge.pk]))
    assert Organisation.objects.filter(pk=absorbed.pk).exists()
    assert Membership.objects.filter(organisation=absorbed).exists()


def test_the_merge_page_is_for_staff(twins, member_client):
    kept, absorbed = twins
    url = reverse("matching:organisation_merge", args=[kept.pk, absorbed.pk])
    assert member_client.post(url, {"kept": kept.pk}).status_code == 403
    assert Organisation.objects.filter(pk=absorbed.pk).exists()


# ---------------------------------------------------------------- partnerships


def test_partnership_merge_moves_projects_and_partners_then_undo_puts_both_back(staff_client):
    from icilabas.cooperation.models import Partnership

    authority = f.foreign_authority(name="Commune de Foundiougne", locality="Foundiougne")
    first, second = f.organisation(), f.organisation()
    kept = f.partnership(
        title="Martignas – Foundiougne", foreign_authority=authority, french_partners=[first]
    )
    absorbed = f.partnership(
        title="Jumelage Martignas Foundiougne",
        foreign_authority=authority,
        french_partners=[first, second],
        first_convention_year=2005,
    )
    project = f.project(partnership=absorbed)
    commitment = f.commitment(partnership=absorbed)
    page = staff_client.get(kept.get_absolute_url()).content.decode()
    assert "Doublons possibles" in page and "Jumelage Martignas Foundiougne" in page
    url = reverse("matching:partnership_merge", args=[kept.pk, absorbed.pk])
    assert staff_client.post(url, {"kept": kept.pk})["Location"] == kept.get_absolute_url()
    kept.refresh_from_db()
    assert set(kept.french_partners.all()) == {first, second}
    assert kept.first_convention_year == 2005
    assert list(kept.projects.all()) == [project] and list(kept.commitments.all()) == [commitment]
    assert not Partnership.objects.filter(pk=absorbed.pk).exists()
    merge = kept.merges.get()
    staff_client.post(reverse("matching:undo_partnership_merge", args=[merge.pk]))
    kept.refresh_from_db()
    absorbed = Partnership.objects.get(pk=absorbed.pk)
    assert set(kept.french_partners.all()) == {first}
    assert kept.first_convention_year is None
    assert list(absorbed.projects.all()) == [project]
    assert list(absorbed.commitments.all()) == [commitment]
