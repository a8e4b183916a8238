"""What waits for a person in the needs analysis ("Meine Aufgaben").

- a Kommune: the open survey round (Erhebung) for which its Kommune has not yet delivered its figures;
- the coordination: the open rounds of its Bündnis in which Kommunen are still missing, with their number.
"""

from __future__ import annotations

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse, reverse_lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bedarf.models import Bedarfsmeldung, Erhebung, ErhebungStatus, MeldungStatus
from buendnis.models import Kommune
from buendnis.registry import Arbeitsposten, register_arbeitsposten
from buendnis.rules import acts_for_kommune, is_koordination


def _im_buendnis(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.buendnis_id)


def meldung_fehlt(user):
    """Open rounds of the user's Bündnis without a delivered report of the user's Kommune."""
    if not (_im_buendnis(user) and acts_for_kommune(user)):
        return Erhebung.objects.none()
    abgegeben = Bedarfsmeldung.objects.filter(
        erhebung_id=OuterRef("pk"), kommune_id=user.kommune_id, status=MeldungStatus.ABGEGEBEN
    )
    return Erhebung.objects.visible_to(user).offen().filter(~Exists(abgegeben))


def meldung_fehlt_eintraege(user, n: int) -> list[tuple[str, str, str]]:
    return [
        (
            e.titel,
            reverse("bedarf:meldung-bearbeiten", args=[e.pk]),
            _("Stichtag %(s)s · Eingabe bis %(b)s")
            % {"s": e.stichtag.strftime("%d.%m.%Y"), "b": e.eingabe_bis.strftime("%d.%m.%Y")},
        )
        for e in meldung_fehlt(user).order_by("eingabe_bis", "pk")[:n]
    ]


def _anzahl(qs, gruppe: str):
    """A correlated count as a subquery (no join that multiplies the outer rows)."""
    return Coalesce(
        Subquery(
            qs.order_by().values(gruppe).annotate(n=Count("pk")).values("n")[:1], output_field=IntegerField()
        ),
        Value(0),
    )


def offene_runden(user):
    """The coordination's open rounds in which Kommunen have not yet delivered, with `fehlend` and `kommunen`."""
    if not (_im_buendnis(user) and is_koordination(user)):
        return Erhebung.objects.none()
    return (
        Erhebung.objects.visible_to(user)
        .offen()
        .annotate(
            kommunen=_anzahl(Kommune.objects.filter(buendnis_id=OuterRef("buendnis_id")), "buendnis_id"),
            abgegeben=_anzahl(
                Bedarfsmeldung.objects.filter(erhebung_id=OuterRef("pk"), status=MeldungStatus.ABGEGEBEN),
                "erhebung_id",
            ),
        )
        .annotate(fehlend=F("kommunen") - F("abgegeben"))
        .filter(fehlend__gt=0)
    )


def offene_runden_eintraege(user, n: int) -> list[tuple[str, str, str]]:
    return [
        (
            e.titel,
            e.get_absolute_url(),
            _("%(f)s von %(k)s Kommunen fehlen noch · Eingabe bis %(b)s")
            % {"f": e.fehlend, "k": e.kommunen, "b": e.eingabe_bis.strftime("%d.%m.%Y")},
        )
        for e in offene_runden(user).order_by("eingabe_bis", "pk")[:n]
    ]


def registrieren() -> None:
    register_arbeitsposten(
        Arbeitsposten(
            key="bedarf.meldung_fehlt",
            titel=gettext_lazy("Bedarfsmeldung abgeben"),
            zaehlen=lambda user: meldung_fehlt(user).count(),
            eintraege=meldung_fehlt_eintraege,
            alle_url=reverse_lazy("bedarf:erhebung-list"),
            reihenfolge=50,
        ),
        Arbeitsposten(
            key="bedarf.offene_runden",
            titel=gettext_lazy("Offene Erhebungen mit fehlenden Meldungen"),
            zaehlen=lambda user: offene_runden(user).count(),
            eintraege=offene_runden_eintraege,
            alle_url=format_lazy("{}?status={}", reverse_lazy("bedarf:erhebung-list"), ErhebungStatus.OFFEN),
            reihenfolge=55,
        ),
    )
