from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "shnor_portal.ops"
    label = "ops"
    verbose_name = "Operations"
