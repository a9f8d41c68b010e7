from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "icilabas.matching"
    label = "matching"
    verbose_name = "Doublons et recoupements"
