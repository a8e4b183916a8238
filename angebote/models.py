"""The offer catalogue ("Transparenz über bestehende Strukturen und Angebote").

`Kategorie` and `Aufenthaltsstatus` are global lookup tables (seeded by a data migration, `code` is the stable
identifier other apps use). An `Angebot` belongs to one Bündnis, runs in one or more Kommunen or kreisweit, and
records per residence status whether it is accessible (`Zugang`).
"""

from __future__ import annotations

import datetime
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator, URLValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from parler.models import TranslatableModelMixin, TranslatedFields
from simple_history.models import HistoricalRecords

from buendnis.choices import Baustein, Rolle
from buendnis.models import Akteur, Ansprechperson, Buendnis, BuendnisQuerySet, Kommune, TimestampedModel
from buendnis.models.base import AbstractStatuswechsel, sees_all_buendnisse

# An offer whose data were not confirmed for this long is flagged "Aktualität prüfen".
AKTUALITAET_MONATE = 12


def aktualitaet_stichtag(heute: datetime.date | None = None) -> datetime.date:
    """The date before which a confirmation counts as outdated (twelve months back, Feb 29 safe)."""
    heute = heute or timezone.localdate()
    jahr, monat = divmod(heute.month - 1 - AKTUALITAET_MONATE, 12)
    jahr, monat = heute.year + jahr, monat + 1
    for tag in (heute.day, 30, 29, 28):
        try:
            return datetime.date(jahr, monat, tag)
        except ValueError:
            continue
    raise AssertionError("unreachable")


class LookupQuerySet(models.QuerySet):
    """Global lookup tables: everyone signed in reads them; no Bündnis owns them."""

    def visible_to(self, user):
        return self if getattr(user, "is_authenticated", False) else self.none()

    def aktiv(self):
        return self.filter(aktiv=True)


# A cited section of a law: "§ 25 Abs. 5", "§ 60a", "§ 25b".
PARAGRAPH = re.compile(r"§\s*\d+[a-z]?(?:\s*Abs\.\s*\d+(?:\s*[–-]\s*\d+)?)?")


class Aufenthaltsstatus(models.Model):
    """A residence status (Aufenthaltstitel or Duldung/Gestattung) the access matrix distinguishes."""

    code = models.SlugField(_("Code"), max_length=40, unique=True)
    bezeichnung = models.CharField(_("Bezeichnung"), max_length=200, unique=True)
    kurzbezeichnung = models.CharField(_("Kurzbezeichnung"), max_length=40, blank=True)
    rechtsgrundlage = models.CharField(_("Rechtsgrundlage"), max_length=100, blank=True)
    sgb_zugang = models.BooleanField(
        _("in der Regel Zugang zu SGB II/XII"),
        default=False,
        help_text=_(
            "Ob Menschen mit diesem Status in der Regel Leistungen nach SGB II oder SGB XII erhalten."
        ),
    )
    hinweis = models.TextField(_("Hinweis"), blank=True)
    reihenfolge = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)
    aktiv = models.BooleanField(_("aktiv"), default=True)

    objects = LookupQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Aufenthaltsstatus")
        verbose_name_plural = _("Aufenthaltsstatus")
        ordering = ["reihenfolge", "bezeichnung"]

    def __str__(self):
        return self.bezeichnung

    @property
    def kurz(self) -> str:
        return self.kurzbezeichnung or self.bezeichnung

    @property
    def rechtsgrundlage_zusatz(self) -> str:
        """The legal basis to show beside the name; empty when the name cites it already ("Aufenthaltserlaubnis
        § 25 Abs. 5 AufenthG" is not followed by "§ 25 Abs. 5 AufenthG" again)."""
        zitate = [re.sub(r"\s+", "", z) for z in PARAGRAPH.findall(self.rechtsgrundlage)]
        name = re.sub(r"\s+", "", self.bezeichnung)
        if zitate and all(z in name for z in zitate):
            return ""
        return self.rechtsgrundlage


