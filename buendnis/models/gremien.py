"""The core group, its forums, their meetings, decisions, tasks, priorities and procedure agreements."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from buendnis.choices import Kernaufgabe

from .base import BuendnisQuerySet, SameBuendnisMixin, TimestampedModel
from .tenancy import Akteur, Ansprechperson, Buendnis


class GremiumArt(models.TextChoices):
    KERNGRUPPE = "kerngruppe", _("Bündniskerngruppe")
    FORUM = "forum", _("Bündnisforum")


class GremiumFormat(models.TextChoices):
    ARBEITSGRUPPE = "arbeitsgruppe", _("Arbeitsgruppe")
    VERANSTALTUNG = "veranstaltung", _("punktuelle Veranstaltung")


class GremiumStatus(models.TextChoices):
    VORGESCHLAGEN = "vorgeschlagen", _("vorgeschlagen")
    IN_DISKUSSION = "in_diskussion", _("in Diskussion")
    EINGERICHTET = "eingerichtet", _("eingerichtet")
    BEENDET = "beendet", _("beendet")


class GremiumQuerySet(BuendnisQuerySet):
    def for_list(self):
        return (
            self.select_related("leitung", "buendnis")
            .annotate(anzahl_mitglieder=models.Count("mitgliedschaften", distinct=True))
            .order_by("art", "name", "pk")
        )


class Gremium(SameBuendnisMixin, TimestampedModel):
    """The Bündniskerngruppe or one of its Bündnisforen (working groups or one-off events)."""

    buendnis = models.ForeignKey(
        Buendnis, on_delete=models.PROTECT, related_name="gremien", verbose_name=_("Bündnis")
    )
    art = models.CharField(_("Art"), max_length=20, choices=GremiumArt.choices, default=GremiumArt.FORUM)
    name = models.CharField(_("Name"), max_length=200)
    thema = models.TextField(_("Thema"), blank=True)
    format = models.CharField(
        _("Arbeitsform"), max_length=20, choices=GremiumFormat.choices, default=GremiumFormat.ARBEITSGRUPPE
    )
    status = models.CharField(
        _("Status"), max_length=20, choices=GremiumStatus.choices, default=GremiumStatus.VORGESCHLAGEN
    )
    leitung = models.ForeignKey(
        Akteur,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="geleitete_gremien",
        verbose_name=_("Leitung (Akteur)"),
    )
    leitung_person = models.ForeignKey(
        Ansprechperson,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Leitung (Person)"),
    )
    eingerichtet_am = models.DateField(_("eingerichtet am"), null=True, blank=True)
    kernaufgabe = models.CharField(
        _("Kernaufgabe"),
        max_length=30,
        choices=Kernaufgabe.choices,
        blank=True,
        help_text=_("Welche Aufgabe der Kerngruppe dieses Gremium bearbeitet."),
    )
    quorum = models.PositiveSmallIntegerField(
        _("beschlussfähig ab"),
        null=True,
        blank=True,
        help_text=_(
            "Wie viele Mitglieder (ohne Gäste) anwesend sein müssen. Leer: mehr als die Hälfte der Mitglieder."
        ),
    )

    objects = GremiumQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Gremium")
        verbose_name_plural = _("Gremien")
        ordering = ["art", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["buendnis", "name"],
                name="gremium_name_unique_per_buendnis",
                violation_error_message=_("Ein Gremium mit diesem Namen gibt es im Bündnis schon."),
            ),
            models.UniqueConstraint(
                fields=["buendnis"],
                condition=Q(art="kerngruppe"),
                name="eine_kerngruppe_pro_buendnis",
                violation_error_message=_("Das Bündnis hat schon eine Bündniskerngruppe."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("buendnis:gremium-detail", args=[self.pk])

    def noetiges_quorum(self, anzahl_mitglieder: int) -> int:
        """How many members must be present for the Gremium to decide (its own rule, else a simple majority)."""
        return self.quorum if self.quorum is not None else anzahl_mitglieder // 2 + 1

    def clean(self):
        super().clean()
        if self.leitung_person_id and self.leitung_person.akteur_id != self.leitung_id:
            raise ValidationError(
                {"leitung_person": _("Die Person gehört nicht zum Akteur, der die Leitung hat.")}
            )


class Funktion(models.TextChoices):
    ENTSCHEIDUNG = "entscheidung", _("Entscheidungsfunktion")
    MULTIPLIKATOR = "multiplikator", _("Multiplikatorenfunktion")
    MITGLIED = "mitglied", _("Mitglied")
    GAST = "gast", _("Gast")


class MitgliedschaftQuerySet(BuendnisQuerySet):
    buendnis_lookup = "gremium__buendnis_id"

    def for_list(self):
        return self.select_related("akteur", "person", "gremium")


class Mitgliedschaft(SameBuendnisMixin, TimestampedModel):
    """An Akteur (optionally a named person) in a Gremium, with its function there."""

    gremium = models.ForeignKey(
        Gremium, on_delete=models.CASCADE, related_name="mitgliedschaften", verbose_name=_("Gremium")
    )
    akteur = models.ForeignKey(
        Akteur, on_delete=models.CASCADE, related_name="mitgliedschaften", verbose_name=_("Akteur")
    )
    person = models.ForeignKey(
        Ansprechperson,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Person"),
    )
    funktion = models.CharField(
        _("Funktion"), max_length=20, choices=Funktion.choices, default=Funktion.MITGLIED
    )
    seit = models.DateField(_("seit"), null=True, blank=True)

    objects = MitgliedschaftQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Mitgliedschaft")
        verbose_name_plural = _("Mitgliedschaften")
        ordering = ["akteur__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["gremium", "akteur"],
                name="mitgliedschaft_unique",
                violation_error_message=_("Dieser Akteur ist schon Mitglied des Gremiums."),
            ),
        ]

    def __str__(self):
        return f"{self.akteur} in {self.gremium}"

    def get_buendnis_id(self):
        return self.gremium.buendnis_id if self.gremium_id else None

    def clean(self):
        super().clean()
        if self.person_id and self.akteur_id and self.person.akteur_id != self.akteur_id:
            raise ValidationError({"person": _("Die Person gehört nicht zu diesem Akteur.")})


class SitzungStatus(models.TextChoices):
    GEPLANT = "geplant", _("geplant")
    DURCHGEFUEHRT = "durchgefuehrt", _("durchgeführt")
    ABGESAGT = "abgesagt", _("abgesagt")


class SitzungQuerySet(BuendnisQuerySet):
    def for_list(self):
        return self.select_related("gremium")

    def kommende(self):
        return self.filter(status=SitzungStatus.GEPLANT, beginn__gte=timezone.now()).order_by("beginn")


class Sitzung(SameBuendnisMixin, TimestampedModel):
    """A meeting of a Gremium (the starter workshop, the constituent meeting, forum sessions)."""

    buendnis = models.ForeignKey(
        Buendnis, on_delete=models.PROTECT, related_name="sitzungen", verbose_name=_("Bündnis")
    )
    gremium = models.ForeignKey(
        Gremium, on_delete=models.PROTECT, related_name="sitzungen", verbose_name=_("Gremium")
    )
    titel = models.CharField(_("Titel"), max_length=200)
    beginn = models.DateTimeField(_("Beginn"))
    ende = models.DateTimeField(
        _("Ende"), null=True, blank=True, help_text=_("Leer: zwei Stunden nach Beginn.")
    )
    ort = models.CharField(_("Ort"), max_length=200, blank=True)
    status = models.CharField(
        _("Status"), max_length=20, choices=SitzungStatus.choices, default=SitzungStatus.GEPLANT
    )
    protokoll = models.TextField(
        _("Protokoll (allgemein)"), blank=True, help_text=_("Was zu keinem Tagesordnungspunkt gehört.")
    )
    # iCalendar: the event keeps its UID; every invitation, update or cancellation raises the SEQUENCE.
    ics_sequenz = models.PositiveIntegerField(_("Kalender-Version"), default=0, editable=False)
    eingeladen_am = models.DateTimeField(_("eingeladen am"), null=True, blank=True, editable=False)
    protokoll_genehmigt_am = models.DateTimeField(
        _("Protokoll genehmigt am"), null=True, blank=True, editable=False
    )
    protokoll_genehmigt_in = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="genehmigte_protokolle",
        verbose_name=_("Protokoll genehmigt in der Sitzung"),
    )

    objects = SitzungQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Sitzung")
        verbose_name_plural = _("Sitzungen")
        ordering = ["-beginn"]
        indexes = [models.Index(fields=["buendnis", "status", "beginn"], name="sitzung_buendnis_status_idx")]

    def __str__(self):
        return f"{self.titel} ({timezone.localtime(self.beginn):%d.%m.%Y})"

    def get_absolute_url(self):
        return reverse("buendnis:sitzung-detail", args=[self.pk])

    def clean(self):
        super().clean()
        if self.gremium_id and self.buendnis_id and self.gremium.buendnis_id != self.buendnis_id:
            raise ValidationError({"gremium": _("Das Gremium gehört zu einem anderen Bündnis.")})
        if self.ende and self.beginn and self.ende <= self.beginn:
            raise ValidationError({"ende": _("Das Ende muss nach dem Beginn liegen.")})
        if self.status == SitzungStatus.DURCHGEFUEHRT and self.beginn and self.beginn > timezone.now():
            raise ValidationError(
                {"status": _("Eine Sitzung, die erst noch stattfindet, kann nicht als durchgeführt gelten.")}
            )

    @property
    def ende_oder_standard(self) -> datetime.datetime:
        return self.ende or self.beginn + datetime.timedelta(hours=2)

    @property
    def protokoll_gesperrt(self) -> bool:
        """Approved minutes are final: the meeting's minutes, attendance and decisions no longer change."""
        return self.protokoll_genehmigt_am is not None

    @property
    def ics_uid(self) -> str:
        return f"sitzung-{self.pk}@buendnis-koordination"


