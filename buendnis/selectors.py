"""Reads that span the alliance's models: the dashboard and the core-group checklist."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict

from django.db.models import Count, Q
from django.utils import timezone

from buendnis.choices import Kernaufgabe
from buendnis.models import (
    Akteur,
    Aufgabe,
    Beschluss,
    Funktion,
    Gremium,
    GremiumArt,
    GremiumStatus,
    Kommune,
    Mitgliedschaft,
    Prioritaet,
    Sitzung,
    SitzungStatus,
    User,
    Verfahrensvereinbarung,
)


def kernaufgaben_checkliste(user: User) -> list[dict]:
    """The nine tasks of the Bündniskerngruppe and what stands behind each: forums, decisions, agreements,
    priorities and the members with a multiplier function. A fixed number of queries."""
    belege: dict[str, list] = defaultdict(list)
    for g in Gremium.objects.visible_to(user).exclude(kernaufgabe="").only("id", "name", "kernaufgabe"):
        belege[g.kernaufgabe].append(g)
    beschluesse = Beschluss.objects.visible_to(user).exclude(kernaufgabe="")
    for b in beschluesse.only("id", "text", "datum", "kernaufgabe", "sitzung_id", "gremium_id"):
        belege[b.kernaufgabe].append(b)
    belege[Kernaufgabe.VERFAHRENSVEREINBARUNGEN].extend(
        Verfahrensvereinbarung.objects.visible_to(user).only("id", "titel")[:5]
    )
    belege[Kernaufgabe.PRIORITAETEN].extend(
        Prioritaet.objects.visible_to(user).only("id", "rang", "titel")[:5]
    )
    multiplikatoren = (
        Mitgliedschaft.objects.visible_to(user)
        .filter(funktion=Funktion.MULTIPLIKATOR, gremium__art=GremiumArt.KERNGRUPPE)
        .select_related("akteur")[:5]
    )
    belege[Kernaufgabe.MULTIPLIKATOREN].extend(m.akteur for m in multiplikatoren)
    return [
        {
            "kernaufgabe": aufgabe,
            "belege": belege.get(aufgabe.value, [])[:5],
            "anzahl": len(belege.get(aufgabe.value, [])),
        }
        for aufgabe in Kernaufgabe
    ]


def dashboard(user: User) -> dict:
    """Figures for the alliance dashboard; a fixed number of queries whatever the data size."""
    heute = timezone.localdate()
    gremien = Gremium.objects.visible_to(user)
    aufgaben = Aufgabe.objects.visible_to(user)
    bereiche = Counter(
        dict(
            Akteur.objects.visible_to(user)
            .values_list("bereich__name")
            .annotate(n=Count("id"))
            .values_list("bereich__name", "n")
        )
    )
    foren_status = dict(
        gremien.filter(art=GremiumArt.FORUM)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    return {
        "kommunen": list(Kommune.objects.visible_to(user).select_related("buendnis")[:60]),
        "anzahl_kommunen": Kommune.objects.visible_to(user).count(),
        "mitglieder_nach_bereich": sorted(bereiche.items()),
        "foren_nach_status": [(s.label, foren_status.get(s.value, 0)) for s in GremiumStatus],
        "naechste_sitzungen": list(Sitzung.objects.visible_to(user).kommende().select_related("gremium")[:5]),
        "offene_aufgaben": aufgaben.offen().count(),
        "ueberfaellige_aufgaben": list(aufgaben.ueberfaellig(heute).for_list()[:10]),
        "anzahl_ueberfaellig": aufgaben.ueberfaellig(heute).count(),
        "meine_aufgaben": list(aufgaben.offen().von(user).for_list()[:10]),
        "checkliste": kernaufgaben_checkliste(user),
        "heute": heute,
    }


def offene_aufgaben_fuer_sitzung(sitzung: Sitzung) -> list[Aufgabe]:
    """Standing agenda item: the open tasks of the Gremium, shown on its next planned meeting."""
    return list(
        Aufgabe.objects.filter(gremium_id=sitzung.gremium_id)
        .offen()
        .for_list()
        .order_by("faellig_am", "id")[:100]
    )


def ist_naechste_sitzung(sitzung: Sitzung) -> bool:
    """Whether this is the Gremium's next meeting: the first planned one from today on.

    A meeting still marked as planned but held on an earlier day is not the next one; a meeting earlier today
    still is (until it is marked as held)."""
    if sitzung.status != SitzungStatus.GEPLANT:
        return False
    heute = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time.min))
    if sitzung.beginn < heute:
        return False
    frueher = Sitzung.objects.filter(
        gremium_id=sitzung.gremium_id, status=SitzungStatus.GEPLANT, beginn__gte=heute
    ).filter(Q(beginn__lt=sitzung.beginn) | Q(beginn=sitzung.beginn, pk__lt=sitzung.pk))
    return not frueher.exists()
