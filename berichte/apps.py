from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.urls import reverse_lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _


class BerichteConfig(AppConfig):
    """Reports and exports. The app registers nothing of the other apps: they register their exports, report
    sections and dashboard parts themselves (`buendnis.registry`), and this app collects them. Its own
    contributions: the targets' work items on "Meine Aufgaben" and the daily check of the quarterly values."""

    name = "berichte"
    verbose_name = _("Berichte und Exporte")

    def ready(self):
        # Imported here: the module reads the models, which exist only once the app registry is ready.
        from berichte import dashboard, steuerung, tasks
        from buendnis import registry

        # The lists of every app link their registered exports to this app's export view.
        registry.register_exportansicht("berichte:export")

        # Cache invalidation of the dashboard figures, not domain logic: any write outdates them.
        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(dashboard.bei_aenderung, dispatch_uid=f"berichte-dashboard-{id(signal)}")
        post_migrate.connect(dashboard.nach_migration, dispatch_uid="berichte-dashboard-migrate")
        # The other apps' dashboard panels cache their aggregates under the same stamps.
        registry.register_dashboard_cache(dashboard.im_bereich_gecacht, dashboard.im_bereich_cachebar)

        registry.register_arbeitsposten(
            registry.Arbeitsposten(
                key="berichte.zielsetzungen_zur_vereinbarung",
                titel=_("Zielsetzungen zur Vereinbarung"),
                zaehlen=lambda user: steuerung.zur_vereinbarung(user).count(),
                eintraege=steuerung.zur_vereinbarung_eintraege,
                alle_url=format_lazy("{}?status=vorgelegt", reverse_lazy("berichte:zielsetzung-list")),
                reihenfolge=70,
            ),
            registry.Arbeitsposten(
                key="berichte.zurueckgegebene_zielsetzungen",
                titel=_("Zurückgegebene Zielsetzungen"),
                zaehlen=lambda user: steuerung.zurueckgegebene(user).count(),
                eintraege=steuerung.zurueckgegebene_eintraege,
                alle_url=format_lazy("{}?status=entwurf", reverse_lazy("berichte:zielsetzung-list")),
                reihenfolge=71,
            ),
        )
        # At the turn of a quarter, the computed values of the agreed targets are kept (on the task queue).
        registry.register_taegliche_pruefung("berichte.quartalswerte", tasks.quartalswerte_pruefen)
