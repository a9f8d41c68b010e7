from django.apps import AppConfig


class ReferenceConfig(AppConfig):
    name = "icilabas.reference"
    label = "reference"
    verbose_name = "Données de référence"