class TeilnahmeStatus(models.TextChoices):
    ANWESEND = "anwesend", _("anwesend")
    ENTSCHULDIGT = "entschuldigt", _("entschuldigt")
    ABWESEND = "abwesend", _("nicht anwesend (ohne Entschuldigung)")
    GAST = "gast", _("Gast")


class TeilnahmeQuerySet(BuendnisQuerySet):
    buendnis_lookup = "sitzung__buendnis_id"

    def for_list(self):
        return self.select_related("akteur", "person", "mitgliedschaft")


class Teilnahme(SameBuendnisMixin, TimestampedModel):
    """Who attended a Sitzung: a member (present, excused, absent) or a guest, named in the Protokoll."""

    sitzung = models.ForeignKey(
        Sitzung, on_delete=models.CASCADE, related_name="teilnahmen", verbose_name=_("Sitzung")
    )
    mitgliedschaft = models.ForeignKey(
        Mitgliedschaft,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="teilnahmen",
        verbose_name=_("Mitgliedschaft"),
    )
    akteur = models.ForeignKey(
        Akteur,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="teilnahmen",
        verbose_name=_("Organisation"),
    )
    person = models.ForeignKey(
        Ansprechperson,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Person"),
    )
    name = models.CharField(
        _("Name"), max_length=200, blank=True, help_text=_("Für Gäste: Name und gegebenenfalls Organisation.")
    )
    status = models.CharField(
        _("Teilnahme"), max_length=20, choices=TeilnahmeStatus.choices, default=TeilnahmeStatus.ANWESEND
    )

    objects = TeilnahmeQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Teilnahme")
        verbose_name_plural = _("Teilnahmen")
        ordering = ["sitzung", "status", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["sitzung", "mitgliedschaft"],
                name="teilnahme_einmal_pro_mitglied",
                violation_error_message=_("Für dieses Mitglied ist die Teilnahme schon erfasst."),
            ),
        ]

    def __str__(self):
        return f"{self.anzeigename} ({self.get_status_display()})"

    def get_buendnis_id(self):
        return self.sitzung.buendnis_id if self.sitzung_id else None

    @property
    def anzeigename(self) -> str:
        if self.name:
            return self.name
        if self.person_id:
            return f"{self.person.name} ({self.akteur})" if self.akteur_id else self.person.name
        return str(self.akteur) if self.akteur_id else "–"

    def clean(self):
        super().clean()
        if self.status == TeilnahmeStatus.GAST:
            if self.mitgliedschaft_id:
                raise ValidationError({"status": _("Ein Mitglied des Gremiums ist kein Gast.")})
            if not self.name.strip() and not self.akteur_id:
                raise ValidationError({"name": _("Bitte geben Sie den Namen des Gastes an.")})
        elif not self.mitgliedschaft_id:
            raise ValidationError({"mitgliedschaft": _("Bitte wählen Sie das Mitglied.")})
        if (
            self.mitgliedschaft_id
            and self.sitzung_id
            and self.mitgliedschaft.gremium_id != self.sitzung.gremium_id
        ):
            raise ValidationError({"mitgliedschaft": _("Das Mitglied gehört zu einem anderen Gremium.")})


