"""Domain rules, checked in the services so that forms, imports and the API share them."""

import pytest
from django.core.exceptions import ValidationError

from icilabas.actors.models import Organisation
from icilabas.actors.validators import luhn_valid, validate_siren, validate_siret
from icilabas.core.services import create_record

from . import factories as f


@pytest.mark.parametrize("value", ["732829320", "552100554", "443061841"])
def test_valid_sirens(value):
    validate_siren(value)


@pytest.mark.parametrize(
    ("value", "message"),
    [("732829321", "clé de contrôle"), ("12345", "9 chiffres"), ("ABCDEFGHI", "9 chiffres")],
)
def test_invalid_sirens(value, message):
    with pytest.raises(ValidationError, match=message):
        validate_siren(value)


def test_siret_luhn_and_la_poste_exception():
    validate_siret("21330063500017")
    validate_siret("35600000000010")  # La Poste: digit sum multiple of 5, not Luhn
    assert not luhn_valid("35600000000010")
    with pytest.raises(ValidationError, match="clé de contrôle"):
        validate_siret("73282932000075")
    with pytest.raises(ValidationError, match="clé de contrôle"):
        validate_siret("35600000000011")


@pytest.mark.django_db
def test_unknown_insee_code_is_refused(author):
    with pytest.raises(ValidationError) as error:
        create_record(
            Organisation,
            user=author,
            data={"name": "Ville fantôme", "kind": "commune", "insee_code": "99999"},
        )
    assert "Code INSEE inconnu" in error.value.message_dict["insee_code"][0]
    assert not Organisation.all_objects.filter(name="Ville fantôme").exists()


@pytest.mark.django_db
def test_insee_code_fills_departement_region_and_coordinates():
    org = f.organisation(name="Ville de Martignas", insee_code="33273")
    assert org.departement.code == "33"
    assert org.region.code == "75"
    assert org.city == "Martignas-sur-Jalle"
    assert org.latitude == pytest.approx(44.845, abs=0.01)


@pytest.mark.django_db
def test_duplicate_name_within_a_kind_is_refused_case_insensitively(author):
    f.organisation(name="Ville de Pessac", kind="commune", insee_code="33318")
    with pytest.raises(ValidationError) as error:
        create_record(
            Organisation, user=author, data={"name": "VILLE DE PESSAC", "kind": "commune"}
        )
    assert "porte déjà ce nom" in error.value.message_dict["name"][0]
    # The same name is allowed for another kind of actor.
    f.organisation(name="Ville de Pessac", kind="association", insee_code="")


@pytest.mark.django_db
def test_siret_must_extend_the_siren(author):
    with pytest.raises(ValidationError) as error:
        create_record(
            Organisation,
            user=author,
            data={
                "name": "Asso",
                "kind": "association",
                "siren": "732829320",
                "siret": "21330063500017",
            },
        )
    assert "commencer par le SIREN" in error.value.message_dict["siret"][0]


@pytest.mark.django_db
def test_foreign_authority_found_in_gazetteer_gets_its_coordinates():
    authority = f.foreign_authority(name="Commune de Figuig", country="MA", locality="Figuig")
    assert authority.location_source == "gazetteer"
    assert authority.latitude == pytest.approx(32.109, abs=0.01)
    assert authority.admin_area == "Oriental"


@pytest.mark.django_db
def test_place_missing_from_gazetteer_needs_coordinates_by_hand(author):
    from icilabas.actors.models import ForeignAuthority

    with pytest.raises(ValidationError) as error:
        create_record(
            ForeignAuthority,
            user=author,
            data={"name": "Village de Kolobo", "country": "ML", "locality": "Kolobo"},
        )
    assert "saisissez sa latitude" in error.value.message_dict["locality"][0]
    placed = f.foreign_authority(
        name="Village de Kolobo", country="ML", locality="Kolobo", latitude=13.3, longitude=-6.2
    )
    assert placed.location_source == "manuel"


@pytest.mark.django_db
def test_negative_budget_is_refused(author):
    from icilabas.cooperation.models import BudgetLine

    with pytest.raises(ValidationError) as error:
        f.budget_line(amount=-1)
    assert "négatif" in error.value.message_dict["amount"][0]
    assert not BudgetLine.all_objects.exists()


@pytest.mark.django_db
def test_unknown_currency_is_refused():
    with pytest.raises(ValidationError, match="Devise inconnue"):
        f.budget_line(currency="ZZZ")


@pytest.mark.django_db
def test_project_takes_its_country_from_its_partnership():
    authority = f.foreign_authority(country="BF", locality="Banfora", name="Ville de Banfora")
    project = f.project(partnership=f.partnership(foreign_authority=authority))
    assert project.country.code == "BF"


@pytest.mark.django_db
def test_database_constraint_backs_the_date_rule():
    from django.db import IntegrityError, transaction

    project = f.project()
    with pytest.raises(IntegrityError), transaction.atomic():
        type(project).objects.filter(pk=project.pk).update(
            start_on="2020-01-01", end_on="2019-01-01"
        )
