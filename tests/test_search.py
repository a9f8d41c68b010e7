"""Search on the engine under test (CI runs this file on SQLite and on PostgreSQL)."""

from datetime import date

import pytest
from django.db import connection
from django.urls import reverse

from icilabas.core import search
from icilabas.core.services import create_record, soft_delete_record, update_record
from icilabas.demo.loader import system_user
from icilabas.knowledge.models import Guide, GuideStep, TermVariant

from . import factories as f

pytestmark = pytest.mark.django_db


def titles(query, **kwargs):
    return [hit.title for hit in search.search(query, **kwargs)]


def test_french_stemming_finds_plural_from_singular_and_back():
    f.project(title="Les coopérations décentralisées du Sahel")
    assert "Les coopérations décentralisées du Sahel" in titles("coopération")
    f.organisation(name="Maison de la coopération")
    assert "Maison de la coopération" in titles("coopérations")


def test_case_and_accents_are_ignored():
    f.project(title="Eau potable à Thiès")
    assert titles("eau") == ["Eau potable à Thiès"]
    assert titles("THIES") == ["Eau potable à Thiès"]
    f.project(title="Centre de santé")
    assert titles("sante") == ["Centre de santé"]


def test_last_word_is_a_prefix_for_search_as_you_type():
    f.foreign_authority(
        name="Commune de Foundiougne", locality="Foundiougne", latitude=14.13, longitude=-16.47
    )
    assert titles("Foundio") == ["Commune de Foundiougne"]


def test_every_word_must_match():
    f.project(title="Eau potable à Thiès")
    f.project(title="Eau potable à Kolda")
    assert titles("eau kolda") == ["Eau potable à Kolda"]


def test_stop_words_are_dropped_unless_nothing_else_is_left():
    f.project(title="Projet de la commune")
    assert search.search_terms("de la") == ["de", "la"]
    assert search.search_terms("centre de santé") == ["centre", "sante"]


def test_kinds_restrict_the_search():
    authority = f.foreign_authority(name="Ville de Kaolack", locality="Kaolack")
    f.partnership(title="Mérignac – Kaolack", foreign_authority=authority)
    assert titles("kaolack", kinds=["partnership"]) == ["Mérignac – Kaolack"]
    assert set(titles("kaolack")) == {"Ville de Kaolack", "Mérignac – Kaolack"}


def test_edits_and_soft_deletes_keep_the_index_current(author):
    project = f.project(title="Bibliothèque de Ségou")
    update_record(project, user=author, data={"title": "Médiathèque de Ségou"})
    assert titles("bibliotheque") == []
    assert titles("mediatheque") == ["Médiathèque de Ségou"]
    soft_delete_record(project, user=author)
    assert titles("segou") == []


def test_partnership_is_found_by_its_partner_locality():
    authority = f.foreign_authority(
        name="Commune de Foundiougne", locality="Foundiougne", latitude=14.1, longitude=-16.4
    )
    f.partnership(title="Martignas-sur-Jalle – Sénégal", foreign_authority=authority)
    assert "Martignas-sur-Jalle – Sénégal" in titles("foundiougne")


def test_search_page_lists_hits_with_links_and_an_empty_state(client):
    project = f.project(title="Maraîchage à Kayes")
    page = client.get(reverse("portal:search"), {"q": "maraichage"})
    assert project.get_absolute_url() in page.content.decode()
    empty = client.get(reverse("portal:search"), {"q": "zzzxqw"})
    assert "Rien ne correspond" in empty.content.decode()


def test_search_page_returns_a_fragment_to_htmx(client):
    f.project(title="Maraîchage à Kayes")
    page = client.get(reverse("portal:search"), {"q": "kayes"}, HTTP_HX_REQUEST="true")
    body = page.content.decode()
    assert "Maraîchage à Kayes" in body
    assert "<html" not in body


def test_odd_queries_do_not_crash(client):
    for query in ['"', "*", "a OR b", "NEAR(", "'; DROP TABLE", "é" * 500, "-", "eau:*"]:
        assert client.get(reverse("portal:search"), {"q": query}).status_code == 200


def test_reindex_rebuilds_the_index():
    f.project(title="Jardins de Tombouctou")
    assert search.reindex_all() >= 1
    assert titles("tombouctou") == ["Jardins de Tombouctou"]


