from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "icilabas.api"
    label = "api"
    verbose_name = "API"
