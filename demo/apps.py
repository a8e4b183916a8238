from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Provides `manage.py demo_data`; no models, nothing registered."""

    name = "demo"
