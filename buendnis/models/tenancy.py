"""The alliance and its members: Bündnis, Kommune, Bereich, Akteur, Ansprechperson and the users."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from buendnis.choices import BuendnisArt, Regierungsbezirk, Rolle

from .base import BuendnisQuerySet, SameBuendnisMixin, TimestampedModel, sees_all_buendnisse


class BuendnisRootQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if sees_all_buendnisse(user):
            return self
        return self.filter(pk=user.buendnis_id) if user.buendnis_id else self.none()

    def for_list(self):
        return self.annotate(anzahl_kommunen=models.Count("kommunen", distinct=True)).order_by("name")


class Buendnis(TimestampedModel):
    """A local alliance ("Bündnis") run by one Kreis or kreisfreie Stadt; root of all tenancy."""

    name = models.CharField(_("Name"), max_length=200, unique=True)
    kreisschluessel = models.CharField(
        _("Kreisschlüssel"),
        max_length=5,
        unique=True,
        validators=[RegexValidator(r"^\d{5}$", _("Der Kreisschlüssel hat genau fünf Ziffern."))],
    )
    art = models.CharField(_("Art"), max_length=20, choices=BuendnisArt.choices)
    regierungsbezirk = models.CharField(
        _("Regierungsbezirk"),
        max_length=20,
        choices=Regierungsbezirk.choices,
        blank=True,
        help_text=_(
            "Nur in Ländern mit Regierungsbezirken (Baden-Württemberg, Bayern, Hessen, Nordrhein-Westfalen)."
        ),
    )
    federfuehrung = models.CharField(_("Federführung"), max_length=200, blank=True)
    geschaeftsfuehrende_stelle = models.CharField(_("Geschäftsführende Stelle"), max_length=200, blank=True)
    kontakt_email = models.EmailField(_("Kontakt-E-Mail"), blank=True)

    objects = BuendnisRootQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Bündnis")
        verbose_name_plural = _("Bündnisse")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("buendnis:buendnis-detail", args=[self.pk])

    def get_buendnis_id(self):
        return self.pk


class KommuneQuerySet(BuendnisQuerySet):
    def for_list(self):
        return (
            self.select_related("buendnis")
            .annotate(anzahl_akteure=models.Count("akteure", distinct=True))
            .order_by("buendnis__name", "name")
        )


class Kommune(SameBuendnisMixin, TimestampedModel):
    """A member municipality (kreisangehörige Kommune) of a Bündnis; a kreisfreie Stadt is its own Kommune."""

    buendnis = models.ForeignKey(
        Buendnis, on_delete=models.PROTECT, related_name="kommunen", verbose_name=_("Bündnis")
    )
    name = models.CharField(_("Name"), max_length=200)
    gemeindeschluessel = models.CharField(
        _("Gemeindeschlüssel"),
        max_length=8,
        blank=True,
        validators=[RegexValidator(r"^\d{8}$", _("Der Gemeindeschlüssel hat genau acht Ziffern."))],
    )
    ansprechpartner = models.CharField(_("Ansprechpartner in der Verwaltung"), max_length=200, blank=True)
    # The centre of the municipality (WGS 84), for "near you" in the public catalogue; empty = unknown.
    breite = models.DecimalField(
        _("Breitengrad"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(47), MaxValueValidator(56)],
    )
    laenge = models.DecimalField(
        _("Längengrad"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(5), MaxValueValidator(16)],
    )

    objects = KommuneQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Kommune")
        verbose_name_plural = _("Kommunen")
        ordering = ["buendnis__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["buendnis", "name"],
                name="kommune_name_unique_per_buendnis",
                violation_error_message=_("Eine Kommune mit diesem Namen gibt es im Bündnis schon."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("buendnis:kommune-detail", args=[self.pk])


class Bereich(models.Model):
    """One of the four areas members come from (Migration und Integration, Arbeit und Wirtschaft, ...)."""

    schluessel = models.SlugField(_("Schlüssel"), max_length=40, unique=True)
    name = models.CharField(_("Name"), max_length=100, unique=True)
    reihenfolge = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)

    class Meta:
        verbose_name = _("Bereich")
        verbose_name_plural = _("Bereiche")
        ordering = ["reihenfolge", "name"]

    def __str__(self):
        return self.name


class AkteurTyp(models.TextChoices):
    JOBCENTER = "jobcenter", _("Jobcenter")
    AGENTUR = "agentur", _("Agentur für Arbeit")
    KAMMER = "kammer", _("Kammer")
    SCHULE = "schule", _("Schule")
    BILDUNGSTRAEGER = "bildungstraeger", _("Bildungsträger")
    WOHLFAHRTSVERBAND = "wohlfahrtsverband", _("Wohlfahrtsverband")
    JUGENDHILFE = "jugendhilfe", _("Jugendhilfe")
    EHRENAMT = "ehrenamt", _("Ehrenamtsinitiative")
    VERWALTUNG = "verwaltung", _("Kommunalverwaltung")
    SONSTIGE = "sonstige", _("Sonstige")


class AkteurStatus(models.TextChoices):
    BESTAETIGT = "bestaetigt", _("bestätigt")
    VORGESCHLAGEN = "vorgeschlagen", _("von einer Kommune vorgeschlagen")


class AkteurQuerySet(BuendnisQuerySet):
    def for_list(self):
        return self.select_related("bereich", "kommune", "buendnis")


class Akteur(SameBuendnisMixin, TimestampedModel):
    """A member organisation of the alliance (Jobcenter, Kammer, Schule, Träger, ...)."""

    buendnis = models.ForeignKey(
        Buendnis, on_delete=models.PROTECT, related_name="akteure", verbose_name=_("Bündnis")
    )
    name = models.CharField(_("Name"), max_length=200)
    typ = models.CharField(_("Typ"), max_length=30, choices=AkteurTyp.choices)
    bereich = models.ForeignKey(
        Bereich, on_delete=models.PROTECT, related_name="akteure", verbose_name=_("Bereich")
    )
    kommune = models.ForeignKey(
        Kommune,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="akteure",
        verbose_name=_("Kommune"),
        help_text=_("Leer lassen, wenn der Akteur kreisweit tätig ist."),
    )
    adresse = models.CharField(_("Adresse"), max_length=300, blank=True)
    website = models.URLField(_("Website"), blank=True)
    email = models.EmailField(_("E-Mail"), blank=True)
    telefon = models.CharField(_("Telefon"), max_length=50, blank=True)
    notiz = models.TextField(_("Notiz"), blank=True)
    # A Kommune may propose a missing Träger; the coordination confirms it (or removes an unused proposal).
    status = models.CharField(
        _("Status"), max_length=20, choices=AkteurStatus.choices, default=AkteurStatus.BESTAETIGT
    )
    vorgeschlagen_von = models.ForeignKey(
        "buendnis.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("vorgeschlagen von"),
    )

    objects = AkteurQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Akteur")
        verbose_name_plural = _("Akteure")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["buendnis", "name"],
                name="akteur_name_unique_per_buendnis",
                violation_error_message=_("Einen Akteur mit diesem Namen gibt es im Bündnis schon."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("buendnis:akteur-detail", args=[self.pk])

    @property
    def ist_kreisweit(self) -> bool:
        return self.kommune_id is None


class AnsprechpersonQuerySet(BuendnisQuerySet):
    buendnis_lookup = "akteur__buendnis_id"

    def for_list(self):
        return self.select_related("akteur")


class Ansprechperson(SameBuendnisMixin, TimestampedModel):
    """A staff contact of an Akteur."""

    akteur = models.ForeignKey(
        Akteur, on_delete=models.CASCADE, related_name="ansprechpersonen", verbose_name=_("Akteur")
    )
    name = models.CharField(_("Name"), max_length=200)
    funktion = models.CharField(_("Funktion"), max_length=200, blank=True)
    email = models.EmailField(_("E-Mail"), blank=True)
    telefon = models.CharField(_("Telefon"), max_length=50, blank=True)
    oeffentlich = models.BooleanField(
        _("Kontaktdaten öffentlich"), default=False, help_text=_("Nur dann im öffentlichen Katalog sichtbar.")
    )

    objects = AnsprechpersonQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Ansprechperson")
        verbose_name_plural = _("Ansprechpersonen")
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.akteur})"

    def get_buendnis_id(self):
        return self.akteur.buendnis_id if self.akteur_id else None


class UserQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if sees_all_buendnisse(user):
            return self
        return self.filter(buendnis_id=user.buendnis_id) if user.buendnis_id else self.none()


class BenutzerManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    """A person signing in. The role decides what they may do, the Bündnis/Kommune which rows they see."""

    rolle = models.CharField(_("Rolle"), max_length=20, choices=Rolle.choices, blank=True)
    buendnis = models.ForeignKey(
        Buendnis,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="benutzer",
        verbose_name=_("Bündnis"),
    )
    kommune = models.ForeignKey(
        Kommune,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="benutzer",
        verbose_name=_("Kommune"),
    )
    akteur = models.ForeignKey(
        Akteur,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="benutzer",
        verbose_name=_("Akteur"),
        help_text=_("Für Bündnismitglieder: die Organisation, für die die Person Aufgaben übernimmt."),
    )

    objects = BenutzerManager()

    class Meta:
        verbose_name = _("Benutzer")
        verbose_name_plural = _("Benutzer")

    def clean(self):
        super().clean()
        errors = {}
        if self.rolle and self.rolle != Rolle.LAND and not self.buendnis_id:
            errors["buendnis"] = _("Diese Rolle braucht ein Bündnis.")
        if self.rolle == Rolle.LAND and self.buendnis_id:
            errors["buendnis"] = _("Die Rolle Land ist keinem Bündnis zugeordnet.")
        if self.rolle == Rolle.KOMMUNE and not self.kommune_id:
            errors["kommune"] = _("Die Rolle Kommune braucht eine Kommune.")
        if self.kommune_id and self.buendnis_id and self.kommune.buendnis_id != self.buendnis_id:
            errors["kommune"] = _("Die Kommune gehört zu einem anderen Bündnis.")
        if self.akteur_id and self.buendnis_id and self.akteur.buendnis_id != self.buendnis_id:
            errors["akteur"] = _("Der Akteur gehört zu einem anderen Bündnis.")
        if errors:
            raise ValidationError(errors)

    def anzeigename(self) -> str:
        """The person as colleagues know them: the full name, the user name only when no name is recorded."""
        return self.get_full_name() or self.username

    @property
    def sieht_alle_buendnisse(self) -> bool:
        return sees_all_buendnisse(self)
