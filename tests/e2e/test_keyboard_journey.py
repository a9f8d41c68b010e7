"""An editor's day by keyboard only (issue 21): she logs in, finds her records in Mon espace,
adds a partnership whose partner authority she creates in a dialog without leaving the form,
adds a project choosing that partnership in the searchable picker, and exports the list, whose
dates are real date cells. No mouse click: keys only, the focus moved as Tab would."""

import datetime
import io

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from icilabas.actors.models import ForeignAuthority, Organisation
from icilabas.cooperation.models import Partnership, Project
from icilabas.demo.loader import load_demo_world
from icilabas.members.models import Membership, Role

from .test_public_journey import AXE, AXE_RUN

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _press(locator, key: str = "Enter") -> None:
    locator.focus()
    locator.page.keyboard.press(key)


def _type_in(locator, text: str) -> None:
    locator.focus()
    locator.page.keyboard.type(text, delay=25)


def _choose(select, first_letter: str, value: str) -> None:
    """A plain select by keyboard: its first letter, then down to the value (typing an
    accented name would go through the input method, which a select does not take)."""
    select.focus()
    select.page.keyboard.press(first_letter)
    for _ in range(60):
        if select.input_value() == value:
            return
        select.page.keyboard.press("ArrowDown")
    raise AssertionError(f"{value} not reached in {select}")


def _pick(page, label: str, typed: str, choice: str) -> None:
    """A searchable picker by keyboard: type until one choice is left, then Enter."""
    box = page.get_by_role("combobox", name=label)
    _type_in(box, typed)
    options = box.locator("xpath=ancestor::div[contains(@class, 'ts-wrapper')]").locator(
        ".ts-dropdown .option"
    )
    expect(options).to_have_count(1)
    expect(options.first).to_have_text(choice)
    page.keyboard.press("Enter")


def test_an_editor_works_by_keyboard_from_mon_espace_to_an_exported_list(live_server, page):
    refused = []  # what the strict CSP blocked: nothing of ours may be
    page.on("console", lambda m: refused.append(m.text) if "Content Security" in m.text else None)
    load_demo_world()
    martignas = Organisation.objects.get(name="Ville de Martignas-sur-Jalle")
    editor = get_user_model().objects.create_user(
        username="awa", password="pw-awa-2026-long", first_name="Awa"
    )
    Membership.objects.create(user=editor, organisation=martignas, role=Role.EDITOR)

    page.goto(live_server.url + "/connexion/?next=/membres/")
    _type_in(page.get_by_label("Courriel ou identifiant"), "awa")
    _type_in(page.get_by_label("Mot de passe"), "pw-awa-2026-long")
    page.keyboard.press("Enter")

    records = page.locator("#my-records").locator("xpath=..")
    expect(records.get_by_text("Martignas-sur-Jalle – Foundiougne").first).to_be_visible()
    _press(page.get_by_role("link", name="Ajouter un partenariat"))

    expect(page.get_by_role("heading", name="Ajouter un partenariat")).to_be_visible()
    _type_in(page.get_by_label("Intitulé"), "Martignas-sur-Jalle – Kayar")
    _pick(page, "Partenaires français", "Ville de Martignas", "Ville de Martignas-sur-Jalle")
    page.keyboard.press("Escape")

    # Kayar is not in the registry: she adds it in a dialog over the form.
    _press(page.get_by_role("link", name="Ajouter une autorité partenaire"))
    dialog = page.get_by_role("dialog", name="Ajouter une autorité locale partenaire")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("Nom")).to_be_focused()
    page.evaluate(AXE)
    assert page.evaluate(AXE_RUN) == []  # the form under the open dialog included
    page.keyboard.press("Enter")  # nothing typed yet: the dialog says what is missing
    expect(dialog.get_by_text("Ce champ est obligatoire.").first).to_be_visible()
    _type_in(dialog.get_by_label("Nom"), "Commune de Kayar")
    _type_in(dialog.get_by_label("Type"), "Commune")
    _choose(dialog.get_by_label("Pays"), "S", "SN")
    _type_in(dialog.get_by_label("Localité"), "Kay")
    # The gazetteer suggests the places of Senegal that begin so.
    expect(dialog.locator("#locality-suggestions option[value='Kayar']")).to_have_count(1)
    page.keyboard.type("ar")
    _press(dialog.get_by_role("button", name="Enregistrer et choisir"))

    expect(dialog).to_be_hidden()
    authority_box = page.locator("#id_foreign_authority").locator("xpath=..")
    expect(authority_box.locator(".ts-control")).to_contain_text("Commune de Kayar")
    _press(page.get_by_role("button", name="Enregistrer"))
    expect(page.get_by_text("a été enregistré")).to_be_visible()
    partnership = Partnership.objects.get(title="Martignas-sur-Jalle – Kayar")
    assert partnership.foreign_authority == ForeignAuthority.objects.get(name="Commune de Kayar")

    page.goto(live_server.url + "/membres/")
    _press(page.get_by_role("link", name="Ajouter un projet"))
    _type_in(page.get_by_label("Titre"), "Maraîchage solidaire à Kayar")
    _pick(page, "Partenariat", "Kayar", "Martignas-sur-Jalle – Kayar")
    # Day and month alike: the headless browser's date field may put either first.
    _type_in(page.get_by_label("Début"), "03032025")
    _press(page.get_by_role("button", name="Enregistrer"))
    expect(page.get_by_text("a été enregistré")).to_be_visible()
    project = Project.objects.get(title="Maraîchage solidaire à Kayar")
    assert project.partnership == partnership
    assert project.start_on == datetime.date(2025, 3, 3)

    page.goto(live_server.url + "/cooperation/projets/?title=Kayar")
    with page.expect_download() as download:
        _press(page.get_by_role("link", name="Excel", exact=True))
    with open(download.value.path(), "rb") as downloaded:  # saved without its extension
        sheet = openpyxl.load_workbook(io.BytesIO(downloaded.read())).active
    header = [cell.value for cell in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == project.pk)
    assert row[header.index("Titre")].value == project.title
    start = row[header.index("Début")]
    assert start.is_date and start.value.date() == datetime.date(2025, 3, 3)
    assert row[header.index("Lien")].value == live_server.url + project.get_absolute_url()
    assert [text for text in refused if "style" not in text] == []


def test_the_staff_header_holds_on_one_line_at_1280_pixels_without_overlap(live_server, page):
    get_user_model().objects.create_user(
        username="equipe", password="pw-equipe-2011", is_staff=True, first_name="Équipe"
    )
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(live_server.url + "/connexion/")
    _type_in(page.get_by_label("Courriel ou identifiant"), "equipe")
    _type_in(page.get_by_label("Mot de passe"), "pw-equipe-2011")
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name="À valider")).to_be_visible()
    search = page.locator(".header-search").bounding_box()
    account = page.locator(".account").bounding_box()
    brand = page.locator(".brand").bounding_box()
    assert search["x"] + search["width"] <= account["x"]  # side by side, not on top
    assert abs(search["y"] - account["y"]) < 20 and abs(brand["y"] - search["y"]) < 20
    assert page.locator(".header-row").bounding_box()["height"] < 70  # one line
