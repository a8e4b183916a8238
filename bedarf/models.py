"""The anonymised offer-and-needs analysis (Angebots- und Bedarfsanalyse): survey rounds, aggregate counts per
Kommune, needs by category, and the data points not yet collected. Aggregate counts only, never a person.

Counts are stored as one `Bedarfsmeldung` per Kommune and Erhebung plus child rows (`Meldewert`) of aggregate cells
(dimension, keys, count). Keys are stable codes (the Aufenthaltsstatus code of angebote, the Bedarfskategorie code,
fixed choice values), so a closed round stays readable and comparable when lookups change later, and the whole
Bündnis is reported with a handful of GROUP BY queries.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from buendnis.choices import Rolle
from buendnis.models import Buendnis, BuendnisQuerySet, Kommune, SameBuendnisMixin, TimestampedModel
from buendnis.workflow import Transition, TransitionTable


class ErhebungStatus(models.TextChoices):
    OFFEN = "offen", _("offen")
    ABGESCHLOSSEN = "abgeschlossen", _("abgeschlossen")


class MeldungStatus(models.TextChoices):
    ENTWURF = "entwurf", _("in Bearbeitung")
    ABGEGEBEN = "abgegeben", _("abgegeben")


class Dimension(models.TextChoices):
    ZIELGRUPPE = "zielgruppe", _("Zielgruppe nach Aufenthaltsstatus, Alter und Geschlecht")
    SCHULABSCHLUSS = "schulabschluss", _("Schulabschluss")
    DEUTSCH = "deutsch", _("Deutschkenntnisse")
    TAETIGKEIT = "taetigkeit", _("Derzeitige Tätigkeit")
    BEDARF = "bedarf", _("Bedarf nach Kategorie und Aufenthaltsstatus")
    BESONDERE = "besondere", _("Besondere Gruppen")


class Altersband(models.TextChoices):
    A18_20 = "18-20", _("18–20 Jahre")
    A21_24 = "21-24", _("21–24 Jahre")
    A25_27 = "25-27", _("25–27 Jahre")


class Geschlecht(models.TextChoices):
    WEIBLICH = "w", _("weiblich")
    MAENNLICH = "m", _("männlich")
    DIVERS = "d", _("divers/ohne Angabe")


class Schulabschluss(models.TextChoices):
    KEINER = "keiner", _("kein Schulabschluss")
    AUSLAENDISCH = "auslaendisch", _("ausländischer Abschluss ohne Anerkennung")
    HS9 = "hs9", _("Hauptschulabschluss nach Klasse 9")
    HS10A = "hs10a", _("Hauptschulabschluss nach Klasse 10 A")
    FOR = "for", _("Fachoberschulreife")
    ABITUR = "abitur", _("(Fach-)Abitur")
    UNBEKANNT = "unbekannt", _("unbekannt")


class Deutschniveau(models.TextChoices):
    KEINE = "keine", _("keine Deutschkenntnisse")
    A1 = "a1", "A1"
    A2 = "a2", "A2"
    B1 = "b1", "B1"
    B2 = "b2", "B2"
    C1 = "c1", _("C1 oder höher")
    UNBEKANNT = "unbekannt", _("unbekannt")


class Taetigkeit(models.TextChoices):
    SCHULE = "schule", _("Schule")
    SPRACHKURS = "sprachkurs", _("Sprachkurs")
    VORBEREITUNG = "vorbereitung", _("Ausbildungsvorbereitung")
    AUSBILDUNG = "ausbildung", _("Ausbildung")
    STUDIUM = "studium", _("Studium")
    ARBEIT = "arbeit", _("Arbeit")
    OHNE = "ohne", _("ohne Tätigkeit")
    UNBEKANNT = "unbekannt", _("unbekannt")


class BesondereGruppe(models.TextChoices):
    UMA = "uma", _("ehemalige unbegleitete minderjährige Ausländer")
    FRAUEN_KINDER = "frauen_kinder", _("Frauen mit Kindern")


# Breakdowns that must add up to the total of the target group, in display order.
AUFSCHLUESSELUNGEN = {
    Dimension.SCHULABSCHLUSS: Schulabschluss,
    Dimension.DEUTSCH: Deutschniveau,
    Dimension.TAETIGKEIT: Taetigkeit,
}


class Bedarfskategorie(models.Model):
    """A kind of need asked in the survey (e.g. Deutschförderung), mapped to the offer categories that meet it."""

    code = models.SlugField(_("Code"), max_length=40, unique=True)
    name = models.CharField(_("Name"), max_length=200, unique=True)
    beschreibung = models.TextField(_("Beschreibung"), blank=True)
    reihenfolge = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)
    aktiv = models.BooleanField(_("aktiv"), default=True, help_text=_("Wird in neuen Erhebungen abgefragt."))
    kategorien = models.ManyToManyField(
        "angebote.Kategorie",
        blank=True,
        related_name="bedarfskategorien",
        verbose_name=_("passende Angebotskategorien"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Bedarfskategorie")
        verbose_name_plural = _("Bedarfskategorien")
        ordering = ["reihenfolge", "name"]

    def __str__(self):
        return self.name


class ErhebungQuerySet(BuendnisQuerySet):
    def for_list(self):
        return (
            self.select_related("buendnis")
            .annotate(
                anzahl_abgegeben=models.Count(
                    "meldungen", filter=Q(meldungen__status=MeldungStatus.ABGEGEBEN), distinct=True
                ),
                anzahl_kommunen=models.Count("buendnis__kommunen", distinct=True),
            )
            .order_by("-stichtag", "pk")
        )

    def offen(self):
        return self.filter(status=ErhebungStatus.OFFEN)


class Erhebung(SameBuendnisMixin, TimestampedModel):
    """A survey round of the Bündnis with its Stichtag; once closed it is read-only and stays comparable."""

    buendnis = models.ForeignKey(
        Buendnis, on_delete=models.PROTECT, related_name="erhebungen", verbose_name=_("Bündnis")
    )
    titel = models.CharField(_("Titel"), max_length=200)
    stichtag = models.DateField(_("Stichtag"))
    eingabe_von = models.DateField(_("Eingabe ab"))
    eingabe_bis = models.DateField(_("Eingabe bis"))
    status = models.CharField(
        _("Status"), max_length=20, choices=ErhebungStatus.choices, default=ErhebungStatus.OFFEN
    )
    abgeschlossen_am = models.DateTimeField(_("abgeschlossen am"), null=True, blank=True)
    abgeschlossen_von = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("abgeschlossen von"),
    )
    letzte_erinnerung = models.DateTimeField(_("zuletzt erinnert am"), null=True, blank=True)
    hinweise = models.TextField(_("Hinweise für die Kommunen"), blank=True)

    objects = ErhebungQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Erhebung")
        verbose_name_plural = _("Erhebungen")
        ordering = ["-stichtag"]
        constraints = [
            models.UniqueConstraint(
                fields=["buendnis", "titel"],
                name="erhebung_titel_unique_per_buendnis",
                violation_error_message=_("Eine Erhebung mit diesem Titel gibt es in diesem Bündnis schon."),
            ),
            models.UniqueConstraint(
                fields=["buendnis"],
                condition=Q(status="offen"),
                name="eine_offene_erhebung_pro_buendnis",
                violation_error_message=_(
                    "Es gibt bereits eine offene Erhebung in diesem Bündnis. Bitte schließen Sie sie zuerst ab."
                ),
            ),
            models.CheckConstraint(
                condition=Q(eingabe_bis__gte=models.F("eingabe_von")),
                name="erhebung_eingabe_zeitraum",
                violation_error_message=_("Das Ende der Eingabe liegt vor ihrem Beginn."),
            ),
        ]

    def __str__(self):
        return f"{self.titel} ({self.stichtag:%d.%m.%Y})"

    def get_absolute_url(self):
        return reverse("bedarf:erhebung-detail", args=[self.pk])

    def clean(self):
        super().clean()
        from django.core.exceptions import ValidationError

        if self.eingabe_von and self.eingabe_bis and self.eingabe_bis < self.eingabe_von:
            raise ValidationError({"eingabe_bis": _("Das Ende der Eingabe liegt vor ihrem Beginn.")})

    @property
    def ist_offen(self) -> bool:
        return self.status == ErhebungStatus.OFFEN


class BedarfsmeldungQuerySet(BuendnisQuerySet):
    buendnis_lookup = "erhebung__buendnis_id"

    def editable_by(self, user):
        """Only a `kommune` user writes, and only its own Kommune's grid of an open round."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.rolle != Rolle.KOMMUNE or not user.kommune_id:
            return self.none()
        return self.filter(kommune_id=user.kommune_id, erhebung__status=ErhebungStatus.OFFEN)

    def roh_sichtbar_fuer(self, user):
        """Rows whose raw figures the user may see: its own Kommune's, nothing else."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.rolle != Rolle.KOMMUNE or not user.kommune_id:
            return self.none()
        return self.filter(kommune_id=user.kommune_id)

    def for_list(self):
        return self.select_related("erhebung", "kommune")


class Bedarfsmeldung(SameBuendnisMixin, TimestampedModel):
    """The aggregate figures one Kommune delivers for one Erhebung (no person, only counts)."""

    erhebung = models.ForeignKey(
        Erhebung, on_delete=models.PROTECT, related_name="meldungen", verbose_name=_("Erhebung")
    )
    kommune = models.ForeignKey(
        Kommune, on_delete=models.PROTECT, related_name="bedarfsmeldungen", verbose_name=_("Kommune")
    )
    status = models.CharField(
        _("Status"), max_length=20, choices=MeldungStatus.choices, default=MeldungStatus.ENTWURF
    )
    gesamt = models.PositiveIntegerField(
        _("Zielgruppe insgesamt"),
        null=True,
        blank=True,
        help_text=_("Alle 18- bis 27-jährigen Geflüchteten der Kommune am Stichtag."),
    )
    notizen = models.TextField(_("Anmerkungen"), blank=True)
    version = models.PositiveIntegerField(_("Version"), default=1)
    abgegeben_am = models.DateTimeField(_("abgegeben am"), null=True, blank=True)
    geaendert_von = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("zuletzt geändert von"),
    )

    objects = BedarfsmeldungQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Bedarfsmeldung")
        verbose_name_plural = _("Bedarfsmeldungen")
        ordering = ["erhebung", "kommune__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["erhebung", "kommune"], name="eine_meldung_pro_kommune_und_erhebung"
            )
        ]

    def __str__(self):
        return f"{self.kommune} – {self.erhebung}"

    def get_absolute_url(self):
        return reverse("bedarf:meldung-bearbeiten", args=[self.erhebung_id])

    def get_buendnis_id(self):
        return self.erhebung.buendnis_id if self.erhebung_id else None

    def get_kommune_id(self):
        return self.kommune_id


class MeldewertQuerySet(BuendnisQuerySet):
    buendnis_lookup = "meldung__erhebung__buendnis_id"


class Meldewert(models.Model):
    """One aggregate cell of a Bedarfsmeldung: a count for a combination of keys within a dimension."""

    meldung = models.ForeignKey(
        Bedarfsmeldung, on_delete=models.CASCADE, related_name="werte", verbose_name=_("Bedarfsmeldung")
    )
    dimension = models.CharField(_("Dimension"), max_length=20, choices=Dimension.choices)
    aufenthaltsstatus = models.CharField(
        _("Aufenthaltsstatus (Code)"),
        max_length=40,
        blank=True,
        help_text=_("Code aus den Aufenthaltsstatus."),
    )
    merkmal = models.CharField(
        _("Merkmal (Code)"),
        max_length=40,
        blank=True,
        help_text=_("Schulabschluss, Sprachniveau, Tätigkeit, Bedarfskategorie oder besondere Gruppe."),
    )
    altersband = models.CharField(_("Altersband"), max_length=5, choices=Altersband.choices, blank=True)
    geschlecht = models.CharField(_("Geschlecht"), max_length=1, choices=Geschlecht.choices, blank=True)
    anzahl = models.PositiveIntegerField(_("Anzahl"))

    objects = MeldewertQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Meldewert")
        verbose_name_plural = _("Meldewerte")
        constraints = [
            models.UniqueConstraint(
                fields=["meldung", "dimension", "aufenthaltsstatus", "merkmal", "altersband", "geschlecht"],
                name="meldewert_unique",
            ),
        ]
        indexes = [models.Index(fields=["dimension", "merkmal"], name="meldewert_dim_idx")]

    def __str__(self):
        return f"{self.get_dimension_display()} {self.schluessel}: {self.anzahl}"

    @property
    def schluessel(self) -> tuple:
        return (self.dimension, self.aufenthaltsstatus, self.merkmal, self.altersband, self.geschlecht)


class DatenlueckeStatus(models.TextChoices):
    VORGESCHLAGEN = "vorgeschlagen", _("vorgeschlagen")
    NAECHSTE_ERHEBUNG = "naechste_erhebung", _("in nächster Erhebung")
    ABGELEHNT = "abgelehnt", _("abgelehnt")


# Workflow: the Koordination takes a proposal into the next round or rejects it, and may revise that.
DATENLUECKE_UEBERGAENGE = TransitionTable(
    [
        Transition(
            (DatenlueckeStatus.VORGESCHLAGEN,),
            DatenlueckeStatus.NAECHSTE_ERHEBUNG,
            "bedarf.change_datenluecke",
        ),
        Transition(
            (DatenlueckeStatus.VORGESCHLAGEN, DatenlueckeStatus.NAECHSTE_ERHEBUNG),
            DatenlueckeStatus.ABGELEHNT,
            "bedarf.change_datenluecke",
        ),
        Transition(
            (DatenlueckeStatus.NAECHSTE_ERHEBUNG, DatenlueckeStatus.ABGELEHNT),
            DatenlueckeStatus.VORGESCHLAGEN,
            "bedarf.change_datenluecke",
        ),
    ]
)


class DatenlueckeQuerySet(BuendnisQuerySet):
    def for_list(self):
        return self.select_related("vorgeschlagen_von", "akteur", "erhebung")


class Datenluecke(SameBuendnisMixin, TimestampedModel):
    """A data point "die zurzeit noch nicht erhoben werden", proposed by a member for a later round."""

    buendnis = models.ForeignKey(
        Buendnis, on_delete=models.PROTECT, related_name="datenluecken", verbose_name=_("Bündnis")
    )
    titel = models.CharField(_("Datenpunkt"), max_length=200)
    beschreibung = models.TextField(_("Warum wird er gebraucht?"), blank=True)
    status = models.CharField(
        _("Status"), max_length=20, choices=DatenlueckeStatus.choices, default=DatenlueckeStatus.VORGESCHLAGEN
    )
    vorgeschlagen_von = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("vorgeschlagen von"),
    )
    akteur = models.ForeignKey(
        "buendnis.Akteur",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="datenluecken",
        verbose_name=_("für Akteur"),
    )
    erhebung = models.ForeignKey(
        Erhebung,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="datenluecken",
        verbose_name=_("aufgenommen in Erhebung"),
    )
    entscheidung = models.TextField(_("Begründung der Entscheidung"), blank=True)

    objects = DatenlueckeQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Datenlücke")
        verbose_name_plural = _("Datenlücken")
        ordering = ["status", "-created_at"]

    def __str__(self):
        return self.titel

    def get_absolute_url(self):
        return reverse("bedarf:datenluecke-list")


class Sperrmuster(models.Model):
    """The audited small-number protection of one survey round for one state of its figures: which published cells
    are withheld ("Geheimhaltung"). Computed in the background when the figures change (`bedarf.sperrmuster`);
    every page, export, chart and report reads it, none decides on its own."""

    erhebung = models.ForeignKey(
        Erhebung, on_delete=models.CASCADE, related_name="sperrmuster", verbose_name=_("Erhebung")
    )
    fingerabdruck = models.CharField(_("Datenstand"), max_length=64)
    stand_meldungen = models.CharField(_("Stand der Meldungen"), max_length=64, blank=True)
    k = models.PositiveSmallIntegerField(_("Mindestfallzahl"))
    gesperrt = models.JSONField(_("gesperrte Felder"), default=list)
    zellen = models.PositiveIntegerField(_("veröffentlichte Felder"), default=0)
    anzahl_gesperrt = models.PositiveIntegerField(_("gesperrt"), default=0)
    anzahl_primaer = models.PositiveIntegerField(_("davon kleine Fallzahlen"), default=0)
    gesamt = models.PositiveIntegerField(_("Zielgruppe im Bündnis"), default=0)
    gesamt_gesperrt = models.BooleanField(_("Zielgruppe im Bündnis gesperrt"), default=True)
    pruefungen = models.PositiveIntegerField(_("Prüfläufe des Solvers"), default=0)
    sekunden = models.FloatField(_("Rechenzeit (s)"), default=0)
    created_at = models.DateTimeField(_("berechnet am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Sperrmuster")
        verbose_name_plural = _("Sperrmuster")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["erhebung", "fingerabdruck"], name="sperrmuster_unique_stand")
        ]

    def __str__(self):
        return f"{self.erhebung}: {self.anzahl_gesperrt}/{self.zellen}"
