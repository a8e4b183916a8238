"""Reads that span the alliance's models: the dashboard and the measured state of the core group's nine tasks."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db import models
from django.db.models import Count, Q, Window
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from buendnis import registry
from buendnis.choices import Kernaufgabe
from buendnis.models import (
    Akteur,
    Ansprechperson,
    Aufgabe,
    Funktion,
    Gremium,
    GremiumArt,
    GremiumStatus,
    Kommune,
    Mitgliedschaft,
    Sitzung,
    SitzungStatus,
    Teilnahme,
    TeilnahmeStatus,
    User,
)
from buendnis.registry import STAND_RANG, Kernaufgabenstand, Stand, kernaufgabenmessungen


@dataclass
class Aufgabenstand:
    """One of the nine tasks of the Bündniskerngruppe in one Bündnis: the best state any evidence reaches
    ("erfüllt" over "begonnen" over "noch offen"), and all the evidence the apps measured."""

    kernaufgabe: Kernaufgabe
    stand: str = Stand.OFFEN
    belege: list[Kernaufgabenstand] = field(default_factory=list)

    @property
    def stand_label(self) -> str:
        return str(Stand(self.stand).label)


def kernaufgaben(
    buendnis_ids: list[int], stichtag: datetime.date | None = None
) -> dict[int, list[Aufgabenstand]]:
    """The nine tasks per Bündnis, measured from the data each app registered (`register_kernaufgabenmessung`):
    forums and priorities set up, a survey round held, offers published, agreements adopted, ... A fixed number
    of queries per registered measurement, whatever the number of Bündnisse."""
    stichtag = stichtag or timezone.localdate()
    ergebnis = {bid: {k.value: Aufgabenstand(k) for k in Kernaufgabe} for bid in buendnis_ids}
    if not ergebnis:
        return {}
    for messung in kernaufgabenmessungen():
        for bid, je_aufgabe in messung(list(buendnis_ids), stichtag).items():
            if bid not in ergebnis:
                continue
            for aufgabe, beleg in je_aufgabe.items():
                eintrag = ergebnis[bid].get(aufgabe)
                if eintrag is None:
                    continue
                eintrag.belege.append(beleg)
                if STAND_RANG[Stand(beleg.stand)] > STAND_RANG[Stand(eintrag.stand)]:
                    eintrag.stand = beleg.stand
    for je_aufgabe in ergebnis.values():
        for eintrag in je_aufgabe.values():
            # The strongest evidence first: what fulfils a task, then what has begun it.
            eintrag.belege.sort(key=lambda b: -STAND_RANG[Stand(b.stand)])
    return {bid: list(je.values()) for bid, je in ergebnis.items()}


def kernaufgaben_erfuellt(staende: list[Aufgabenstand]) -> int:
    return sum(1 for a in staende if a.stand == Stand.ERFUELLT)


def erste_und_anzahl(queryset, n: int) -> tuple[list, int]:
    """The first n rows of a dashboard list and the number of all rows, in one query (the count over the whole
    result, taken before the limit)."""
    zeilen = list(queryset.annotate(anzahl_aller_zeilen=Window(Count("pk")))[:n])
    return zeilen, (zeilen[0].anzahl_aller_zeilen if zeilen else 0)


def dashboard(user: User) -> dict:
    """Figures for the dashboard; a fixed number of queries whatever the data size.

    A person of a Bündnis sees the work of that Bündnis: Kommunen, members by Bereich, forums, meetings, tasks
    and the measured state of the nine tasks of the core group. The state (and a superuser without a Bündnis)
    works in no single Bündnis: its dashboard shows none of these (`landesebene`); its own work and the view of
    all Bündnisse come from the panels of the steering (berichte)."""
    heute = timezone.localdate()
    if not user.buendnis_id:
        return {"landesebene": True, "heute": heute}
    aufgaben = Aufgabe.objects.visible_to(user)

    def kennzahlen() -> dict:
        bereiche = Counter(
            dict(
                Akteur.objects.visible_to(user)
                .values_list("bereich__name")
                .annotate(n=Count("id"))
                .values_list("bereich__name", "n")
            )
        )
        foren_status = dict(
            Gremium.objects.visible_to(user)
            .filter(art=GremiumArt.FORUM)
            .values_list("status")
            .annotate(n=Count("id"))
            .values_list("status", "n")
        )
        kernaufgaben_stand = kernaufgaben([user.buendnis_id], heute)[user.buendnis_id]
        kommunen, anzahl_kommunen = erste_und_anzahl(
            Kommune.objects.visible_to(user).select_related("buendnis"), 60
        )
        ueberfaellig, anzahl_ueberfaellig = erste_und_anzahl(aufgaben.ueberfaellig(heute).for_list(), 10)
        daten = {
            "kommunen": kommunen,
            "anzahl_kommunen": anzahl_kommunen,
            "mitglieder_nach_bereich": sorted(bereiche.items()),
            "foren_nach_status": [(s.label, foren_status.get(s.value, 0)) for s in GremiumStatus],
            "offene_aufgaben": aufgaben.offen().count(),
            "ueberfaellige_aufgaben": ueberfaellig,
            "anzahl_ueberfaellig": anzahl_ueberfaellig,
            "kernaufgaben": kernaufgaben_stand,
            "kernaufgaben_erfuellt": kernaufgaben_erfuellt(kernaufgaben_stand),
        }
        # Rendered here, so that a cache hit also saves laying out these parts of the page.
        for teil in ("aufgaben", "foren", "mitglieder", "kernaufgaben"):
            daten[f"{teil}_html"] = render_to_string(f"buendnis/dashboard_{teil}.html", daten)
        return daten

    # Aggregates of the whole Bündnis (the nine tasks read every app) and the lists that change only with its data
    # (Kommunen, overdue tasks of the day), with their rendered parts: from the cache of the dashboard's figures,
    # renewed by a write to this Bündnis and every day. The meetings to come and the user's own tasks stay live.
    zahlen = registry.dashboard_gecacht("buendnis", user, kennzahlen, heute.isoformat())
    return {
        **zahlen,
        "landesebene": False,
        "naechste_sitzungen": list(Sitzung.objects.visible_to(user).kommende().select_related("gremium")[:5]),
        "meine_aufgaben": list(aufgaben.offen().von(user).for_list()[:10]),
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


# Contact persons ----------------------------------------------------------------------------------------------


def verweise_auf_person() -> list[models.ForeignKey]:
    """The foreign keys of other rows (offers, forums, memberships, attendance) that name a contact person and
    lose it when the person is deleted. simple-history's own references (DO_NOTHING) are not among them."""
    return [
        rel.field
        for rel in Ansprechperson._meta.get_fields(include_hidden=True)
        if rel.is_relation and rel.auto_created and getattr(rel, "on_delete", None) is models.SET_NULL
    ]


def ansprechperson_verwendungen(person: Ansprechperson) -> list[tuple[str, int]]:
    """Where the person is named (kind of row in the plural, number of rows), for the confirmation page: these
    rows keep existing without the person."""
    verwendungen = []
    for feld in verweise_auf_person():
        anzahl = feld.model._base_manager.filter(**{feld.name: person}).count()
        if anzahl:
            verwendungen.append((str(feld.model._meta.verbose_name_plural), anzahl))
    return verwendungen
