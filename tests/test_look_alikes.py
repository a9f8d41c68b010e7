"""The live look-alike check of the project form, and the decisions it remembers."""

import pytest
from django.test import Client
from django.urls import reverse

from icilabas.cooperation.models import Partnership, Project
from icilabas.core import search
from icilabas.demo.loader import load_demo_world
from icilabas.matching.models import MatchDecision
from icilabas.matching.records import Record
from icilabas.matching.selectors import look_alikes

from . import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    load_demo_world()
    return Partnership.objects.get(title="Martignas-sur-Jalle – Foundiougne")


def test_title_words_find_projects_through_the_index(demo):
    college = Project.objects.get(title__startswith="Reconstruction du collège")
    assert college.pk in search.objects_with_title_words(
        "le collège de Foundiougne rénové", kind="project"
    )
    # One shared common word is not enough to be a look-alike candidate.
    assert college.pk not in search.objects_with_title_words("le collège de Kolda", kind="project")
    assert search.objects_with_title_words("de la", kind="project") == []


def test_a_new_project_typed_again_finds_the_existing_one_with_reasons(demo):
    typed = Record(
        id="new",
        title="Reconstruction du collège de Foundiougne",
        french_authority="Ville de Martignas-sur-Jalle",
        partner_locality="Foundiougne",
        partner_country="SN",
    )
    found = look_alikes(typed)
    assert found[0].project.title.startswith("Reconstruction du collège de Foundiougne")
    assert found[0].percent >= 60
    assert "même localité partenaire : Foundiougne" in found[0].judgement.reasons


def test_unrelated_project_finds_nothing(demo):
    typed = Record(
        id="new",
        title="Festival de musique à Nantes",
        partner_locality="Nantes",
        partner_country="FR",
    )
    assert look_alikes(typed) == []


def test_check_view_for_staff_only(demo, staff_client, member_user):
    url = reverse("matching:project_check")
    data = {"title": "Reconstruction du collège de Foundiougne", "partnership": demo.pk}
    body = staff_client.post(url, data).content.decode()
    assert "Ce projet existe peut-être déjà" in body
    assert "même localité partenaire : Foundiougne" in body
    member = Client()
    member.force_login(member_user)
    assert member.post(url, data).status_code == 403


@pytest.mark.parametrize(
    "typed",
    [
        pytest.param({}, id="title-alone"),
        pytest.param({"country": "SN"}, id="title-and-country"),
        pytest.param({"country": "SN", "start_on": "2007-07-01"}, id="title-country-year"),
    ],
)
def test_the_check_warns_before_any_partnership_is_chosen(demo, staff_client, typed):
    """A new user types a near-identical title (in capitals, one word off), maybe the country:
    the existing project is shown, before she picks a partnership."""
    url = reverse("matching:project_check")
    data = {"title": "RECONSTRUCTION DU COLLEGE DE FOUNDIOUGNE", **typed}
    body = staff_client.post(url, data).content.decode()
    assert "Ce projet existe peut-être déjà" in body
    assert "Reconstruction du collège de Foundiougne" in body
    assert "titres proches à" in body


def test_a_title_typed_for_another_country_is_not_flagged(demo, staff_client):
    url = reverse("matching:project_check")
    data = {"title": "Reconstruction du collège de Foundiougne", "country": "ML"}
    body = staff_client.post(url, data).content.decode()
    assert "Ce projet existe peut-être déjà" not in body


def test_check_view_speaks_english_on_request(demo, staff_client):
    staff_client.cookies["django_language"] = "en"
    url = reverse("matching:project_check")
    data = {"title": "Reconstruction du collège de Foundiougne", "partnership": demo.pk}
    body = staff_client.post(url, data).content.decode()
    assert "This project may already exist" in body
    assert "same partner locality: Foundiougne" in body
    assert "même localité" not in body


def test_check_view_tolerates_odd_input(demo, staff_client):
    url = reverse("matching:project_check")
    for data in [
        {},
        {"title": "x"},
        {"title": "Eau", "partnership": "abc", "start_on": "2020-13"},
        {"title": "a" * 10_000, "check_project": "999999"},
    ]:
        assert staff_client.post(url, data).status_code == 200