class EinladungArt(models.TextChoices):
    EINLADUNG = "einladung", _("Einladung")
    AKTUALISIERUNG = "aktualisierung", _("Aktualisierung")
    ABSAGE = "absage", _("Absage")


class Sitzungseinladung(TimestampedModel):
    """One sending of a meeting's invitation, update or cancellation (iCalendar SEQUENCE) to the members."""

    sitzung = models.ForeignKey(
        Sitzung, on_delete=models.CASCADE, related_name="einladungen", verbose_name=_("Sitzung")
    )
    art = models.CharField(_("Art"), max_length=20, choices=EinladungArt.choices)
    sequenz = models.PositiveIntegerField(_("Kalender-Version"))
    empfaenger = models.TextField(_("Empfänger"))
    anzahl = models.PositiveIntegerField(_("Anzahl Empfänger"), default=0)
    versendet_von = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("versendet von"),
    )

    class Meta:
        verbose_name = _("Sitzungseinladung")
        verbose_name_plural = _("Sitzungseinladungen")
        ordering = ["sitzung", "-created_at", "-id"]

    def __str__(self):
        return f"{self.get_art_display()} {self.sitzung} (v{self.sequenz})"


class TagesordnungspunktQuerySet(BuendnisQuerySet):
    buendnis_lookup = "sitzung__buendnis_id"


