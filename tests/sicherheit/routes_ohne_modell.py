"""Function views name no model; which model their URL parameters point at (full URL name -> param -> model),
and fixed values for parameters that are no row (an action, a format, a category code).

New function views with parameters must be added here, else the generic tests skip them (and
test_every_row_route_is_mapped in test_cross_buendnis_alle_apps.py fails with the route's name).
"""

from angebote.models import Angebot
from bedarf.models import Bedarfskategorie, Datenluecke, Erhebung
from berichte.models import Bericht, Exportauftrag, Indikator, Zielsetzung
from buendnis.models import (
    Aufgabe,
    Benachrichtigung,
    Beschluss,
    Buendnis,
    Kommune,
    Sitzung,
    Tagesordnungspunkt,
    Vereinbarungsdokument,
    Verfahrensvereinbarung,
)
from foerderung.models import Foerderantrag, Haushaltssicherung, Projektidee, TeilhabeStelle, Verteilung

FUNCTION_VIEW_MODELS = {
    "buendnis:top-create": {"pk": Sitzung},
    "buendnis:beschluss-create": {"pk": Sitzung},
    "buendnis:aufgabe-status": {"pk": Aufgabe},
    "buendnis:dokument-create": {"pk": Verfahrensvereinbarung},
    "buendnis:dokument-download": {"pk": Vereinbarungsdokument},
    "angebote:angebot-aktion": {"pk": Angebot},
    "angebote:angebot-pruefung": {"pk": Angebot},
    "angebote:angebot-bestaetigen": {"pk": Angebot},
    "bedarf:erhebung-detail": {"pk": Erhebung},
    "bedarf:meldung-vorlage": {"pk": Erhebung},
    "bedarf:meldung-import": {"pk": Erhebung},
    "bedarf:erhebung-abschliessen": {"pk": Erhebung},
    "bedarf:erhebung-erinnern": {"pk": Erhebung},
    "bedarf:meldung-bearbeiten": {"pk": Erhebung},
    "bedarf:luecken": {"pk": Erhebung},
    "bedarf:luecke-angebote": {"pk": Erhebung},
    "bedarf:export": {"pk": Erhebung},
    "bedarf:datenluecke-status": {"pk": Datenluecke},
    "foerderung:verteilung-berechnen": {"pk": Verteilung},
    "foerderung:verteilung-uebernehmen": {"pk": Verteilung},
    "foerderung:verteilung-export": {"pk": Verteilung},
    "foerderung:verteilung-import": {"pk": Verteilung},
    "foerderung:antrag-update": {"pk": Foerderantrag},
    "foerderung:antrag-status": {"pk": Foerderantrag},
    "foerderung:antrag-bewilligen": {"pk": Foerderantrag},
    "foerderung:antrag-ablehnen": {"pk": Foerderantrag},
    "foerderung:antrag-mittelabruf": {"pk": Foerderantrag},
    "foerderung:antrag-vn": {"pk": Foerderantrag},
    "foerderung:antrag-monitoring": {"pk": Foerderantrag},
    "foerderung:teilhabe-fallzahl": {"pk": TeilhabeStelle},
    "foerderung:idee-status": {"pk": Projektidee},
    "foerderung:teilnahme-detail": {"pk": Kommune},
    "foerderung:teilnahme-dokument": {"pk": Kommune},
    "foerderung:haushaltssicherung-create": {"pk": Kommune},
    "foerderung:haushaltssicherung-update": {"pk": Haushaltssicherung},
    "berichte:bericht-download": {"pk": Bericht},
    "berichte:bericht-status": {"pk": Bericht},
    "berichte:protokoll": {"pk": Sitzung},
    "berichte:exportauftrag-detail": {"pk": Exportauftrag},
    "berichte:exportauftrag-status": {"pk": Exportauftrag},
    "berichte:exportauftrag-download": {"pk": Exportauftrag},
    "buendnis:benachrichtigung-oeffnen": {"pk": Benachrichtigung},
    "buendnis:sitzung-einladen": {"pk": Sitzung},
    "buendnis:sitzung-absagen": {"pk": Sitzung},
    "buendnis:sitzung-status": {"pk": Sitzung},
    "buendnis:sitzung-teilnahme": {"pk": Sitzung},
    "buendnis:sitzung-gast-create": {"pk": Sitzung},
    "buendnis:sitzung-gast-delete": {"pk": Sitzung},
    "buendnis:sitzung-protokoll": {"pk": Sitzung},
    "buendnis:sitzung-protokoll-genehmigen": {"pk": Sitzung},
    "buendnis:top-verschieben": {"pk": Tagesordnungspunkt},
    "buendnis:beschluss-update": {"pk": Beschluss},
    "berichte:land-buendnis": {"pk": Buendnis},
    "berichte:zielsetzung-detail": {"pk": Zielsetzung},
    "berichte:zielsetzung-update": {"pk": Zielsetzung},
    "berichte:zielsetzung-aktion": {"pk": Zielsetzung},
    "berichte:indikator-create": {"pk": Zielsetzung},
    "berichte:indikator-update": {"pk": Indikator},
    "berichte:indikator-delete": {"pk": Indikator},
    "berichte:indikatorwert-create": {"pk": Indikator},
}


def _erste_aktion() -> str:
    from angebote.services import TRANSITIONS

    return next(iter(TRANSITIONS)).action


def _erste_kategorie() -> str:
    kategorie = Bedarfskategorie.objects.order_by("pk").first()
    return kategorie.code if kategorie else "x"


# Parameters that name no row: full URL name -> param -> value (or a callable giving it).
FIXED_PARAMS = {
    "angebote:angebot-aktion": {"aktion": _erste_aktion},
    "angebote:angebot-uebersetzung": {"sprache": "en"},
    "bedarf:luecke-angebote": {"kategorie": _erste_kategorie},
    "bedarf:export": {"fmt": "csv"},
    "berichte:bericht-download": {"fmt": "html"},
    "berichte:protokoll": {"fmt": "html"},
    "berichte:land-export": {"fmt": "csv"},
    "berichte:zielsetzung-aktion": {"aktion": "vorlegen"},
    # The calendar feed's secret token names no row: an unknown one answers 404 to everybody.
    "buendnis:kalender-feed": {"token": "unbekannter-token"},
    "angebote:optionen": {"art": "kommunen"},
}

# Routes whose parameters name no row at all (a list or export of a model, filtered by visible_to).
# The calendar feed's token is a secret key, not a row: its own tests (tests/buendnis/test_kalender.py) show that
# one person's feed holds nothing of another's. The options of a searchable select (`angebote:optionen`, `art`
# names a list such as "kommunen") are the scoped rows of that list (tests/angebote/test_optionen.py).
NO_ROW_ROUTES = {"berichte:export", "berichte:land-export", "buendnis:kalender-feed", "angebote:optionen"}


def fixed_value(route_name: str, param: str):
    value = FIXED_PARAMS.get(route_name, {}).get(param)
    return value() if callable(value) else value
