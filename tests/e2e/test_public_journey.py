"""The public face in a real browser: a citizen finds her commune by postal code, reads a
project and offers her help; the association's editor finds it in Mon espace. And axe-core
(shipped in tests/e2e/vendor, MPL-2.0) over every public page and form: no violation."""

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from playwright.sync_api import expect

from icilabas.actors.models import ForeignAuthority, Involvement, Organisation
from icilabas.cooperation.models import Partnership, Project
from icilabas.demo.loader import load_demo_world
from icilabas.knowledge.models import ExperienceSheet, Guide, Term
from icilabas.meetings.models import Meeting
from icilabas.members.models import Membership, Role

from .. import factories as f
from .test_journeys import _log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
# WCAG 2.1 A and AA, which RGAA 4.1 follows.
AXE_RUN = """async () => {
  const result = await axe.run(document, {runOnly: {type: 'tag',
    values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
  return result.violations.map(v => ({id: v.id, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
}"""


def test_a_citizen_finds_her_commune_reads_a_project_and_offers_her_help(live_server, page):
    association = f.organisation(
        name="Pessac Solidarité Sénégal", kind="association", insee_code="33318"
    )
    partnership = f.partnership(french_partners=[association])
    f.project(title="Bibliothèque de Foundiougne", partnership=partnership, country="SN")
    editor = get_user_model().objects.create_user(username="awa", password="awa-mots-2011")
    Membership.objects.create(user=editor, organisation=association, role=Role.EDITOR)

    page.goto(live_server.url + "/")
    page.get_by_label("Votre commune (nom ou code postal)").fill("33600")
    page.get_by_role("button", name="Voir notre coopération").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Pessac")
    page.get_by_role("link", name="Bibliothèque de Foundiougne").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bibliothèque de Foundiougne")
    page.go_back()
    page.get_by_role("link", name="m'impliquer avec Pessac Solidarité Sénégal").click()
    page.get_by_label("Devenir bénévole").check()
    page.get_by_label("Votre nom").fill("Claire Martin")
    page.get_by_label("Votre courriel").fill("claire@example.org")
    page.get_by_label("Message (facultatif)").fill("Je parle wolof et j'ai du temps le samedi.")
    page.get_by_role("button", name="Envoyer").click()
    expect(page.get_by_text("Sans votre accord, nous ne pouvons rien transmettre.")).to_be_visible()
    assert not Involvement.objects.exists()
    page.get_by_label("J'accepte que mes coordonnées", exact=False).check()
    page.get_by_role("button", name="Envoyer").click()
    expect(page.get_by_role("heading", name="Merci !")).to_be_visible()

    _log_in(page, live_server.url, "awa", "awa-mots-2011")
    page.goto(live_server.url + reverse("members:home"))
    offers = page.get_by_role("region", name="Personnes qui veulent s’impliquer")
    expect(offers).to_contain_text("Claire Martin")
    expect(offers).to_contain_text("Je parle wolof")
    expect(offers).to_contain_text("Devenir bénévole")


def axe_violations(page, url: str) -> list[dict]:
    page.goto(url)
    page.evaluate(AXE)  # through the DevTools protocol: the page's strict CSP stays on
    return page.evaluate(AXE_RUN)