class Kategorie(models.Model):
    """A kind of offer (Deutschförderung, Schulabschluss, ...); the rows of the access matrix."""

    code = models.SlugField(_("Code"), max_length=40, unique=True)
    bezeichnung = models.CharField(_("Bezeichnung"), max_length=200, unique=True)
    beschreibung = models.TextField(_("Beschreibung"), blank=True)
    ist_ziel = models.BooleanField(
        _("Ziel einer Bildungskette"),
        default=False,
        help_text=_(
            "Angebote dieser Kategorie brauchen kein Anschlussangebot (z. B. Arbeit und Beschäftigung)."
        ),
    )
    reihenfolge = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)
    aktiv = models.BooleanField(_("aktiv"), default=True)

    objects = LookupQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Kategorie")
        verbose_name_plural = _("Kategorien")
        ordering = ["reihenfolge", "bezeichnung"]

    def __str__(self):
        return self.bezeichnung


class Finanzierung(models.TextChoices):
    """Rechtskreis or source of funding of an offer."""

    SGB_II = "sgb2", _("SGB II")
    SGB_III = "sgb3", _("SGB III")
    SGB_VIII = "sgb8", _("SGB VIII")
    ASYLBLG = "asylblg", _("AsylbLG")
    LAND = "land", _("Land")
    KOMMUNE = "kommune", _("Kommune")
    BUND = "bund", _("Bund/BAMF")
    ESF = "esf", _("ESF")
    SPENDEN = "spenden", _("Spenden")
    SONSTIGE = "sonstige", _("sonstige")


class Sprachniveau(models.TextChoices):
    """Levels of the Common European Framework of Reference (GER)."""

    A1 = "a1", "A1"
    A2 = "a2", "A2"
    B1 = "b1", "B1"
    B2 = "b2", "B2"
    C1 = "c1", "C1"
    C2 = "c2", "C2"


SPRACHNIVEAU_RANG = {wert: i for i, wert in enumerate(Sprachniveau.values, 1)}


class AngebotStatus(models.TextChoices):
    ENTWURF = "entwurf", _("Entwurf")
    ZUR_PRUEFUNG = "zur_pruefung", _("zur Prüfung")
    VEROEFFENTLICHT = "veroeffentlicht", _("veröffentlicht")
    ARCHIVIERT = "archiviert", _("archiviert")


class Pruefergebnis(models.TextChoices):
    GEEIGNET = "geeignet", _("geeignet")
    NACHBESSERUNG = "nachbesserung", _("Nachbesserung nötig")
    NICHT_GEEIGNET = "nicht_geeignet", _("nicht geeignet")


class ZugangArt(models.TextChoices):
    OFFEN = "offen", _("offen")
    EINGESCHRAENKT = "eingeschraenkt", _("mit Einschränkung")
    NICHT = "nicht", _("nicht zugänglich")


ZUGAENGLICH = (ZugangArt.OFFEN, ZugangArt.EINGESCHRAENKT)


def erreichbar_q(kommune_id: int, buendnis_id) -> Q:
    """Offers reachable from a Kommune: run there, or kreisweit in its Bündnis (`buendnis_id`: a value or a
    subquery)."""
    eigene = Angebot.kommunen.through.objects.filter(angebot_id=OuterRef("pk"), kommune_id=kommune_id)
    return Q(Exists(eigene)) | Q(kreisweit=True, buendnis_id=buendnis_id)