def test_title_matches_come_before_body_matches():
    f.project(title="Jardins partagés", description="Arrosage avec l'eau du puits")
    f.project(title="Eau potable à Kayes")
    assert titles("eau") == ["Eau potable à Kayes", "Jardins partagés"]


def test_body_matches_beyond_the_candidate_cap_still_fill_the_page(monkeypatch):
    monkeypatch.setattr(search, "CANDIDATE_CAP", 2)
    for i in range(4):
        f.project(title=f"Projet {i}", description="Chantier de jeunes")
    f.project(title="Jeunes en action")
    found = titles("jeunes", limit=3)
    assert found[0] == "Jeunes en action"
    assert len(found) == 3


def test_renaming_a_partner_authority_reindexes_its_partnerships_and_projects(staff_client):
    from django.urls import reverse

    from .test_contracts import as_form_data

    authority = f.foreign_authority(name="Commune de Thiès", locality="Thies")
    partnership = f.partnership(title="Talence – Sénégal", foreign_authority=authority)
    f.project(title="Bibliothèque", partnership=partnership)
    data = {**as_form_data(authority), "locality": "Kolda"}
    response = staff_client.post(
        reverse("actors:foreignauthority_update", args=[authority.pk]), data
    )
    assert response.status_code == 302, response.context["form"].errors
    assert set(titles("kolda")) == {"Commune de Thiès", "Talence – Sénégal", "Bibliothèque"}
    authority.refresh_from_db()
    assert authority.latitude == pytest.approx(12.89, abs=0.05)  # Kolda, not Thiès


def test_look_alike_words_leave_out_pairs_of_common_words(monkeypatch):
    crowd = [f.project(title=f"Appui aux échanges culturels n° {n}") for n in range(6)]
    kayes = f.project(title="Appui aux échanges de Kayes")
    typed = "Appui aux échanges avec Kayes"
    assert set(search.objects_with_title_words(typed, kind="project")) == {
        p.pk for p in [*crowd, kayes]
    }
    monkeypatch.setattr(search, "COMMON_MIN_TITLES", 3)  # "appui", "échanges" become common
    assert search.objects_with_title_words(typed, kind="project") == [kayes.pk]
    only_common = search.objects_with_title_words("Appui aux échanges", kind="project")
    assert len(only_common) == 7  # nothing else to look for: the common pair stays


def test_look_alike_words_are_the_rarest_of_a_long_title(monkeypatch):
    """Short place names ("Bao Lac") tell more than long common words: they are kept."""
    crowd = "Renforcement des services municipaux techniques informatiques"
    for n in range(6):
        f.project(title=f"{crowd} n° {n}")
    bao_lac = f.project(title="Services municipaux de Bao Lac")
    monkeypatch.setattr(search, "COMMON_MIN_TITLES", 3)
    found = search.objects_with_title_words(f"{crowd} de Bao Lac", kind="project")
    assert found == [bao_lac.pk]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="GIN indexes are PostgreSQL's")
