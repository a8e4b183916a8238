"""Stable identifiers shared by all apps. Values are lowercase and never translated."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Rolle(models.TextChoices):
    KOORDINATION = "koordination", _("Koordination (Geschäftsführende Stelle)")
    KOMMUNE = "kommune", _("Kommune")
    MITGLIED = "mitglied", _("Bündnismitglied")
    AUSWERTUNG = "auswertung", _("Auswertung")
    LAND = "land", _("Land")


class BuendnisArt(models.TextChoices):
    KREIS = "kreis", _("Kreis")
    KREISFREIE_STADT = "kreisfreie_stadt", _("kreisfreie Stadt")


class Regierungsbezirk(models.TextChoices):
    """The 19 Regierungsbezirke of Germany (Destatis, 2023): only Baden-Württemberg, Bayern, Hessen and
    Nordrhein-Westfalen have them; a Bündnis in another Land has none (the field stays empty)."""

    # Nordrhein-Westfalen
    ARNSBERG = "arnsberg", "Arnsberg"
    DETMOLD = "detmold", "Detmold"
    DUESSELDORF = "duesseldorf", "Düsseldorf"
    KOELN = "koeln", "Köln"
    MUENSTER = "muenster", "Münster"
    # Baden-Württemberg
    FREIBURG = "freiburg", "Freiburg"
    KARLSRUHE = "karlsruhe", "Karlsruhe"
    STUTTGART = "stuttgart", "Stuttgart"
    TUEBINGEN = "tuebingen", "Tübingen"
    # Bayern
    MITTELFRANKEN = "mittelfranken", "Mittelfranken"
    NIEDERBAYERN = "niederbayern", "Niederbayern"
    OBERBAYERN = "oberbayern", "Oberbayern"
    OBERFRANKEN = "oberfranken", "Oberfranken"
    OBERPFALZ = "oberpfalz", "Oberpfalz"
    SCHWABEN = "schwaben", "Schwaben"
    UNTERFRANKEN = "unterfranken", "Unterfranken"
    # Hessen
    DARMSTADT = "darmstadt", "Darmstadt"
    GIESSEN = "giessen", "Gießen"
    KASSEL = "kassel", "Kassel"


# The Länder with Regierungsbezirke (first two digits of the Kreisschlüssel) and theirs.
LAENDER_MIT_REGIERUNGSBEZIRKEN: dict[str, str] = {
    "05": "Nordrhein-Westfalen",
    "08": "Baden-Württemberg",
    "09": "Bayern",
    "06": "Hessen",
}
REGIERUNGSBEZIRKE_JE_LAND: dict[str, tuple[str, ...]] = {
    "05": ("arnsberg", "detmold", "duesseldorf", "koeln", "muenster"),
    "06": ("darmstadt", "giessen", "kassel"),
    "08": ("freiburg", "karlsruhe", "stuttgart", "tuebingen"),
    "09": (
        "mittelfranken",
        "niederbayern",
        "oberbayern",
        "oberfranken",
        "oberpfalz",
        "schwaben",
        "unterfranken",
    ),
}


class Baustein(models.TextChoices):
    """The six Förderbausteine of "Durchstarten in Ausbildung und Arbeit" (link target for offers)."""

    F1 = "f1", _("F1 Coaching")
    F2 = "f2", _("F2 Berufsbegleitende Qualifizierung / Sprachförderung")
    F3 = "f3", _("F3 Nachträglicher Erwerb eines Schulabschlusses")
    F4 = "f4", _("F4 Kurse")
    F5 = "f5", _("F5 Innovationsfonds")
    F6 = "f6", _("F6 Teilhabemanagement")


class Kernaufgabe(models.TextChoices):
    """The nine tasks of the Bündniskerngruppe as listed in the committee paper."""

    PRIORITAETEN = "prioritaeten", _("Festlegung von Prioritäten für die lokale Initiative")
    LENKUNG = "lenkung", _("Lenkungsfunktion")
    FOREN = "foren", _("Einrichtung von Bündnisforen (Arbeitsgruppen)")
    MULTIPLIKATOREN = "multiplikatoren", _("Multiplikatorenfunktion")
    DATENLAGE = "datenlage", _("Wissen über die lokale Lebenssituation der Zielgruppe (Datenlage verbessern)")
    BEDARFSERHEBUNG = "bedarfserhebung", _("Koordinierung der Erhebung von Bedarfen der Zielgruppe")
    TRANSPARENZ = "transparenz", _("Schaffung von Transparenz über bestehende Strukturen und Angebote")
    VERFAHRENSVEREINBARUNGEN = "verfahrensvereinbarungen", _("Entwicklung von Verfahrensvereinbarungen")
    ANGEBOTSPLANUNG = "angebotsplanung", _("Planung von lokalen Angeboten")