class AngebotQuerySet(BuendnisQuerySet):
    """Which offers a user sees and edits.

    Every role of a Bündnis reads its offers; drafts are read only by the Kommunen they concern, the
    coordination, the evaluation and the staff of their Träger (a member account with that Akteur). A Kommune
    edits only offers that are its own alone (`_eigene_kommune_q`), Träger staff those of their own Akteur.
    The state and superusers read everything.
    """

    def _eigene_kommune_q(self, kommune_id: int | None) -> Q:
        """Offers of one Kommune: run only there, or kreisweit with a Träger from that Kommune."""
        if not kommune_id:
            return Q(pk__in=[])
        fremde = Angebot.kommunen.through.objects.filter(angebot_id=OuterRef("pk")).exclude(
            kommune_id=kommune_id
        )
        eigene = Angebot.kommunen.through.objects.filter(angebot_id=OuterRef("pk"), kommune_id=kommune_id)
        return (Q(kreisweit=False) & Exists(eigene) & ~Exists(fremde)) | Q(
            kreisweit=True, traeger__kommune_id=kommune_id
        )

    def visible_to(self, user):
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if sees_all_buendnisse(user):
            return self
        if not user.buendnis_id:
            return self.none()
        qs = self.for_buendnis(user.buendnis_id)
        if user.rolle in (Rolle.KOORDINATION, Rolle.AUSWERTUNG):
            return qs
        entwuerfe_erlaubt = Q(pk__in=[])
        if user.rolle == Rolle.KOMMUNE and user.kommune_id:
            # Drafts that concern the Kommune: run there (also with others), or kreisweit with its Träger.
            beteiligt = Angebot.kommunen.through.objects.filter(
                angebot_id=OuterRef("pk"), kommune_id=user.kommune_id
            )
            entwuerfe_erlaubt = Exists(beteiligt) | Q(kreisweit=True, traeger__kommune_id=user.kommune_id)
        if user.rolle == Rolle.MITGLIED and user.akteur_id:
            # Träger staff: the drafts of their own organisation's offers.
            entwuerfe_erlaubt = Q(traeger_id=user.akteur_id)
        return qs.filter(~Q(status=AngebotStatus.ENTWURF) | entwuerfe_erlaubt)

    def editable_by(self, user):
        """Rows a user may change at all (the status rules in `rules.py` narrow this per row)."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self
        if not user.buendnis_id:
            return self.none()
        qs = self.for_buendnis(user.buendnis_id)
        if user.rolle == Rolle.KOORDINATION:
            return qs
        if user.rolle == Rolle.KOMMUNE:
            return qs.filter(self._eigene_kommune_q(user.kommune_id))
        if user.rolle == Rolle.MITGLIED and user.akteur_id:
            # Träger staff edit the offers of their own organisation.
            return qs.filter(traeger_id=user.akteur_id)
        return self.none()

    def oeffentlich(self):
        """What the public catalogue shows: published offers only."""
        return self.filter(status=AngebotStatus.VEROEFFENTLICHT)

    def veroeffentlicht(self):
        return self.filter(status=AngebotStatus.VEROEFFENTLICHT)

    def veraltet(self, heute: datetime.date | None = None):
        """Published offers not confirmed for twelve months ("Aktualität prüfen")."""
        grenze = aktualitaet_stichtag(heute)
        return self.filter(status=AngebotStatus.VEROEFFENTLICHT).filter(
            Q(bestaetigt_am__isnull=True) | Q(bestaetigt_am__lt=grenze)
        )

    def laufend_am(self, stichtag: datetime.date):
        """Offers running on a reference date (no dates means ongoing)."""
        return self.filter(Q(beginn__isnull=True) | Q(beginn__lte=stichtag)).filter(
            Q(laufend=True) | Q(ende__isnull=True) | Q(ende__gte=stichtag)
        )

    def in_kommune(self, kommune_id: int):
        """Offers reachable from a Kommune: run there, or kreisweit in the Kommune's Bündnis."""
        buendnis_id = Subquery(Kommune.objects.filter(pk=kommune_id).values("buendnis_id")[:1])
        return self.filter(erreichbar_q(kommune_id, buendnis_id))

    def zugaenglich_fuer(self, status_id: int):
        """Offers open (or open with a condition) to people with this residence status."""
        return self.filter(
            Exists(Zugang.objects.filter(angebot_id=OuterRef("pk"), status_id=status_id, art__in=ZUGAENGLICH))
        )

    def oeffnung_moeglich_fuer(self, status_id: int):
        """Offers not (fully) open to this status where the Bündnis sees a way to open them."""
        return self.filter(
            Exists(
                Zugang.objects.filter(
                    angebot_id=OuterRef("pk"), status_id=status_id, oeffnung_moeglich=True
                ).exclude(art=ZugangArt.OFFEN)
            )
        )

    def fuer_zelle(
        self,
        *,
        kategorie_id: int,
        status_id: int,
        kommune_id: int | None = None,
        stichtag: datetime.date | None = None,
    ):
        """The offers behind one cell of the access matrix / gap analysis (drill-down).

        Published, running on `stichtag` (default today), of the Kategorie, accessible for the status; with
        `kommune_id` also restricted to offers reachable from that Kommune (kreisweit ones included).
        """
        qs = (
            self.veroeffentlicht()
            .laufend_am(stichtag or timezone.localdate())
            .filter(kategorie_id=kategorie_id)
            .zugaenglich_fuer(status_id)
        )
        if kommune_id:
            qs = qs.in_kommune(kommune_id)
        return qs

    def for_list(self):
        # The rows show Träger, category and places (`angebote.views.katalogzeilen`); the rules read `buendnis_id`.
        return (
            self.select_related("traeger", "kategorie").prefetch_related("kommunen").order_by("titel", "pk")
        )

    def for_export(self):
        return (
            self.select_related("traeger", "kategorie", "ansprechperson", "buendnis")
            .prefetch_related("kommunen", "anschlussangebote", "zugaenge__status")
            .order_by("titel", "pk")
        )

    def for_public(self):
        return (
            self.oeffentlich()
            .select_related("traeger", "kategorie", "ansprechperson")
            .prefetch_related("kommunen")
            .order_by("titel", "pk")
        )


