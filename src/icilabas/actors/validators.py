"""Identifiers of French organisations: SIREN (9 digits) and SIRET (14), both with a Luhn key."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Most of La Poste's establishments break the Luhn rule on SIRET: INSEE accepts them when the
# sum of their digits is a multiple of 5.
LA_POSTE_SIREN = "356000000"


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def validate_siren(value: str) -> None:
    if not (value.isdigit() and len(value) == 9):
        raise ValidationError(
            _("Le SIREN doit comporter exactement 9 chiffres."), code="siren_format"
        )
    if not luhn_valid(value):
        raise ValidationError(
            _("Ce SIREN est invalide : sa clé de contrôle (Luhn) ne correspond pas."),
            code="siren_key",
        )


def validate_siret(value: str) -> None:
    if not (value.isdigit() and len(value) == 14):
        raise ValidationError(
            _("Le SIRET doit comporter exactement 14 chiffres."), code="siret_format"
        )
    if value.startswith(LA_POSTE_SIREN) and sum(int(c) for c in value) % 5 == 0:
        return
    if not luhn_valid(value):
        raise ValidationError(
            _("Ce SIRET est invalide : sa clé de contrôle (Luhn) ne correspond pas."),
            code="siret_key",
        )