def test_different_decision_is_stored_and_the_pair_never_shown_again(demo, staff_client):
    college = Project.objects.get(title__startswith="Reconstruction du collège")
    response = staff_client.post(
        reverse("cooperation:project_create"),
        {
            "title": "Reconstruction du collège de Foundiougne, seconde tranche",
            "partnership": demo.pk,
            "status": "en_cours",
            "not_duplicate_of": [college.pk],
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    new = Project.objects.get(title__endswith="seconde tranche")
    decision = MatchDecision.objects.get()
    assert {decision.project_a, decision.project_b} == {new, college}
    assert decision.decision == "different"
    body = staff_client.post(
        reverse("matching:project_check"),
        {
            "title": new.title,
            "partnership": demo.pk,
            "check_project": new.pk,
        },
    ).content.decode()
    assert college.get_absolute_url() not in body


def test_related_decision_is_stored_as_a_synergy(demo, staff_client):
    college = Project.objects.get(title__startswith="Reconstruction du collège")
    staff_client.post(
        reverse("cooperation:project_create"),
        {
            "title": "Bibliothèque du collège de Foundiougne",
            "partnership": demo.pk,
            "status": "en_cours",
            "related_to": [college.pk],
        },
    )
    assert MatchDecision.objects.get().decision == "related"


def _college_typed_again(demo):
    """The demo's college project, and the same project typed again without accents."""
    from icilabas.core.services import create_record
    from icilabas.demo.loader import system_user

    college = Project.objects.get(title__startswith="Reconstruction du collège")
    twin = create_record(
        Project,
        user=system_user(),
        data={
            "title": "Reconstruction du college de Foundiougne par un chantier de jeune",
            "partnership": demo,
            "status": "termine",
            "start_on": college.start_on,
            "summary": college.summary,
            "primary_theme": college.primary_theme,
        },
    )
    return college, twin


def test_registry_scan_fills_the_review_queue_and_decisions_empty_it(demo, staff_client):
    from django.core.management import call_command

    from icilabas.matching.models import DuplicateCandidate

    college, twin = _college_typed_again(demo)
    call_command("dedup", "registry")
    candidate = DuplicateCandidate.objects.get()
    assert {candidate.project_a, candidate.project_b} == {college, twin}
    page = staff_client.get(reverse("matching:review")).content.decode()
    assert "même localité partenaire : Foundiougne" in page
    staff_client.post(reverse("matching:decide", args=[candidate.pk]), {"decision": "related"})
    assert not DuplicateCandidate.objects.exists()
    assert MatchDecision.objects.get().decision == "related"
    call_command("dedup", "registry")  # a decided pair is not queued again
    assert not DuplicateCandidate.objects.exists()


def test_a_project_deleted_while_the_registry_is_scanned_is_not_queued(demo):
    """The scan reads outside any transaction: a project deleted after it was read (here by
    the progress callback, between two chunks) is left out of the queue, not a broken row."""
    from icilabas.core.services import soft_delete_record
    from icilabas.demo.loader import system_user
    from icilabas.matching import services
    from icilabas.matching.models import DuplicateCandidate

    _college, twin = _college_typed_again(demo)
    services.scan_registry()
    assert DuplicateCandidate.objects.filter(project_b=twin).exists()

    def delete_the_twin(done, total, step):
        if step == "lecture" and Project.objects.filter(pk=twin.pk).exists():
            soft_delete_record(twin, user=system_user())

    result = services.scan_registry(progress=delete_the_twin)
    assert result["queued"] == DuplicateCandidate.objects.count()
    assert not DuplicateCandidate.objects.filter(project_b=twin).exists()


def test_the_review_queue_flags_weak_bridges(demo, staff_client):
    from icilabas.matching.models import DuplicateCandidate

    first, second, third = Project.objects.order_by("pk")[:3]
    DuplicateCandidate.objects.create(
        project_a=first, project_b=second, probability=0.95, cluster=1
    )
    DuplicateCandidate.objects.create(
        project_a=second, project_b=third, probability=0.6, weak_bridge=True
    )
    page = staff_client.get(reverse("matching:review")).content.decode()
    assert page.count("pont faible") == 1
    assert page.index("groupe 1") < page.index("pont faible")


def test_review_queue_is_for_staff_only(demo, member_user):
    member = Client()
    member.force_login(member_user)
    assert member.get(reverse("matching:review")).status_code == 403


def test_staff_start_a_registry_scan_from_the_page_and_see_its_result(
    demo, staff_client, django_capture_on_commit_callbacks
):
    from icilabas.core.services import create_record
    from icilabas.demo.loader import system_user
    from icilabas.matching.models import DuplicateCandidate, ScanRun

    college = Project.objects.get(title__startswith="Reconstruction du collège")
    create_record(
        Project,
        user=system_user(),
        data={
            "title": "Reconstruction du college de Foundiougne",
            "partnership": demo,
            "status": "termine",
            "start_on": college.start_on,
            "summary": college.summary,
            "primary_theme": college.primary_theme,
        },
    )
    with django_capture_on_commit_callbacks(execute=True):  # the scan runs once committed
        response = staff_client.post(reverse("matching:scan"))
    assert response.status_code == 302
    run = ScanRun.objects.get()
    assert (
        run.state == "terminee" and run.result["queued"] == DuplicateCandidate.objects.count() >= 1
    )
    assert not run.progress.path.exists()
    page = staff_client.get(reverse("matching:review")).content.decode()
    assert "terminée" in page and "paire" in page
    panel = staff_client.get(reverse("matching:scan_status", args=[run.pk])).content.decode()
    assert "hx-get" not in panel  # a finished scan stops polling
    # Started from an English page, the queue still keeps its reasons in French for every reader.
    DuplicateCandidate.objects.all().delete()
    ScanRun.objects.all().delete()
    staff_client.cookies["django_language"] = "en"
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(reverse("matching:scan"))
    reasons = " ".join(DuplicateCandidate.objects.values_list("reasons", flat=True))
    assert "même localité partenaire" in reasons and "same partner" not in reasons


def test_only_staff_start_a_scan(demo, member_user):
    from icilabas.matching.models import ScanRun

    member = Client()
    member.force_login(member_user)
    assert member.post(reverse("matching:scan")).status_code == 403
    assert not ScanRun.objects.exists()


# ---------------------------------------------------------------- organisations, partnerships


def test_an_organisation_typed_again_is_found_under_another_spelling(demo):
    from icilabas.actors.models import Organisation
    from icilabas.matching.similar import similar_organisations

    martignas = Organisation.objects.get(name="Ville de Martignas-sur-Jalle")
    found = similar_organisations(name="Mairie de Martignas sur Jalle", kind="commune")
    assert [s.record for s in found] == [martignas]  # not its twinning committee
    assert found[0].reasons[0].startswith("noms proches à")
    again = similar_organisations(name=martignas.name, kind="commune", exclude=martignas.pk)
    assert martignas not in [s.record for s in again]  # editing it does not find itself
    assert similar_organisations(name="Comité des fêtes de Trifouilly", kind="association") == []


def test_the_same_siren_is_flagged_whatever_the_name(demo):
    from icilabas.matching.similar import similar_organisations

    organisation = f.organisation(name="Commune de Cenon", siren="213301195")
    found = similar_organisations(name="CENON (mairie)", siren="213301195")
    assert found[0].record == organisation and "même SIREN" in found[0].reasons


def test_a_partnership_typed_again_is_found(demo):
    from icilabas.matching.similar import similar_partnerships

    martignas = demo.french_partners.get()
    found = similar_partnerships(
        title="Jumelage Martignas Foundiougne",
        foreign_authority_id=demo.foreign_authority_id,
        french_partner_ids=[str(martignas.pk)],
    )
    assert found[0].record == demo
    assert any(r.startswith("partenaire français commun") for r in found[0].reasons)


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ({"name": "", "locality": "Fondiougne", "country": "SN"}, True),
        ({"name": "Commune de Fondiougne", "locality": "", "country": "SN"}, True),
        ({"name": "", "locality": "Foundiougne", "country": "ML"}, False),
        ({"name": "", "locality": "Kaolack", "country": "SN"}, False),
    ],
)
def test_a_partner_authority_typed_again_is_found_despite_a_typo(demo, staff_client, typed, found):
    url = reverse("matching:similar_check", args=["autorite"])
    body = staff_client.post(url, typed).content.decode()
    assert ("Foundiougne" in body) is found
    if found:
        assert "Cette fiche existe peut-être déjà" in body


