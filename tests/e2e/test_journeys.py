import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from icilabas.actors.models import Organisation
from icilabas.demo.loader import load_demo_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_visitor_searches_foundiougne_and_reaches_the_martignas_partnership(live_server, page):
    load_demo_world()
    page.goto(live_server.url)
    page.get_by_role("searchbox", name="Que cherchez-vous ?").fill("Foundiougne")
    page.get_by_role("searchbox", name="Que cherchez-vous ?").press("Enter")
    expect(page.get_by_role("heading", name="Recherche")).to_be_visible()
    page.get_by_role("link", name="Martignas-sur-Jalle – Foundiougne").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Martignas-sur-Jalle – Foundiougne")
    expect(page.get_by_role("link", name="Ville de Martignas-sur-Jalle")).to_be_visible()
    expect(page.get_by_text("Reconstruction du collège de Foundiougne")).to_be_visible()


def test_search_as_you_type_updates_results_without_reloading(live_server, page):
    load_demo_world()
    page.goto(f"{live_server.url}/recherche/")
    page.get_by_label("Mots recherchés").press_sequentially("kolob", delay=30)
    expect(page.get_by_role("link", name="Un centre de santé à Kolobo")).to_be_visible()
    assert "q=kolob" in page.url


def test_staff_logs_in_fixes_an_error_and_sees_the_change_in_history(live_server, page):
    load_demo_world()
    get_user_model().objects.create_user(
        username="equipe", password="demo-equipe-2011", is_staff=True
    )
    organisation = Organisation.objects.get(name="Ville de Talence")
    page.goto(live_server.url + organisation.get_absolute_url())
    page.get_by_role("link", name="Se connecter").click()
    page.get_by_label("Courriel ou identifiant").fill("equipe")
    page.get_by_label("Mot de passe").fill("demo-equipe-2011")
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("link", name="Modifier").click()
    page.get_by_label("SIREN").fill("123456789")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("clé de contrôle (Luhn) ne correspond pas")).to_be_visible()
    page.get_by_label("SIREN").fill("213305220")
    page.get_by_label("Motif de la modification").fill("SIREN ajouté")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("a été enregistré")).to_be_visible()
    page.get_by_role("link", name="Historique").click()
    expect(page.get_by_text("SIREN ajouté")).to_be_visible()
    expect(page.locator("ins", has_text="213305220")).to_be_visible()
    expect(page).to_have_title(re.compile("Historique"))


def test_filters_apply_without_a_full_page_reload(live_server, page):
    load_demo_world()
    page.goto(f"{live_server.url}/cooperation/projets/")
    page.get_by_label("Pays").select_option("ML")
    expect(page.get_by_role("link", name="Un centre de santé à Kolobo")).to_be_visible()
    expect(page.get_by_role("link", name="Festival Latitudes")).to_have_count(0)
    assert "country=ML" in page.url


def test_editing_a_hand_placed_village_keeps_its_coordinates(live_server, page):
    from icilabas.actors.models import ForeignAuthority

    load_demo_world()
    get_user_model().objects.create_user(
        username="equipe", password="pw-equipe-2011", is_staff=True
    )
    kolobo = ForeignAuthority.objects.get(name="Village de Kolobo")
    page.goto(
        f"{live_server.url}/connexion/?next=/acteurs/autorites-partenaires/{kolobo.pk}/modifier/"
    )
    page.get_by_label("Courriel ou identifiant").fill("equipe")
    page.get_by_label("Mot de passe").fill("pw-equipe-2011")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_label("Latitude")).to_have_value("13,35")
    page.get_by_label("Présentation").fill("Village du cercle de Ségou (coordonnées approchées).")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("a été enregistré")).to_be_visible()
    kolobo.refresh_from_db()
    assert (kolobo.latitude, kolobo.longitude) == (13.35, -6.25)


def test_typing_an_existing_project_warns_before_saving(live_server, page):
    from icilabas.cooperation.models import Partnership
    from icilabas.matching.models import MatchDecision

    load_demo_world()
    get_user_model().objects.create_user(
        username="equipe", password="pw-equipe-2011", is_staff=True
    )
    martignas = Partnership.objects.get(title="Martignas-sur-Jalle – Foundiougne")
    target = f"/cooperation/projets/nouveau/?partnership={martignas.pk}"
    page.goto(f"{live_server.url}/connexion/?next={target}")
    page.get_by_label("Courriel ou identifiant").fill("equipe")
    page.get_by_label("Mot de passe").fill("pw-equipe-2011")
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_label("Titre").press_sequentially(
        "Reconstruction du collège de Foundiougne", delay=20
    )
    warning = page.locator("#duplicate-check")
    expect(warning.get_by_text("Ce projet existe peut-être déjà")).to_be_visible()
    expect(
        warning.get_by_role(
            "link", name="Reconstruction du collège de Foundiougne par un chantier de jeunes"
        )
    ).to_be_visible()
    expect(warning.get_by_text("même localité partenaire : Foundiougne")).to_be_visible()
    warning.get_by_role("button", name="Différent").click()
    expect(warning.get_by_text("Noté comme différent")).to_be_visible()
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("a été enregistré")).to_be_visible()
    assert MatchDecision.objects.get().decision == "different"


