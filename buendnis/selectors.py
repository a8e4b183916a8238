"""Reads that span the alliance's models: the dashboard and the core-group checklist."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from buendnis.choices import Kernaufgabe
from buendnis.models import (
    Akteur,
    Ansprechperson,
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
    Teilnahme,
    TeilnahmeStatus,
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


def _heute_beginn() -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time.min))


def _kommende_geplante(sitzung: Sitzung):
    """The Gremium's planned meetings from today on: the ones open tasks can still stand on."""
    return Sitzung.objects.filter(
        gremium_id=sitzung.gremium_id, status=SitzungStatus.GEPLANT, beginn__gte=_heute_beginn()
    )


def offene_aufgaben_fuer_sitzung(sitzung: Sitzung) -> list[Aufgabe]:
    """Standing agenda item "Offene Aufgaben aus früheren Beschlüssen": the open tasks of the Gremium that stand
    on this meeting.

    An open task stands on the first planned meeting (from today on) that begins after its decision: the begin
    of the decision's meeting, else when the decision or the task was recorded. Whether the decision's meeting
    was marked as held does not matter, and a task never stands on the meeting that decided it. A task still
    open after that meeting moves on to the next planned one by itself. Two queries whatever the data size."""
    if sitzung.status != SitzungStatus.GEPLANT or sitzung.beginn < _heute_beginn():
        return []
    vorige = (
        _kommende_geplante(sitzung)
        .filter(Q(beginn__lt=sitzung.beginn) | Q(beginn=sitzung.beginn, pk__lt=sitzung.pk))
        .order_by("-beginn", "-pk")
        .values_list("beginn", flat=True)
        .first()
    )
    aufgaben = (
        Aufgabe.objects.filter(gremium_id=sitzung.gremium_id)
        .offen()
        .annotate(
            bezug=Coalesce(
                "beschluss__sitzung__beginn", "beschluss__created_at", "sitzung__beginn", "created_at"
            )
        )
        .filter(bezug__lt=sitzung.beginn)
        .exclude(sitzung_id=sitzung.pk)
        .exclude(beschluss__sitzung_id=sitzung.pk)
    )
    if vorige is not None:
        # Decided before the previous planned meeting: the task stands there, not here.
        aufgaben = aufgaben.filter(bezug__gte=vorige)
    return list(aufgaben.for_list().select_related("beschluss").order_by("faellig_am", "id")[:100])


def ist_naechste_sitzung(sitzung: Sitzung) -> bool:
    """Whether this is the Gremium's next meeting: the first planned one from today on. It shows the standing
    item even when no task stands on it.

    A meeting still marked as planned but held on an earlier day is not the next one; a meeting earlier today
    still is (until it is marked as held)."""
    if sitzung.status != SitzungStatus.GEPLANT or sitzung.beginn < _heute_beginn():
        return False
    frueher = _kommende_geplante(sitzung).filter(
        Q(beginn__lt=sitzung.beginn) | Q(beginn=sitzung.beginn, pk__lt=sitzung.pk)
    )
    return not frueher.exists()


# Meetings: invitations, attendance, minutes -----------------------------------------------------------------------


def einladung_empfaenger(sitzung: Sitzung) -> list[str]:
    """Who receives a meeting's invitation: every member of the Gremium (the named person's e-mail, else the
    organisation's), the active accounts of the member organisations in the same Bündnis, and the person who
    leads the Gremium. Lower-cased, each address once, sorted. Three queries."""
    gremium = sitzung.gremium
    adressen: list[str] = []
    akteur_ids = set()
    for m in Mitgliedschaft.objects.filter(gremium_id=gremium.pk).select_related("akteur", "person"):
        akteur_ids.add(m.akteur_id)
        adressen.append((m.person.email if m.person_id else "") or m.akteur.email)
    adressen += User.objects.filter(
        akteur_id__in=akteur_ids, buendnis_id=sitzung.buendnis_id, is_active=True
    ).values_list("email", flat=True)
    if gremium.leitung_person_id:
        adressen.append(
            Ansprechperson.objects.filter(pk=gremium.leitung_person_id)
            .values_list("email", flat=True)
            .first()
            or ""
        )
    return sorted({a.strip().lower() for a in adressen if a and a.strip()})


