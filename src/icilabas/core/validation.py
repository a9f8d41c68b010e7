"""Validation rules shared by several domains."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def check_end_after_start(start, end, *, end_field: str = "end_on") -> None:
    if start and end and end < start:
        raise ValidationError(
            {end_field: _("La date de fin doit être postérieure à la date de début.")}
        )
