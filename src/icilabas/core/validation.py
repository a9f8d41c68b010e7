"""Validation rules shared by several domains."""

from django.core.exceptions import ValidationError


def check_end_after_start(start, end, *, end_field: str = "end_on") -> None:
    if start and end and end < start:
        raise ValidationError(
            {end_field: "La date de fin doit être postérieure à la date de début."}
        )