def test_a_title_alone_warns_before_any_partnership_is_chosen(live_server, page):
    """A new user types the title as she remembers it, in capitals, one word short: the
    existing project shows before she picks a partnership; choosing the wrong country hides
    it."""
    load_demo_world()
    get_user_model().objects.create_user(
        username="equipe", password="pw-equipe-2011", is_staff=True
    )
    _log_in(page, live_server.url, "equipe", "pw-equipe-2011")
    page.goto(f"{live_server.url}/cooperation/projets/nouveau/")
    page.get_by_label("Titre").press_sequentially("RECONSTRUCTION COLLEGE FOUNDIOUGNE", delay=20)
    warning = page.locator("#duplicate-check")
    expect(warning.get_by_text("Ce projet existe peut-être déjà")).to_be_visible()
    expect(warning.get_by_text("titre presque identique")).to_be_visible()
    country = page.get_by_label("Pays d'intervention")  # "pays" is in an SDG's label too
    country.select_option("ML")
    expect(warning.get_by_text("Ce projet existe peut-être déjà")).to_have_count(0)
    country.select_option("SN")
    expect(warning.get_by_text("Ce projet existe peut-être déjà")).to_be_visible()


def _log_in(page, base_url: str, username: str, password: str) -> None:
    page.goto(base_url + "/connexion/")
    page.get_by_label("Courriel ou identifiant").fill(username)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()


def _pick(page, label: str, choice: str, typed: str) -> None:
    """Choose in a searchable picker (Tom Select) as a person does: type, then choose."""
    box = page.get_by_role("combobox", name=label)
    box.locator("xpath=..").click()  # the picker's visible box, around its text input
    box.press_sequentially(typed, delay=30)
    page.locator(".ts-dropdown").get_by_role("option", name=choice, exact=True).click()


def test_staff_invites_an_editor_whose_change_is_published_after_review(
    live_server, page, monkeypatch
):
    """The organisation is chosen in a picker that fetches it as she types (the demo world's
    organisations counted as many)."""
    from django.core import mail

    from icilabas.core import pickers

    monkeypatch.setattr(pickers, "LOCAL_LIMIT", 5)
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    load_demo_world()
    get_user_model().objects.create_user(
        username="equipe", password="demo-equipe-2011", is_staff=True
    )
    commune = Organisation.objects.get(name="Ville de Martignas-sur-Jalle")
    _log_in(page, live_server.url, "equipe", "demo-equipe-2011")
    page.get_by_role("link", name="Mon espace").click()
    page.get_by_label("Courriel de la personne invitée").fill("claire.martin@example.org")
    _pick(page, "Organisation", "Ville de Martignas-sur-Jalle", typed="martig")
    assert violations == []
    page.get_by_role("button", name="Envoyer l’invitation").click()
    expect(page.get_by_text("Invitation envoyée à claire.martin@example.org")).to_be_visible()
    page.get_by_role("button", name="Se déconnecter").click()

    link = re.search(r"https?://\S+", mail.outbox[-1].body).group(0)
    page.goto(link)
    page.get_by_label("Prénom").fill("Claire")
    page.locator("#id_last_name").fill("Martin")  # "Nom" is also inside "Prénom"
    page.locator("#id_password1").fill("jumelage-foundiougne-2011")
    page.get_by_label("Mot de passe (confirmation)").fill("jumelage-foundiougne-2011")
    page.get_by_role("button", name="Accepter l’invitation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ville de Martignas-sur-Jalle")
    page.get_by_role("link", name="Modifier").click()
    page.get_by_label("Présentation").fill("Commune jumelée avec Foundiougne depuis 2011.")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("transmise à l’équipe du réseau")).to_be_visible()
    page.get_by_role("button", name="Se déconnecter").click()

    page.goto(live_server.url + commune.get_absolute_url())
    expect(page.get_by_text("jumelée avec Foundiougne depuis 2011")).to_have_count(0)
    _log_in(page, live_server.url, "equipe", "demo-equipe-2011")
    page.get_by_role("link", name="À valider").click()
    expect(page.locator("ins", has_text="jumelée avec Foundiougne")).to_be_visible()
    page.get_by_role("button", name="Publier la modification").click()
    expect(
        page.get_by_text("Modification de « Ville de Martignas-sur-Jalle » publiée.")
    ).to_be_visible()
    page.get_by_role("button", name="Se déconnecter").click()

    page.goto(live_server.url + commune.get_absolute_url())
    expect(page.get_by_text("Commune jumelée avec Foundiougne depuis 2011.")).to_be_visible()


