from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class BerichteConfig(AppConfig):
    """Reports and exports. The app registers nothing of the other apps: they register their exports, report
    sections and dashboard parts themselves (`buendnis.registry`), and this app collects them."""

    name = "berichte"
    verbose_name = _("Berichte und Exporte")

    def ready(self):
        # Imported here: the module reads the models, which exist only once the app registry is ready.
        from berichte import dashboard
        from buendnis import registry

        # The lists of every app link their registered exports to this app's export view.
        registry.register_exportansicht("berichte:export")

        # Cache invalidation of the dashboard figures, not domain logic: any write outdates them.
        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(dashboard.bei_aenderung, dispatch_uid=f"berichte-dashboard-{id(signal)}")
        post_migrate.connect(dashboard.nach_migration, dispatch_uid="berichte-dashboard-migrate")
