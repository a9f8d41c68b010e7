from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "icilabas.members"
    verbose_name = "Membres"
