from .antrag import (
    BEANTRAGTE_STATUS,
    BEWILLIGTE_STATUS,
    AntragStatus,
    Foerderantrag,
    Kostenkategorie,
    Kostenposition,
    Mittelabruf,
    MonitoringMeldung,
    Statuswechsel,
    Verwendungsnachweis,
)
from .budget import Budget, BudgetKommune
from .programm import (
    Foerderart,
    Foerderbaustein,
    Foerderprogramm,
    RichtlinieStatus,
    Verteilung,
    Verteilungsanteil,
)
from .teilhabe import IDEE_UEBERGAENGE, IdeeStatus, Projektidee, TeilhabeFallzahl, TeilhabeStelle

__all__ = [
    "BEANTRAGTE_STATUS",
    "BEWILLIGTE_STATUS",
    "IDEE_UEBERGAENGE",
    "AntragStatus",
    "Budget",
    "BudgetKommune",
    "Foerderantrag",
    "Foerderart",
    "Foerderbaustein",
    "Foerderprogramm",
    "IdeeStatus",
    "Kostenkategorie",
    "Kostenposition",
    "Mittelabruf",
    "MonitoringMeldung",
    "Projektidee",
    "RichtlinieStatus",
    "Statuswechsel",
    "TeilhabeFallzahl",
    "TeilhabeStelle",
    "Verteilung",
    "Verteilungsanteil",
    "Verwendungsnachweis",
]
