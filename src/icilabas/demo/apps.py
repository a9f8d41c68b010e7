from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "icilabas.demo"
    label = "demo"
    verbose_name = "Démonstration"