def test_staff_imports_an_iati_file_and_follows_its_progress(live_server, page, start_worker):
    from pathlib import Path

    start_worker()  # the real thing: the import runs in a worker process
    sample = Path(__file__).resolve().parents[1] / "data" / "iati"
    get_user_model().objects.create_user(
        username="equipe", password="demo-equipe-2011", is_staff=True
    )
    _log_in(page, live_server.url, "equipe", "demo-equipe-2011")
    page.get_by_role("link", name="Import IATI").click()
    page.get_by_label("Fichier d'activités IATI").set_input_files(str(sample / "who-arg.xml"))
    page.get_by_role("button", name="Importer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import de « who-arg.xml »")
    expect(page.get_by_text("157 projets créés, 0 mis à jour.")).to_be_visible(timeout=60_000)
    expect(page.get_by_role("heading", name="Rapport")).to_be_visible()


def test_staff_checks_a_big_spreadsheet_then_imports_its_valid_rows(
    live_server, page, start_worker, tmp_path
):
    start_worker()  # check and import run in a worker process
    rows = [f";Association d'essai {n};association;;" for n in range(400)]
    rows[123] = ";Association sans type;planete;;"
    sheet = tmp_path / "associations.csv"
    sheet.write_text("id;name;kind;insee_code;siren\n" + "\n".join(rows) + "\n", "utf-8")
    get_user_model().objects.create_user(
        username="equipe", password="demo-equipe-2011", is_staff=True
    )
    _log_in(page, live_server.url, "equipe", "demo-equipe-2011")
    page.goto(live_server.url + "/acteurs/organisations/")
    page.get_by_role("link", name="Importer un tableur").click()
    page.get_by_label("Fichier (CSV, XLSX ou ODS)").set_input_files(str(sheet))
    page.get_by_role("button", name="Vérifier le fichier").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import de tableur : organisations")
    expect(page.get_by_text("399 fiche(s) à créer")).to_be_visible(timeout=60_000)
    expect(page.get_by_role("cell", name="125", exact=True)).to_be_visible()  # file line 125
    page.get_by_role("button", name="Importer seulement les 399 ligne(s) valides").click()
    expect(page.get_by_text("Import terminé : 399 créé(s)")).to_be_visible(timeout=60_000)


def test_typing_an_existing_organisation_warns_before_saving(live_server, page):
    load_demo_world()
    get_user_model().objects.create_user(
        username="equipe", password="demo-equipe-2011", is_staff=True
    )
    _log_in(page, live_server.url, "equipe", "demo-equipe-2011")
    page.goto(live_server.url + "/acteurs/organisations/nouveau/")
    page.get_by_label("Type d'acteur").select_option(label="Commune")
    page.get_by_label("Nom", exact=False).first.press_sequentially(
        "Mairie de Martignas sur Jalle", delay=20
    )
    panel = page.locator("#similar-check")
    expect(panel.get_by_text("Cette fiche existe peut-être déjà")).to_be_visible()
    expect(panel.get_by_role("link", name="Ville de Martignas-sur-Jalle")).to_be_visible()
    expect(panel.get_by_text("Comité de jumelage de Martignas-sur-Jalle")).to_have_count(0)


def test_visitor_switches_to_english_and_staff_forms_follow(live_server, page):
    load_demo_world()
    get_user_model().objects.create_user(
        username="equipe", password="demo-equipe-2011", is_staff=True
    )
    page.goto(live_server.url)
    page.get_by_label("Langue").select_option("en")
    expect(page.get_by_role("heading", name="Recently updated projects")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("link", name="Log in").click()
    page.get_by_label("Password").fill("demo-equipe-2011")
    page.get_by_label("E-mail or username").fill("equipe")
    page.get_by_role("button", name="Log in").click()
    page.goto(live_server.url + "/cooperation/projets/nouveau/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a project")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("correct the fields shown")).to_be_visible()