class Tagesordnungspunkt(SameBuendnisMixin, TimestampedModel):
    """An ordered agenda item of a Sitzung."""

    sitzung = models.ForeignKey(
        Sitzung, on_delete=models.CASCADE, related_name="tagesordnungspunkte", verbose_name=_("Sitzung")
    )
    position = models.PositiveSmallIntegerField(_("Nr."))
    titel = models.CharField(_("Titel"), max_length=300)
    beschreibung = models.TextField(_("Beschreibung"), blank=True)
    protokoll = models.TextField(
        _("Protokoll"), blank=True, help_text=_("Verlauf und Ergebnis der Beratung.")
    )

    objects = TagesordnungspunktQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Tagesordnungspunkt")
        verbose_name_plural = _("Tagesordnungspunkte")
        ordering = ["sitzung", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["sitzung", "position"],
                name="top_position_unique",
                violation_error_message=_(
                    "Diese Nummer hat schon ein anderer Tagesordnungspunkt der Sitzung."
                ),
            )
        ]

    def __str__(self):
        return f"TOP {self.position}: {self.titel}"

    def get_buendnis_id(self):
        return self.sitzung.buendnis_id if self.sitzung_id else None


class BeschlussQuerySet(BuendnisQuerySet):
    def for_list(self):
        return self.select_related("sitzung", "gremium", "tagesordnungspunkt")


class Beschluss(SameBuendnisMixin, TimestampedModel):
    """A decision of a Gremium, usually taken in a Sitzung; it creates Aufgaben."""

    buendnis = models.ForeignKey(
        Buendnis, on_delete=models.PROTECT, related_name="beschluesse", verbose_name=_("Bündnis")
    )
    gremium = models.ForeignKey(
        Gremium, on_delete=models.PROTECT, related_name="beschluesse", verbose_name=_("Gremium")
    )
    sitzung = models.ForeignKey(
        Sitzung,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="beschluesse",
        verbose_name=_("Sitzung"),
    )
    tagesordnungspunkt = models.ForeignKey(
        Tagesordnungspunkt,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="beschluesse",
        verbose_name=_("Tagesordnungspunkt"),
    )
    text = models.TextField(_("Beschlusstext"))
    datum = models.DateField(_("Datum"), default=datetime.date.today)
    kernaufgabe = models.CharField(_("Kernaufgabe"), max_length=30, choices=Kernaufgabe.choices, blank=True)

    objects = BeschlussQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Beschluss")
        verbose_name_plural = _("Beschlüsse")
        ordering = ["-datum", "-id"]

    def __str__(self):
        text = self.text if len(self.text) <= 80 else self.text[:77] + "…"
        return f"{self.datum:%d.%m.%Y}: {text}"

    def get_absolute_url(self):
        if self.sitzung_id:
            return reverse("buendnis:sitzung-detail", args=[self.sitzung_id]) + f"#beschluss-{self.pk}"
        return reverse("buendnis:gremium-detail", args=[self.gremium_id])