def test_search_indexes_keep_a_small_pending_list():
    """Every search reads a GIN index's whole pending list: it must stay small."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reloptions FROM pg_class WHERE relname IN "
            "('core_searchentry_vector', 'core_searchentry_title_vector')"
        )
        options = {name: set(values) for name, values in cursor.fetchall()}
    wanted = {"fastupdate=on", "gin_pending_list_limit=256"}
    assert options == {
        "core_searchentry_vector": wanted,
        "core_searchentry_title_vector": wanted,
    }


# ---------------------------------------------------------------- facets, excerpts, synonyms


def test_facets_count_the_matches_by_kind_country_theme_and_year_and_narrow_them():
    senegal = f.foreign_authority(name="Commune de Thiès", locality="Thiès", country="SN")
    mali = f.foreign_authority(name="Cercle de Kayes", locality="Kayes", country="ML")
    f.project(
        title="Puits maraîchers",
        partnership=f.partnership(foreign_authority=senegal),
        country="SN",
        start_on=date(2019, 3, 1),
        primary_theme=f.theme("4.3.1"),
    )
    f.project(title="Puits pastoraux", country="ML", start_on=date(2021, 1, 1))
    f.project(title="Puits villageois", country="ML", start_on=date(2021, 6, 1))
    assert mali.country.code == "ML"
    facets = search.facets(search.search("puits"), limit=50)
    assert dict(facets.counts["country"]) == {"ML": 2, "SN": 1}
    assert facets.counts["country"][0] == ("ML", 2)  # the most frequent first
    assert [year for year, _ in facets.counts["year"]] == [2021, 2019]  # recent first
    assert dict(facets.counts["kind"]) == {"project": 3}
    assert facets.capped is False
    education = f.theme("4.3.1").lineage[-1]
    assert dict(facets.counts["theme"])[education] == 1
    assert titles("puits", filters={"country": "ML"}) == ["Puits pastoraux", "Puits villageois"]
    assert titles("puits", filters={"year": 2019}) == ["Puits maraîchers"]
    assert titles("puits", filters={"theme": education}) == ["Puits maraîchers"]
    assert titles("puits", filters={"country": "ML", "year": 2019}) == []


def test_the_search_page_offers_facets_as_links_and_ignores_odd_values(client):
    f.project(title="Puits pastoraux", country="ML", start_on=date(2021, 1, 1))
    f.project(title="Puits maraîchers", country="SN", start_on=date(2019, 1, 1))
    page = client.get(reverse("portal:search"), {"q": "puits"}).content.decode()
    assert "Mali" in page and "Sénégal" in page and 'aria-label="Affiner la recherche"' in page
    narrowed = client.get(reverse("portal:search"), {"q": "puits", "country": "ml"})
    body = narrowed.content.decode()
    assert "Puits pastoraux" in body and "Puits maraîchers" not in body
    assert 'aria-current="true"' in body  # the chosen value, a link that removes it
    for odd in ({"country": "ZZZ"}, {"year": "20x1"}, {"year": "99999"}, {"theme": "x" * 5000}):
        response = client.get(reverse("portal:search"), {"q": "puits", **odd})
        assert response.status_code == 200, odd


def test_excerpts_mark_the_words_found_whatever_their_accents_and_endings():
    text = (
        "Au début, " + "du contexte. " * 40 + "Les Coopérations décentralisées de Thiès "
        "ont mobilisé des jeunes; l'œuvre continue."
    )
    excerpt = search.highlight(text, ["cooperation", "thies"])
    assert "<mark>Coopérations</mark>" in excerpt and "<mark>Thiès</mark>" in excerpt
    assert excerpt.startswith("…")  # the passage around the match, not the text's start
    assert len(excerpt) < len(text)
    assert "<mark>œuvre</mark>" in search.highlight(text, ["oeuvre"])
    hostile = search.highlight("<script>alert('eau')</script> eau", ["eau"])
    assert "<script>" not in hostile and "<mark>eau</mark>" in hostile


def test_a_glossary_term_s_variants_widen_a_search(client):
    term = f.term(name="Coopération décentralisée", definition="Action des collectivités.")
    create_record(
        TermVariant,
        user=system_user(),
        data={"term": term, "actor_kind": "region", "wording": "action extérieure"},
    )
    f.project(title="Action extérieure de la Région en Tunisie")
    f.project(title="Coopération décentralisée avec Kolda")
    assert set(titles("coopération décentralisée", kinds=["project"])) == {
        "Action extérieure de la Région en Tunisie",
        "Coopération décentralisée avec Kolda",
    }
    assert set(titles("action extérieure", kinds=["project"])) == {
        "Action extérieure de la Région en Tunisie",
        "Coopération décentralisée avec Kolda",
    }
    assert titles("action", kinds=["project"]) == ["Action extérieure de la Région en Tunisie"]
    page = client.get(reverse("portal:search"), {"q": "action extérieure"}).content.decode()
    assert "Recherche élargie" in page and "Coopération décentralisée" in page


def test_guides_are_found_by_their_steps():
    guide = create_record(Guide, user=system_user(), data={"title": "La démarche projet"})
    create_record(
        GuideStep,
        user=system_user(),
        data={"guide": guide, "order": 1, "title": "Conventionner", "checklist": "Réciprocité"},
    )
    assert [(h.kind, h.title) for h in search.search("conventionner")] == [
        ("guide", "La démarche projet")
    ]