TELEFON_VALIDATOR = RegexValidator(
    r"^\+?[0-9][0-9 ()/\-]{4,38}$",
    _("Bitte geben Sie eine Telefonnummer nur mit Ziffern, Leerzeichen, +, /, - und Klammern an."),
)
PLZ_VALIDATOR = RegexValidator(r"^\d{5}$", _("Die Postleitzahl hat genau fünf Ziffern."))

# The texts of an offer that a Kommune or Träger may translate for the public catalogue (German is the master,
# kept in the offer's own fields; `uebersetzungen` holds the other languages, see `angebote.oeffentlich`).
UEBERSETZBARE_FELDER = ("titel", "beschreibung", "zeiten", "anmeldung_hinweis")

# The sections of an offer's fields, shared by the staff form and the admin.
TEILNAHME_FELDER = ("kontakt_name", "kontakt_telefon", "kontakt_email", "anmeldung_url", "anmeldung_hinweis")
ORT_FELDER = ("kreisweit", "kommunen", "online", "adresse", "plz", "ort")
ZEIT_FELDER = ("zeiten", "beginn", "ende", "laufend", "stunden_pro_woche")
RAHMEN_FELDER = (
    "foerderbaustein",
    "finanzierung",
    "alter_von",
    "alter_bis",
    "deutsch_voraussetzung",
    "deutsch_ziel",
    "plaetze",
    "freie_plaetze",
    "kosten",
    "kinderbetreuung",
)