def test_an_editor_proposes_to_join_a_project_and_its_owner_accepts(live_server, page):
    from icilabas.cooperation.models import Participation, Project
    from icilabas.members.models import Membership, Role

    load_demo_world()
    project = Project.objects.get(title__startswith="Accès à l'eau")
    martignas = Organisation.objects.get(name="Ville de Martignas-sur-Jalle")
    merignac = Organisation.objects.get(name="Ville de Mérignac")
    for username, organisation in (("claire", martignas), ("paul", merignac)):
        user = get_user_model().objects.create_user(
            username=username, password=f"{username}-jumelage-2011"
        )
        Membership.objects.create(user=user, organisation=organisation, role=Role.EDITOR)

    _log_in(page, live_server.url, "claire", "claire-jumelage-2011")
    page.goto(live_server.url + project.get_absolute_url())
    expect(page.get_by_role("link", name="Modifier")).to_have_count(0)
    page.get_by_role("link", name="Proposer la participation de mon organisation").click()
    _pick(page, "Organisation", martignas.name, typed="Martignas")  # held in the page
    page.get_by_role("combobox", name="Rôle").select_option(label="Partenaire")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(project.title)
    page.get_by_role("link", name="Mon espace").click()
    expect(page.get_by_role("heading", name="Vos rattachements en attente")).to_be_visible()
    page.get_by_role("button", name="Se déconnecter").click()

    page.goto(live_server.url + project.get_absolute_url())
    expect(page.get_by_role("link", name=martignas.name)).to_have_count(0)  # not public yet

    _log_in(page, live_server.url, "paul", "paul-jumelage-2011")
    page.get_by_role("link", name="Mon espace").click()
    proposals = page.get_by_role("region", name="Rattachements proposés")
    expect(proposals.get_by_text(project.title)).to_be_visible()
    proposals.get_by_role("button", name="Accepter").click()
    expect(page.get_by_text("accepté")).to_be_visible()
    assert Participation.objects.filter(project=project, organisation=martignas).exists()
    page.get_by_role("button", name="Se déconnecter").click()

    page.goto(live_server.url + project.get_absolute_url())
    expect(page.get_by_role("link", name=martignas.name)).to_be_visible()


def test_a_member_proposes_a_term_staff_adopt_it_and_a_visitor_tabs_to_it(live_server, page):
    from icilabas.cooperation.models import Project
    from icilabas.members.models import Membership, Role

    load_demo_world()
    project = Project.objects.get(title__startswith="Un centre de santé")
    project.description = "Un projet né de la concertation avec les habitants de Kolobo."
    project.save(update_fields=["description"])
    editor = get_user_model().objects.create_user(username="claire", password="claire-mots-2011")
    Membership.objects.create(
        user=editor, organisation=Organisation.objects.get(name="AJ 162"), role=Role.EDITOR
    )
    get_user_model().objects.create_user(
        username="equipe", password="demo-equipe-2011", is_staff=True
    )

    _log_in(page, live_server.url, "claire", "claire-mots-2011")
    page.get_by_role("link", name="Glossaire").click()
    page.get_by_role("link", name="Ajouter").first.click()
    page.get_by_label("Terme", exact=False).first.fill("concertation")
    page.get_by_label("Définition", exact=False).first.fill(
        "Décider **avec** la population, pas à sa place."
    )
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("concertation")
    page.get_by_role("button", name="Soumettre à l'équipe du réseau").click()
    page.get_by_role("button", name="Se déconnecter").click()

    _log_in(page, live_server.url, "equipe", "demo-equipe-2011")
    page.get_by_role("link", name="À valider").click()
    page.get_by_role("link", name="concertation").first.click()
    page.get_by_role("button", name="Publier").click()
    page.get_by_role("link", name="Modifier").click()
    page.get_by_role("combobox", name="Statut").select_option(label="Adopté")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Adopté", exact=True)).to_be_visible()
    page.get_by_role("button", name="Se déconnecter").click()

    page.goto(live_server.url + project.get_absolute_url())
    term = page.locator("a.glossary-term", has_text="concertation")
    term.focus()
    expect(term).to_be_focused()
    expect(term).to_have_accessible_name(re.compile(r"concertation.*population, pas à sa place"))
    expect(term.locator(".glossary-definition")).to_be_visible()  # shown on keyboard focus


def test_the_api_documentation_works_offline_under_the_strict_csp(live_server, page):
    """Swagger UI from the installation's static files: no CDN, no inline script, and not one
    policy violation in the browser."""
    violations, outside = [], []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.on(
        "request",
        lambda request: (
            outside.append(request.url)
            if not request.url.startswith((live_server.url, "data:"))
            else None
        ),
    )
    page.goto(f"{live_server.url}/api/v1/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Ici & Là-bas")
    expect(page.get_by_text("/api/v1/projects").first).to_be_visible()
    assert violations == []
    assert outside == []
