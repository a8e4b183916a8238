"""What waits for a person in the offer catalogue ("Meine Aufgaben").

- the coordination: offers submitted for review (status "zur Prüfung") in its Bündnis;
- a Kommune: its own drafts, the ones the coordination sent back ("zurückgegeben": a draft again, with the
  coordination's `rueckmeldung`) first;
- a member with an Akteur: the offers of its Träger sent back for rework.
"""

from __future__ import annotations

from django.db.models import Case, IntegerField, Q, Value, When
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.text import Truncator, format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from angebote.models import Angebot, AngebotStatus
from buendnis.registry import Arbeitsposten, register_arbeitsposten
from buendnis.rules import acts_for_kommune, is_koordination, is_mitglied


def _im_buendnis(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.buendnis_id)


def zur_pruefung(user):
    if not (_im_buendnis(user) and is_koordination(user)):
        return Angebot.objects.none()
    return Angebot.objects.visible_to(user).filter(status=AngebotStatus.ZUR_PRUEFUNG)


def zur_pruefung_eintraege(user, n: int) -> list[tuple[str, str, str]]:
    angebote = zur_pruefung(user).select_related("traeger").order_by("updated_at", "pk")
    return [
        (
            a.titel,
            a.get_absolute_url(),
            _("%(traeger)s · eingereicht, zuletzt geändert am %(d)s")
            % {"traeger": a.traeger.name, "d": timezone.localtime(a.updated_at).strftime("%d.%m.%Y")},
        )
        for a in angebote[:n]
    ]


def zur_ueberarbeitung(user):
    """A Kommune's own drafts (returned or not yet submitted); a member's Träger offers that were sent back."""
    if not _im_buendnis(user):
        return Angebot.objects.none()
    if acts_for_kommune(user):
        eigene = Angebot.objects.editable_by(user).values("pk")
        return Angebot.objects.visible_to(user).filter(status=AngebotStatus.ENTWURF, pk__in=eigene)
    if is_mitglied(user) and user.akteur_id:
        return (
            Angebot.objects.visible_to(user)
            .filter(status=AngebotStatus.ENTWURF, traeger_id=user.akteur_id)
            .exclude(rueckmeldung="")
        )
    return Angebot.objects.none()


def zur_ueberarbeitung_eintraege(user, n: int) -> list[tuple[str, str, str]]:
    angebote = (
        zur_ueberarbeitung(user)
        .select_related("traeger")
        # Offers the coordination sent back first.
        .annotate(
            reihe=Case(
                When(~Q(rueckmeldung=""), then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("reihe", "-updated_at", "pk")
    )
    eintraege = []
    for a in angebote[:n]:
        if a.rueckmeldung:
            detail = _("zurückgegeben: %(r)s") % {"r": Truncator(a.rueckmeldung).chars(120)}
        else:
            detail = _("Entwurf, noch nicht eingereicht")
        eintraege.append((a.titel, a.get_absolute_url(), detail))
    return eintraege


def registrieren() -> None:
    register_arbeitsposten(
        Arbeitsposten(
            key="angebote.zur_pruefung",
            titel=gettext_lazy("Angebote zur Prüfung"),
            zaehlen=lambda user: zur_pruefung(user).count(),
            eintraege=zur_pruefung_eintraege,
            alle_url=format_lazy(
                "{}?status={}", reverse_lazy("angebote:angebot-list"), AngebotStatus.ZUR_PRUEFUNG
            ),
            reihenfolge=40,
        ),
        Arbeitsposten(
            key="angebote.zur_ueberarbeitung",
            titel=gettext_lazy("Angebote zur Überarbeitung"),
            zaehlen=lambda user: zur_ueberarbeitung(user).count(),
            eintraege=zur_ueberarbeitung_eintraege,
            alle_url=format_lazy(
                "{}?status={}", reverse_lazy("angebote:angebot-list"), AngebotStatus.ENTWURF
            ),
            reihenfolge=45,
        ),
    )