def public_pages() -> list[str]:
    organisation = Organisation.objects.published().filter(kind="commune").first()
    association = Organisation.objects.published().filter(kind="association").first()
    authority = ForeignAuthority.objects.published().first()
    project = Project.objects.published().first()
    meeting = Meeting.objects.published().filter(kind__in=Meeting.PUBLIC_KINDS).first()
    return [
        "/",
        "/carte/",
        "/tableau-de-bord/",
        reverse("portal:commune_search") + "?q=Pessac",
        reverse("portal:commune_search") + "?q=zzzz",
        reverse("portal:commune", args=["33318"]),
        reverse("portal:commune", args=["33449"]),  # no cooperation: the empty state
        reverse("portal:briefing", args=[organisation.pk]),
        reverse("portal:involve", args=[association.pk]),
        reverse("portal:search") + "?q=eau",
        reverse("portal:country", args=["SN"]),
        reverse("portal:accessibility"),
        reverse("portal:privacy"),
        reverse("actors:organisation_list"),
        organisation.get_absolute_url(),
        reverse("actors:foreignauthority_list"),
        authority.get_absolute_url(),
        reverse("cooperation:partnership_list"),
        Partnership.objects.published().first().get_absolute_url(),
        reverse("cooperation:project_list"),
        project.get_absolute_url(),
        reverse("knowledge:term_list"),
        Term.objects.published().first().get_absolute_url(),
        reverse("knowledge:experiencesheet_list"),
        ExperienceSheet.objects.published().first().get_absolute_url(),
        reverse("knowledge:guide_list"),
        Guide.objects.published().first().get_absolute_url(),
        reverse("meetings:meeting_list"),
        meeting.get_absolute_url(),
        reverse("meetings:register", args=[meeting.pk]),
        reverse("login"),
        reverse("password_reset"),
    ]


def staff_forms() -> list[str]:
    return [
        reverse("actors:organisation_create"),
        reverse("cooperation:project_create"),
        reverse("cooperation:partnership_create"),
        reverse("knowledge:term_create"),
        reverse("members:home"),
    ]


def test_every_public_page_and_form_passes_axe(live_server, page):
    load_demo_world()
    found = {}
    for url in public_pages():
        violations = axe_violations(page, live_server.url + url)
        if violations:
            found[url] = violations
    get_user_model().objects.create_user(username="axe", password="axe-mots-2011", is_staff=True)
    _log_in(page, live_server.url, "axe", "axe-mots-2011")
    for url in staff_forms():
        violations = axe_violations(page, live_server.url + url)
        if violations:
            found[url] = violations
    assert not found, found


def test_the_axe_harness_does_report_a_violation(live_server, page):
    """Proof the check above can fail: a page with an unlabelled field and an image without
    text alternative gives both violations."""
    page.goto(live_server.url + reverse("portal:accessibility"))
    page.evaluate(
        """() => { const main = document.querySelector('main');
        main.insertAdjacentHTML('beforeend', '<img src="/x.png"><input type="text">'); }"""
    )
    page.evaluate(AXE)
    ids = {violation["id"] for violation in page.evaluate(AXE_RUN)}
    assert {"image-alt", "label"} <= ids


def contrast(first: tuple[int, int, int], second: tuple[int, int, int]) -> float:
    """WCAG 2.1 contrast ratio of two sRGB colours."""

    def luminance(rgb):
        def channel(value):
            value /= 255
            return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

        r, g, b = (channel(v) for v in rgb)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_focus_ring_has_at_least_3_to_1_contrast_with_the_page(live_server, page):
    page.goto(live_server.url + "/")
    for name, locator in {
        "link": page.get_by_role("link", name="Carte", exact=True),
        "button": page.get_by_role("button", name="Voir notre coopération"),
        "field": page.get_by_label("Votre commune (nom ou code postal)"),
    }.items():
        locator.focus()
        style = locator.evaluate(
            "e => { const s = getComputedStyle(e); return [s.outlineStyle, s.outlineWidth,"
            " s.outlineColor, getComputedStyle(document.body).backgroundColor]; }"
        )
        outline_style, width, ring, background = style
        assert outline_style == "solid" and float(width.removesuffix("px")) >= 2, style
        ring_rgb = tuple(int(v) for v in ring[ring.index("(") + 1 : -1].split(",")[:3])
        page_rgb = tuple(int(v) for v in background[background.index("(") + 1 : -1].split(",")[:3])
        for surface in (page_rgb, (255, 255, 255)):
            assert contrast(ring_rgb, surface) >= 3, (name, style)
