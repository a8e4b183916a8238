"""Notifications: what the application tells a person (in the list "Benachrichtigungen" and by e-mail),
each person's choice per kind, and the secret address of a person's calendar feed."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class BenachrichtigungArt(models.TextChoices):
    AUFGABE_ZUGEWIESEN = "aufgabe_zugewiesen", _("Aufgabe zugewiesen")
    AUFGABE_FAELLIG = "aufgabe_faellig", _("Aufgabe in 7 Tagen fällig")
    AUFGABE_UEBERFAELLIG = "aufgabe_ueberfaellig", _("Aufgabe überfällig")
    ANGEBOT_EINGEREICHT = "angebot_eingereicht", _("Angebot zur Prüfung eingereicht")
    ANGEBOT_ZURUECKGEGEBEN = "angebot_zurueckgegeben", _("Angebot zur Überarbeitung zurückgegeben")
    ANGEBOT_VEROEFFENTLICHT = "angebot_veroeffentlicht", _("Angebot veröffentlicht")
    ERHEBUNG_EROEFFNET = "erhebung_eroeffnet", _("Erhebungsrunde eröffnet")
    ERHEBUNG_ERINNERUNG = "erhebung_erinnerung", _("Erinnerung an eine Erhebungsrunde")
    ERHEBUNG_ABGESCHLOSSEN = "erhebung_abgeschlossen", _("Erhebungsrunde abgeschlossen")
    ANTRAG_EINGEREICHT = "antrag_eingereicht", _("Förderantrag eingereicht")
    ANTRAG_ENTSCHIEDEN = "antrag_entschieden", _("Förderantrag entschieden")
    ABRUF_FAELLIG = "abruf_faellig", _("Mittelabruf fällig")
    VERWENDUNGSNACHWEIS_FAELLIG = "verwendungsnachweis_faellig", _("Verwendungsnachweis fällig")
    TRAEGER_VORGESCHLAGEN = "traeger_vorgeschlagen", _("Träger vorgeschlagen")
    ZIELSETZUNG_VORGELEGT = "zielsetzung_vorgelegt", _("Zielsetzung dem Land vorgelegt")
    ZIELSETZUNG_ENTSCHIEDEN = "zielsetzung_entschieden", _("Zielsetzung vereinbart oder zurückgegeben")


class Zustellung(models.TextChoices):
    SOFORT = "sofort", _("sofort per E-Mail")
    TAEGLICH = "taeglich", _("täglich gesammelt per E-Mail")
    KEINE = "keine", _("keine E-Mail (nur in der Anwendung)")


class BenachrichtigungQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A person sees their own notifications, nobody else's (not even the coordination)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(empfaenger=user)

    def ungelesen(self):
        return self.filter(gelesen_am__isnull=True)


class Benachrichtigung(models.Model):
    """One thing the application tells one person; `schluessel` makes a repeated check say it only once."""

    empfaenger = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="benachrichtigungen",
        verbose_name=_("Empfänger"),
    )
    art = models.CharField(_("Art"), max_length=40, choices=BenachrichtigungArt.choices)
    titel = models.CharField(_("Titel"), max_length=300)
    text = models.TextField(_("Text"), blank=True)
    link = models.CharField(_("Link"), max_length=500, blank=True)
    schluessel = models.CharField(_("Schlüssel"), max_length=200, blank=True)
    erstellt_am = models.DateTimeField(_("erstellt am"), auto_now_add=True, db_index=True)
    gelesen_am = models.DateTimeField(_("gelesen am"), null=True, blank=True)
    zustellung = models.CharField(_("Zustellung"), max_length=20, choices=Zustellung.choices)
    # Set when the e-mail (immediate or in the daily digest) was handed to the queue.
    gemailt_am = models.DateTimeField(_("per E-Mail verschickt am"), null=True, blank=True)

    objects = BenachrichtigungQuerySet.as_manager()

    class Meta:
        verbose_name = _("Benachrichtigung")
        verbose_name_plural = _("Benachrichtigungen")
        ordering = ["-erstellt_am", "-id"]
        indexes = [
            models.Index(fields=["empfaenger", "gelesen_am"], name="benachrichtigung_ungelesen_idx"),
            models.Index(fields=["zustellung", "gemailt_am"], name="benachrichtigung_digest_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["empfaenger", "schluessel"],
                condition=~models.Q(schluessel=""),
                name="benachrichtigung_einmal",
            )
        ]

    def __str__(self):
        return self.titel


class Benachrichtigungseinstellung(models.Model):
    """A person's choice for one kind of notification; without a row the notification is e-mailed at once."""

    benutzer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="benachrichtigungseinstellungen",
        verbose_name=_("Benutzer"),
    )
    art = models.CharField(_("Art"), max_length=40, choices=BenachrichtigungArt.choices)
    zustellung = models.CharField(_("Zustellung"), max_length=20, choices=Zustellung.choices)

    class Meta:
        verbose_name = _("Benachrichtigungseinstellung")
        verbose_name_plural = _("Benachrichtigungseinstellungen")
        constraints = [models.UniqueConstraint(fields=["benutzer", "art"], name="einstellung_einmal_pro_art")]

    def __str__(self):
        return f"{self.benutzer}: {self.get_art_display()} – {self.get_zustellung_display()}"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Kalenderabo(models.Model):
    """The secret address of a person's calendar feed. Only the hash is stored; revoking ends the address."""

    benutzer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="kalenderabos",
        verbose_name=_("Benutzer"),
    )
    token_hash = models.CharField(_("Prüfsumme"), max_length=64, unique=True)
    erstellt_am = models.DateTimeField(_("erstellt am"), auto_now_add=True)
    widerrufen_am = models.DateTimeField(_("widerrufen am"), null=True, blank=True)
    zuletzt_abgerufen = models.DateTimeField(_("zuletzt abgerufen"), null=True, blank=True)

    class Meta:
        verbose_name = _("Kalenderabo")
        verbose_name_plural = _("Kalenderabos")
        ordering = ["-erstellt_am"]

    def __str__(self):
        return f"{self.benutzer} ({self.erstellt_am:%d.%m.%Y})"