@dataclass
class Beschlussfaehigkeit:
    """The quorum line of a meeting: how many of the members (guests not counted) were present."""

    anwesend: int
    mitglieder: int
    noetig: int
    erfasst: bool

    @property
    def beschlussfaehig(self) -> bool:
        return self.mitglieder > 0 and self.anwesend >= self.noetig

    @property
    def text(self) -> str:
        if not self.erfasst:
            return _("Die Teilnahme ist noch nicht erfasst.")
        werte = {"x": self.anwesend, "y": self.mitglieder, "z": self.noetig}
        if self.beschlussfaehig:
            return _("%(x)d von %(y)d Mitgliedern anwesend – beschlussfähig (ab %(z)d)") % werte
        return _("%(x)d von %(y)d Mitgliedern anwesend – nicht beschlussfähig (ab %(z)d)") % werte


@dataclass
class Anwesenheit:
    """Attendance of a meeting as the page and the minutes show it."""

    zeilen: list[tuple[Mitgliedschaft, Teilnahme | None]]
    gaeste: list[Teilnahme]
    quorum: Beschlussfaehigkeit

    def namen(self, status: str) -> list[str]:
        return [t.anzeigename for m, t in self.zeilen if t is not None and t.status == status]


def anwesenheit(sitzung: Sitzung) -> Anwesenheit:
    """Every member of the Gremium with its recorded attendance, the guests and the quorum. Two queries."""
    mitgliedschaften = list(
        Mitgliedschaft.objects.filter(gremium_id=sitzung.gremium_id)
        .select_related("akteur", "person")
        .order_by("akteur__name", "pk")
    )
    teilnahmen = list(Teilnahme.objects.filter(sitzung_id=sitzung.pk).select_related("akteur", "person"))
    je_mitglied = {t.mitgliedschaft_id: t for t in teilnahmen if t.mitgliedschaft_id}
    zeilen = [(m, je_mitglied.get(m.pk)) for m in mitgliedschaften]
    stimmberechtigt = [(m, t) for m, t in zeilen if m.funktion != Funktion.GAST]
    anzahl = len(stimmberechtigt)
    quorum = Beschlussfaehigkeit(
        anwesend=sum(
            1 for _m, t in stimmberechtigt if t is not None and t.status == TeilnahmeStatus.ANWESEND
        ),
        mitglieder=anzahl,
        noetig=sitzung.gremium.noetiges_quorum(anzahl),
        erfasst=bool(teilnahmen),
    )
    gaeste = [t for t in teilnahmen if t.status == TeilnahmeStatus.GAST]
    gaeste.sort(key=lambda t: (t.anzeigename.lower(), t.pk))
    return Anwesenheit(zeilen=zeilen, gaeste=gaeste, quorum=quorum)


def genehmigbare_protokolle(sitzung: Sitzung) -> list[Sitzung]:
    """Earlier held meetings of the Gremium whose minutes still wait for approval in this meeting (which takes
    place today or was held, and whose own minutes are not yet final)."""
    if not darf_protokolle_genehmigen(sitzung):
        return []
    return list(
        Sitzung.objects.filter(
            gremium_id=sitzung.gremium_id,
            status=SitzungStatus.DURCHGEFUEHRT,
            beginn__lt=sitzung.beginn,
            protokoll_genehmigt_am__isnull=True,
        ).order_by("beginn", "pk")[:20]
    )


def darf_protokolle_genehmigen(sitzung: Sitzung) -> bool:
    """Minutes are approved in a later meeting, while it takes place (today) or once it was held."""
    if sitzung.protokoll_gesperrt or sitzung.status == SitzungStatus.ABGESAGT:
        return False
    return sitzung.status == SitzungStatus.DURCHGEFUEHRT or (
        timezone.localtime(sitzung.beginn).date() == timezone.localdate()
    )


def geaendert_seit_einladung(sitzung: Sitzung, letzte_einladung) -> bool:
    """Whether title, time or place changed after the last invitation (the members' calendars are out of date)."""
    if letzte_einladung is None or sitzung.status == SitzungStatus.ABGESAGT:
        return False
    damals = (
        sitzung.history.filter(history_date__lte=letzte_einladung.created_at)
        .order_by("-history_date", "-history_id")
        .first()
    )
    if damals is None:
        return False
    felder = ("titel", "beginn", "ende", "ort")
    return any(getattr(damals, f) != getattr(sitzung, f) for f in felder)