class Angebot(TranslatableModelMixin, TimestampedModel):
    """An offer for young refugees: a course, a school programme, coaching, volunteer support, ...

    The German texts are the offer's own fields; translations into the public catalogue's languages are kept by
    django-parler in `uebersetzungen` (fields with the suffix `_uebersetzt`). A published offer names a way to
    take part: a contact with phone or e-mail, or a registration link; a place or "online"; and times
    (`fehlende_teilnahmewege`).
    """

    buendnis = models.ForeignKey(
        Buendnis, on_delete=models.PROTECT, related_name="angebote", verbose_name=_("Bündnis")
    )
    kennung = models.CharField(
        _("Kennung"),
        max_length=40,
        help_text=_("Stabile Kennung, z. B. für den erneuten Import einer Tabelle."),
    )
    titel = models.CharField(_("Titel"), max_length=200)
    beschreibung = models.TextField(_("Beschreibung"), blank=True)
    traeger = models.ForeignKey(
        Akteur, on_delete=models.PROTECT, related_name="angebote", verbose_name=_("Träger")
    )
    kreisweit = models.BooleanField(
        _("kreisweit"), default=False, help_text=_("Das Angebot steht Menschen aus allen Kommunen offen.")
    )
    kommunen = models.ManyToManyField(
        Kommune, blank=True, related_name="angebote", verbose_name=_("Kommunen")
    )
    adresse = models.CharField(
        _("Straße und Hausnummer"),
        max_length=300,
        blank=True,
        help_text=_("Wo das Angebot stattfindet, z. B. „Markt 1“. Für die Wegbeschreibung im Katalog."),
    )
    plz = models.CharField(_("Postleitzahl"), max_length=5, blank=True, validators=[PLZ_VALIDATOR])
    ort = models.CharField(_("Ort"), max_length=100, blank=True)
    online = models.BooleanField(
        _("findet online statt"), default=False, help_text=_("Ganz oder teilweise online, ohne festen Ort.")
    )
    zeiten = models.CharField(
        _("Öffnungs- oder Kurszeiten"),
        max_length=500,
        blank=True,
        help_text=_("Wann man kommen kann, z. B. „Mo–Do 9–12 Uhr“ oder „dienstags 16 Uhr, nach Absprache“."),
    )
    kontakt_name = models.CharField(
        _("Kontakt (Person oder Stelle)"),
        max_length=200,
        blank=True,
        help_text=_("An wen sich Interessierte wenden, z. B. „Frau Yılmaz“ oder „Bildungsberatung“."),
    )
    kontakt_telefon = models.CharField(
        _("Telefon"), max_length=40, blank=True, validators=[TELEFON_VALIDATOR]
    )
    kontakt_email = models.EmailField(_("E-Mail"), blank=True)
    anmeldung_url = models.URLField(
        _("Link zur Anmeldung"),
        max_length=500,
        blank=True,
        validators=[URLValidator(schemes=["https", "http"])],
    )
    anmeldung_hinweis = models.CharField(
        _("So melden Sie sich an"),
        max_length=500,
        blank=True,
        help_text=_("z. B. „Einfach vorbeikommen“ oder „Anmeldung über das Jobcenter“."),
    )
    kategorie = models.ForeignKey(
        Kategorie, on_delete=models.PROTECT, related_name="angebote", verbose_name=_("Kategorie")
    )
    foerderbaustein = models.CharField(
        _("Förderbaustein"), max_length=2, choices=Baustein.choices, blank=True
    )
    finanzierung = models.CharField(
        _("Rechtskreis/Finanzierung"), max_length=20, choices=Finanzierung.choices, blank=True
    )
    alter_von = models.PositiveSmallIntegerField(
        _("Alter von"), default=18, validators=[MinValueValidator(10), MaxValueValidator(99)]
    )
    alter_bis = models.PositiveSmallIntegerField(
        _("Alter bis"), default=27, validators=[MinValueValidator(10), MaxValueValidator(99)]
    )
    deutsch_voraussetzung = models.CharField(
        _("Deutschkenntnisse vorausgesetzt"), max_length=2, choices=Sprachniveau.choices, blank=True
    )
    deutsch_ziel = models.CharField(
        _("Deutschniveau am Ende"), max_length=2, choices=Sprachniveau.choices, blank=True
    )
    plaetze = models.PositiveIntegerField(_("Plätze je Durchgang"), null=True, blank=True)
    freie_plaetze = models.PositiveIntegerField(_("freie Plätze"), null=True, blank=True)
    beginn = models.DateField(_("Beginn"), null=True, blank=True)
    ende = models.DateField(_("Ende"), null=True, blank=True)
    laufend = models.BooleanField(_("laufender Einstieg"), default=False)
    stunden_pro_woche = models.DecimalField(
        _("Stunden pro Woche"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(60)],
    )
    kosten = models.DecimalField(
        _("Kosten für Teilnehmende (EUR)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    kinderbetreuung = models.BooleanField(_("Kinderbetreuung vorhanden"), default=False)
    ansprechperson = models.ForeignKey(
        Ansprechperson,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="angebote",
        verbose_name=_("Ansprechperson"),
    )
    status = models.CharField(
        _("Status"), max_length=20, choices=AngebotStatus.choices, default=AngebotStatus.ENTWURF
    )
    rueckmeldung = models.TextField(
        _("Rückmeldung der Koordination"), blank=True, help_text=_("Kommentar beim Zurückgeben.")
    )
    pruefung_am = models.DateField(_("Qualitätsprüfung am"), null=True, blank=True)
    pruefung_durch = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("geprüft von"),
    )
    pruefung_ergebnis = models.CharField(
        _("Ergebnis der Qualitätsprüfung"), max_length=20, choices=Pruefergebnis.choices, blank=True
    )
    pruefung_notiz = models.TextField(_("Notiz zur Qualitätsprüfung"), blank=True)
    bestaetigt_am = models.DateField(_("zuletzt bestätigt am"), null=True, blank=True)
    anschlussangebote = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="vorangebote",
        verbose_name=_("Anschlussangebote"),
    )
    aufenthaltsstatus = models.ManyToManyField(
        Aufenthaltsstatus, through="Zugang", related_name="angebote", verbose_name=_("Zugang nach Status")
    )
    version = models.PositiveIntegerField(_("Version"), default=1)
    erstellt_von = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("angelegt von"),
    )

    uebersetzungen = TranslatedFields(
        titel_uebersetzt=models.CharField(_("Titel"), max_length=200, blank=True),
        beschreibung_uebersetzt=models.TextField(_("Beschreibung"), blank=True),
        zeiten_uebersetzt=models.CharField(_("Öffnungs- oder Kurszeiten"), max_length=500, blank=True),
        anmeldung_hinweis_uebersetzt=models.CharField(_("So melden Sie sich an"), max_length=500, blank=True),
        meta={"verbose_name": _("Übersetzung eines Angebots"), "verbose_name_plural": _("Übersetzungen")},
    )

    objects = AngebotQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[kommunen, anschlussangebote])

    class Meta:
        verbose_name = _("Angebot")
        verbose_name_plural = _("Angebote")
        ordering = ["titel"]
        constraints = [
            models.UniqueConstraint(
                fields=["buendnis", "kennung"], name="angebot_kennung_unique_per_buendnis"
            ),
            models.CheckConstraint(
                condition=Q(alter_von__lte=models.F("alter_bis")), name="angebot_alter_von_bis"
            ),
            models.CheckConstraint(
                condition=Q(beginn__isnull=True) | Q(ende__isnull=True) | Q(ende__gte=models.F("beginn")),
                name="angebot_ende_nach_beginn",
            ),
        ]
        indexes = [
            models.Index(fields=["buendnis", "status"], name="angebot_buendnis_status_idx"),
            # The catalogue and the export read offers in this order (a server-side cursor needs no sort).
            models.Index(fields=["titel", "id"], name="angebote_titel_id_idx"),
            # Counts by status and the "not confirmed for a year" check across all Bündnisse (the state's
            # dashboard): an index-only scan instead of reading every offer.
            models.Index(fields=["status", "bestaetigt_am"], name="angebot_status_bestaetigt_idx"),
        ]
        permissions = [
            ("submit_angebot", _("Angebot zur Prüfung einreichen")),
            ("publish_angebot", _("Angebot veröffentlichen")),
            ("return_angebot", _("Angebot zurückgeben")),
            ("archive_angebot", _("Angebot archivieren")),
            ("withdraw_angebot", _("Angebot zurücknehmen")),
            ("reactivate_angebot", _("Angebot reaktivieren")),
            ("check_angebot", _("Qualitätsprüfung erfassen")),
            ("confirm_angebot", _("Aktualität bestätigen")),
            ("import_angebot", _("Angebote importieren")),
            ("export_angebot", _("Angebote exportieren")),
        ]

    def __str__(self):
        return self.titel

    def get_absolute_url(self):
        return reverse("angebote:angebot-detail", args=[self.pk])

    def clean(self):
        super().clean()
        errors = {}
        if self.alter_von is not None and self.alter_bis is not None and self.alter_von > self.alter_bis:
            errors["alter_bis"] = _("Das Höchstalter liegt unter dem Mindestalter.")
        if self.beginn and self.ende and self.ende < self.beginn:
            errors["ende"] = _("Das Ende liegt vor dem Beginn.")
        if self.plaetze is not None and self.freie_plaetze is not None and self.freie_plaetze > self.plaetze:
            errors["freie_plaetze"] = _("Es kann nicht mehr freie Plätze als Plätze geben.")
        if (
            self.deutsch_voraussetzung
            and self.deutsch_ziel
            and SPRACHNIVEAU_RANG[self.deutsch_ziel] < SPRACHNIVEAU_RANG[self.deutsch_voraussetzung]
        ):
            errors["deutsch_ziel"] = _("Das Zielniveau liegt unter dem vorausgesetzten Niveau.")
        if self.buendnis_id:
            if self.traeger_id and self.traeger.buendnis_id != self.buendnis_id:
                errors["traeger"] = _("Der Träger gehört zu einem anderen Bündnis.")
            if self.ansprechperson_id:
                if self.ansprechperson.akteur.buendnis_id != self.buendnis_id:
                    errors["ansprechperson"] = _("Die Ansprechperson gehört zu einem anderen Bündnis.")
                elif self.traeger_id and self.ansprechperson.akteur_id != self.traeger_id:
                    errors["ansprechperson"] = _("Die Ansprechperson gehört nicht zum Träger.")
        if errors:
            raise ValidationError(errors)

    def get_buendnis_id(self):
        return self.buendnis_id

    @property
    def oeffentlicher_kontakt(self):
        """The contact person of the Träger when marked public (shown beside the offer's own contact)."""
        p = self.ansprechperson
        return p if p is not None and p.oeffentlich else None

    def fehlende_teilnahmewege(self) -> list[str]:
        """What a young person would miss to take part; publishing is refused while this is not empty."""
        fehlt = []
        kontakt = self.oeffentlicher_kontakt if self.ansprechperson_id else None
        erreichbar = (
            self.kontakt_telefon.strip()
            or self.kontakt_email.strip()
            or self.anmeldung_url.strip()
            or (kontakt is not None and (kontakt.telefon or kontakt.email))
        )
        if not erreichbar:
            fehlt.append(
                str(
                    _(
                        "Wie nimmt man teil? Es fehlt eine Telefonnummer, eine E-Mail-Adresse oder ein Link zur Anmeldung."
                    )
                )
            )
        if not self.online and not (self.adresse.strip() and (self.ort.strip() or self.plz.strip())):
            fehlt.append(
                str(_("Wo findet es statt? Es fehlt eine Adresse mit Ort, oder „findet online statt“."))
            )
        if not self.zeiten.strip():
            fehlt.append(str(_("Wann? Es fehlen Öffnungs- oder Kurszeiten.")))
        return fehlt

    @property
    def adresse_anzeige(self) -> str:
        """The address on one line ("Markt 1, 41460 Neuss"); empty without a street."""
        ort = " ".join(t for t in (self.plz, self.ort) if t)
        return ", ".join(t for t in (self.adresse, ort) if t)

    @property
    def ist_veraltet(self) -> bool:
        """ "Aktualität prüfen": published and not confirmed for twelve months."""
        if self.status != AngebotStatus.VEROEFFENTLICHT:
            return False
        return self.bestaetigt_am is None or self.bestaetigt_am < aktualitaet_stichtag()

    @property
    def ort_anzeige(self) -> str:
        if self.kreisweit:
            return str(_("kreisweit"))
        return ", ".join(k.name for k in self.kommunen.all())

    @property
    def alter_anzeige(self) -> str:
        return f"{self.alter_von}–{self.alter_bis}"

    def zugang_fuer(self, status) -> Zugang | None:
        """The access record for one status, from prefetched `zugaenge` when present."""
        status_id = getattr(status, "pk", status)
        for zugang in self.zugaenge.all():
            if zugang.status_id == status_id:
                return zugang
        return None


