from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data builders and commands; no models (see the package docstring)."""

    name = "demo"
    verbose_name = "Demo"