class AufgabeStatus(models.TextChoices):
    OFFEN = "offen", _("offen")
    IN_ARBEIT = "in_arbeit", _("in Arbeit")
    ERLEDIGT = "erledigt", _("erledigt")


class PrioritaetQuerySet(BuendnisQuerySet):
    pass


class Prioritaet(SameBuendnisMixin, TimestampedModel):
    """A ranked priority of the local initiative, set by the core group."""

    buendnis = models.ForeignKey(
        Buendnis, on_delete=models.PROTECT, related_name="prioritaeten", verbose_name=_("Bündnis")
    )
    rang = models.PositiveSmallIntegerField(_("Rang"))
    titel = models.CharField(_("Titel"), max_length=200)
    beschreibung = models.TextField(_("Beschreibung"), blank=True)
    beschluss = models.ForeignKey(
        Beschluss,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Beschluss"),
    )

    objects = PrioritaetQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Priorität")
        verbose_name_plural = _("Prioritäten")
        ordering = ["rang", "titel"]

    def __str__(self):
        return f"{self.rang}. {self.titel}"

    def get_absolute_url(self):
        return reverse("buendnis:prioritaet-list") + f"#prioritaet-{self.pk}"


class VereinbarungStatus(models.TextChoices):
    ENTWURF = "entwurf", _("Entwurf")
    ABGESTIMMT = "abgestimmt", _("abgestimmt")
    IN_KRAFT = "in_kraft", _("in Kraft")


class VerfahrensvereinbarungQuerySet(BuendnisQuerySet):
    def for_list(self):
        return (
            self.prefetch_related("parteien")
            .annotate(anzahl_versionen=models.Count("dokumente", distinct=True))
            .order_by("titel", "pk")
        )


class Verfahrensvereinbarung(SameBuendnisMixin, TimestampedModel):
    """A procedure agreement between members (who does what for the target group, at which hand-over)."""

    buendnis = models.ForeignKey(
        Buendnis, on_delete=models.PROTECT, related_name="verfahrensvereinbarungen", verbose_name=_("Bündnis")
    )
    titel = models.CharField(_("Titel"), max_length=200)
    gegenstand = models.TextField(_("Gegenstand"), blank=True)
    parteien = models.ManyToManyField(
        Akteur, related_name="verfahrensvereinbarungen", verbose_name=_("Parteien")
    )
    status = models.CharField(
        _("Status"), max_length=20, choices=VereinbarungStatus.choices, default=VereinbarungStatus.ENTWURF
    )
    gueltig_ab = models.DateField(_("gültig ab"), null=True, blank=True)
    beschluss = models.ForeignKey(
        Beschluss,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Beschluss"),
    )

    objects = VerfahrensvereinbarungQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[parteien])

    class Meta:
        verbose_name = _("Verfahrensvereinbarung")
        verbose_name_plural = _("Verfahrensvereinbarungen")
        ordering = ["titel"]

    def __str__(self):
        return self.titel

    def get_absolute_url(self):
        return reverse("buendnis:vereinbarung-detail", args=[self.pk])

    def clean(self):
        super().clean()
        if self.status == VereinbarungStatus.IN_KRAFT and not self.gueltig_ab:
            raise ValidationError(
                {"gueltig_ab": _("Eine Vereinbarung in Kraft braucht ein Datum „gültig ab“.")}
            )


def dokument_pfad(instance, filename):
    return f"vereinbarungen/{instance.vereinbarung.buendnis_id}/{instance.vereinbarung_id}/v{instance.version}_{filename}"


ERLAUBTE_DOKUMENTTYPEN = ["pdf", "docx", "odt", "doc", "txt"]


class VereinbarungsdokumentQuerySet(BuendnisQuerySet):
    buendnis_lookup = "vereinbarung__buendnis_id"


