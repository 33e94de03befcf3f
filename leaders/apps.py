from django.apps import AppConfig


class LeadersConfig(AppConfig):
    name = "leaders"
    verbose_name = "Citizen Leaders journey"
