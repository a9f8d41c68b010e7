"""The seed's world and the synthetic generator."""

import pytest
from django.core.management import call_command
from django.db.models import F

from icilabas.actors.models import ForeignAuthority, Organisation, Person
from icilabas.cooperation.models import Partnership, Project
from icilabas.core import search
from icilabas.core.models import SearchEntry
from icilabas.demo import knowledge_world, world
from icilabas.demo.generator import GENERATED_SOURCE, generate
from icilabas.demo.loader import load_demo_world
from icilabas.knowledge.models import ExperienceSheet, Term

pytestmark = pytest.mark.django_db


def snapshot():
    return {
        model.__name__: model.all_objects.count()
        for model in (
            Organisation,
            ForeignAuthority,
            Person,
            Partnership,
            Project,
            Term,
            ExperienceSheet,
        )
    }


def test_demo_world_loads_the_seed_and_is_idempotent():
    load_demo_world()
    first = snapshot()
    load_demo_world()
    assert snapshot() == first
    assert first["Organisation"] == len(world.ORGANISATIONS)
    assert first["Person"] == len(world.PEOPLE)
    assert first["Project"] == len(world.PROJECTS)
    assert first["Term"] == len(knowledge_world.TERMS)
    assert first["ExperienceSheet"] == len(knowledge_world.SHEETS)


def test_loading_again_leaves_binned_demo_records_restorable(staff_user):
    from icilabas.core.services import restore_record, soft_delete_record

    load_demo_world()
    project = Project.objects.get(title=world.PROJECTS[0]["title"])
    organisation = Organisation.objects.get(name=world.ORGANISATIONS[-1]["name"])
    soft_delete_record(project, user=staff_user)
    soft_delete_record(organisation, user=staff_user)
    before = snapshot()
    load_demo_world()
    assert snapshot() == before  # nothing made again beside the binned ones
    restore_record(project, user=staff_user)
    restore_record(organisation, user=staff_user)
    assert Project.objects.filter(pk=project.pk).exists()


def test_demo_world_holds_the_cooperations_the_seed_cites():
    load_demo_world()
    martignas = Partnership.objects.get(title="Martignas-sur-Jalle – Foundiougne")
    assert martignas.first_convention_year == 2004
    assert [o.name for o in martignas.french_partners.all()] == ["Ville de Martignas-sur-Jalle"]
    assert martignas.foreign_authority.country.code == "SN"
    college = martignas.projects.get()
    assert college.start_on.year == 2007
    assert college.local_impacts.get().people_reached == 30
    assert college.source == world.SEED
    figuig = ForeignAuthority.objects.get(name="Commune de Figuig")
    assert figuig.location_source == "gazetteer"  # "Figuig (Centre)" in GeoNames
    assert ForeignAuthority.objects.get(name="Village de Kolobo").location_source == "manuel"
    bastida = Person.objects.get(last_name="Bastida")
    assert bastida.positions.get().organisation.name == "Ville de Martignas-sur-Jalle"


def test_every_demo_record_says_where_it_comes_from():
    load_demo_world()
    for model in (Organisation, ForeignAuthority, Partnership, Project):
        assert not model.objects.filter(source="").exists(), model


def test_demo_command_creates_the_staff_account_once(capsys):
    from django.contrib.auth import get_user_model

    call_command("demo", staff_username="equipe", staff_password="s3cret-demo-pass")
    assert "mot de passe : s3cret-demo-pass" in capsys.readouterr().out
    user = get_user_model().objects.get(username="equipe")
    assert user.is_staff and user.check_password("s3cret-demo-pass")
    call_command("demo", staff_username="equipe", staff_password="other")
    user.refresh_from_db()
    assert user.check_password("s3cret-demo-pass")


def test_generator_makes_consistent_volumes_weighted_like_the_atlas():
    counts = generate(projects=400, seed=7)
    assert counts["projets"] == 400
    projects = Project.objects.filter(source=GENERATED_SOURCE)
    assert projects.count() == 400
    assert not projects.filter(end_on__lt=F("start_on")).exists()
    countries = set(projects.values_list("country", flat=True).order_by().distinct())
    assert {"ML", "BF", "SN"} <= countries
    assert SearchEntry.objects.filter(kind="project").count() == 400
    hit = search.search(projects.first().title.split()[-1])
    assert hit
    # Every generated project has its history, like any other write.
    assert Project.history.filter(history_change_reason="Génération synthétique").count() == 400


def test_generator_can_run_twice_without_name_clashes():
    generate(projects=50, seed=1)
    generate(projects=50, seed=1)
    assert Project.objects.count() == 100