class Vereinbarungsdokument(SameBuendnisMixin, models.Model):
    """One uploaded version of a procedure agreement's document; versions are kept, never overwritten."""

    vereinbarung = models.ForeignKey(
        Verfahrensvereinbarung,
        on_delete=models.CASCADE,
        related_name="dokumente",
        verbose_name=_("Vereinbarung"),
    )
    version = models.PositiveIntegerField(_("Version"))
    datei = models.FileField(
        _("Datei"), upload_to=dokument_pfad, validators=[FileExtensionValidator(ERLAUBTE_DOKUMENTTYPEN)]
    )
    kommentar = models.CharField(_("Kommentar"), max_length=300, blank=True)
    hochgeladen_von = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("hochgeladen von"),
    )
    hochgeladen_am = models.DateTimeField(_("hochgeladen am"), auto_now_add=True)

    objects = VereinbarungsdokumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("Dokumentversion")
        verbose_name_plural = _("Dokumentversionen")
        ordering = ["vereinbarung", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["vereinbarung", "version"],
                name="dokument_version_unique",
                violation_error_message=_("Diese Version der Vereinbarung gibt es schon."),
            )
        ]

    def __str__(self):
        return f"{self.vereinbarung} – Version {self.version}"

    def get_buendnis_id(self):
        return self.vereinbarung.buendnis_id if self.vereinbarung_id else None

    @property
    def dateiname(self) -> str:
        return self.datei.name.rsplit("/", 1)[-1]


class AufgabeQuerySet(BuendnisQuerySet):
    def for_list(self):
        return self.select_related("gremium", "akteur", "zustaendig", "sitzung")

    def offen(self):
        return self.exclude(status=AufgabeStatus.ERLEDIGT)

    def ueberfaellig(self, stichtag: datetime.date | None = None):
        return self.offen().filter(faellig_am__lt=stichtag or timezone.localdate())

    def von(self, user):
        """'Meine Aufgaben': assigned to the user, or to the user's Akteur."""
        q = Q(zustaendig=user)
        if getattr(user, "akteur_id", None):
            q |= Q(akteur_id=user.akteur_id)
        return self.filter(q)


class Aufgabe(SameBuendnisMixin, TimestampedModel):
    """A task, usually from a Beschluss: who does what by when. Open tasks return on the next agenda."""

    buendnis = models.ForeignKey(
        Buendnis, on_delete=models.PROTECT, related_name="aufgaben", verbose_name=_("Bündnis")
    )
    titel = models.CharField(_("Titel"), max_length=300)
    beschreibung = models.TextField(_("Beschreibung"), blank=True)
    gremium = models.ForeignKey(
        Gremium,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="aufgaben",
        verbose_name=_("Gremium"),
    )
    sitzung = models.ForeignKey(
        Sitzung,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="aufgaben",
        verbose_name=_("Sitzung"),
    )
    beschluss = models.ForeignKey(
        Beschluss,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="aufgaben",
        verbose_name=_("Beschluss"),
    )
    akteur = models.ForeignKey(
        Akteur,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="aufgaben",
        verbose_name=_("verantwortlicher Akteur"),
    )
    zustaendig = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="aufgaben",
        verbose_name=_("zuständige Person"),
    )
    faellig_am = models.DateField(_("fällig am"), null=True, blank=True)
    status = models.CharField(
        _("Status"), max_length=20, choices=AufgabeStatus.choices, default=AufgabeStatus.OFFEN
    )
    erledigt_am = models.DateField(_("erledigt am"), null=True, blank=True)
    notiz = models.TextField(_("Notiz zum Stand"), blank=True)
    prioritaet = models.ForeignKey(
        Prioritaet,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="aufgaben",
        verbose_name=_("betrifft Priorität"),
    )
    verfahrensvereinbarung = models.ForeignKey(
        Verfahrensvereinbarung,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="aufgaben",
        verbose_name=_("betrifft Verfahrensvereinbarung"),
    )

    objects = AufgabeQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Aufgabe")
        verbose_name_plural = _("Aufgaben")
        ordering = ["status", "faellig_am", "id"]
        indexes = [
            models.Index(fields=["buendnis", "status", "faellig_am"], name="aufgabe_buendnis_status_idx")
        ]

    def __str__(self):
        return self.titel

    def get_absolute_url(self):
        return reverse("buendnis:aufgabe-detail", args=[self.pk])

    def clean(self):
        super().clean()
        if self.zustaendig_id and self.buendnis_id and self.zustaendig.buendnis_id != self.buendnis_id:
            raise ValidationError({"zustaendig": _("Die Person gehört zu einem anderen Bündnis.")})

    @property
    def ist_ueberfaellig(self) -> bool:
        return bool(
            self.status != AufgabeStatus.ERLEDIGT
            and self.faellig_am
            and self.faellig_am < timezone.localdate()
        )
