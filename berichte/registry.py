"""What `berichte` collects: the export entries, report sections, dashboard parts and Datenpaket sheets that the
apps registered in `buendnis.registry` from their `AppConfig.ready()` (see there for the design).

This is the read side, used by the export views and tasks, the Datenpaket, the Sachstandsbericht and the
dashboard panel. It names no app: whatever is registered is offered, nothing else.
"""

from __future__ import annotations

from buendnis import registry as beitraege
from buendnis.registry import Abschnittsart, Dashboardteil, ExportEintrag, Zusatzblatt


class Registry:
    def get(self, app_label: str, model_name: str) -> ExportEintrag | None:
        return beitraege.export(f"{app_label}.{model_name}".lower())

    def alle(self) -> list[ExportEintrag]:
        return beitraege.exporte()

    def fuer(self, user) -> list[ExportEintrag]:
        """The export entries `user` may run, in the order of registration."""
        return [e for e in self.alle() if e.darf(user)]

    def abschnittsarten(self) -> list[Abschnittsart]:
        """The sections of the Sachstandsbericht, in report order."""
        return beitraege.abschnittsarten()

    def dashboardteile(self) -> list[Dashboardteil]:
        return beitraege.dashboardteile()

    def zusatzblaetter(self) -> list[Zusatzblatt]:
        return beitraege.zusatzblaetter()


registry = Registry()