class ZugangQuerySet(BuendnisQuerySet):
    buendnis_lookup = "angebot__buendnis_id"


class Zugang(models.Model):
    """Access of one offer for one residence status, and whether it could be opened ("Öffnung möglich")."""

    angebot = models.ForeignKey(
        Angebot, on_delete=models.CASCADE, related_name="zugaenge", verbose_name=_("Angebot")
    )
    status = models.ForeignKey(
        Aufenthaltsstatus,
        on_delete=models.PROTECT,
        related_name="zugaenge",
        verbose_name=_("Aufenthaltsstatus"),
    )
    art = models.CharField(_("Zugang"), max_length=20, choices=ZugangArt.choices)
    bedingung = models.CharField(
        _("Bedingung"), max_length=500, blank=True, help_text=_("Bei „mit Einschränkung“: welche.")
    )
    oeffnung_moeglich = models.BooleanField(_("Öffnung möglich"), default=False)
    oeffnung_hinweis = models.CharField(_("Wie die Öffnung möglich wäre"), max_length=500, blank=True)

    objects = ZugangQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Zugang")
        verbose_name_plural = _("Zugänge")
        ordering = ["status__reihenfolge"]
        constraints = [
            models.UniqueConstraint(fields=["angebot", "status"], name="zugang_unique_per_status"),
        ]

    def __str__(self):
        return f"{self.angebot} – {self.status}: {self.get_art_display()}"

    def clean(self):
        super().clean()
        if self.art == ZugangArt.EINGESCHRAENKT and not self.bedingung.strip():
            raise ValidationError(
                {"bedingung": _("Bitte nennen Sie die Bedingung für den eingeschränkten Zugang.")}
            )

    def get_buendnis_id(self):
        return self.angebot.buendnis_id if self.angebot_id else None

    @property
    def ist_zugaenglich(self) -> bool:
        return self.art in ZUGAENGLICH


class StatuswechselQuerySet(BuendnisQuerySet):
    buendnis_lookup = "angebot__buendnis_id"


class Statuswechsel(AbstractStatuswechsel):
    """One step of the review workflow (submitted, published, sent back, ...) with who, when and why."""

    status_choices = AngebotStatus

    angebot = models.ForeignKey(
        Angebot, on_delete=models.CASCADE, related_name="statuswechsel", verbose_name=_("Angebot")
    )
    aktion = models.CharField(_("Aktion"), max_length=30)

    objects = StatuswechselQuerySet.as_manager()

    def __str__(self):
        return f"{self.angebot}: {self.get_von_display()} → {self.get_nach_display()}"