def test_the_partner_authority_form_carries_the_check(demo, staff_client):
    page = staff_client.get(reverse("actors:foreignauthority_create")).content.decode()
    assert reverse("matching:similar_check", args=["autorite"]) in page


def test_the_form_panels_answer_editors_only(demo, staff_client, member_user):
    url = reverse("matching:similar_check", args=["organisation"])
    typed = {"name": "Mairie de Martignas-sur-Jalle", "kind": "commune"}
    page = staff_client.post(url, typed).content.decode()
    assert "Cette fiche existe peut-être déjà" in page and "Ville de Martignas-sur-Jalle" in page
    url = reverse("matching:similar_check", args=["partenariat"])
    odd = staff_client.post(url, {"title": "x", "foreign_authority": "abc"})
    assert odd.status_code == 200 and "existe" not in odd.content.decode()
    assert staff_client.post(reverse("matching:similar_check", args=["autre"])).status_code == 404
    member = Client()
    member.force_login(member_user)
    assert member.post(url, {"title": "x"}).status_code == 403
    form = staff_client.get(reverse("actors:organisation_create")).content.decode()
    assert 'id="similar-check"' in form


def test_the_live_check_uses_the_weights_of_the_last_registry_scan(demo):
    """Until a scan has run, the default weights; then the ones it estimated on the registry."""
    from icilabas.matching.model import Model, default_model
    from icilabas.matching.models import ScanRun
    from icilabas.matching.selectors import registry_model

    assert registry_model().as_dict() == default_model().as_dict()
    estimated = Model.from_dict({**default_model().as_dict(), "prior": 0.2, "pairs": 1234})
    ScanRun.objects.create(state=ScanRun.State.DONE, result={"model": estimated.as_dict()})
    assert registry_model().prior == 0.2 and registry_model().pairs == 1234
