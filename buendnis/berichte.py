"""What the alliance contributes to reports and exports: the export entries of its models and the sections of
the Sachstandsbericht about the Bündnis, its bodies, priorities, agreements and open tasks.

Registered from `BuendnisConfig.ready()` (see `buendnis.registry`). Every section builder runs a fixed number of
queries, whatever the data size.
"""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from buendnis import inhalt as i
from buendnis import resources as r
from buendnis.models import (
    Akteur,
    Aufgabe,
    AufgabeStatus,
    Beschluss,
    Gremium,
    GremiumArt,
    GremiumStatus,
    Kommune,
    Mitgliedschaft,
    Prioritaet,
    Sitzung,
    SitzungStatus,
    Tagesordnungspunkt,
    Verfahrensvereinbarung,
)
from buendnis.registry import Abschnittsart, ExportEintrag, Kontext, register_abschnitt, register_export

# Exports ----------------------------------------------------------------------------------------------------------

# The alliance's own column mappings (buendnis.resources, German headers) where they exist; contact persons and
# users are left out on purpose: a data package for the evaluation carries no personal data.
EXPORTE = [
    ExportEintrag(Kommune, resource_class=r.KommuneResource, extra_select=["buendnis"]),
    ExportEintrag(Akteur, resource_class=r.AkteurResource, extra_select=["buendnis", "bereich", "kommune"]),
    ExportEintrag(Gremium, resource_class=r.GremiumResource, extra_select=["buendnis", "leitung"]),
    ExportEintrag(Mitgliedschaft, ["id", "gremium__name", "akteur__name", "funktion", "seit"]),
    ExportEintrag(Sitzung, resource_class=r.SitzungResource, extra_select=["buendnis", "gremium"]),
    ExportEintrag(Tagesordnungspunkt, ["id", "sitzung__titel", "position", "titel", "beschreibung"]),
    ExportEintrag(Beschluss, resource_class=r.BeschlussResource, extra_select=["buendnis", "gremium"]),
    ExportEintrag(Aufgabe, resource_class=r.AufgabeResource, extra_select=["buendnis", "gremium", "akteur"]),
    ExportEintrag(Prioritaet, resource_class=r.PrioritaetResource, extra_select=["buendnis"]),
    ExportEintrag(
        Verfahrensvereinbarung, resource_class=r.VerfahrensvereinbarungResource, extra_select=["buendnis"]
    ),
]


# Sections of the Sachstandsbericht --------------------------------------------------------------------------------


def abschnitt_buendnis(k: Kontext) -> dict:
    """Bündnis and Bündniskerngruppe: lead, management, member municipalities, core group with functions."""
    b = k.buendnis
    kommunen = list(Kommune.objects.filter(buendnis=b).order_by("name").values_list("name", flat=True))
    bereiche = list(
        Akteur.objects.filter(buendnis=b)
        .values_list("bereich__name")
        .annotate(n=Count("id"))
        .order_by("bereich__reihenfolge", "bereich__name")
    )
    kerngruppe = list(
        Mitgliedschaft.objects.filter(gremium__buendnis=b, gremium__art=GremiumArt.KERNGRUPPE)
        .select_related("akteur__bereich", "akteur__kommune", "person")
        .order_by("akteur__name")
    )
    bloecke = [
        i.kennzahlen(
            [
                (_("Bündnis"), b.name),
                (_("Federführung"), i.text(b.federfuehrung)),
                (_("Geschäftsführende Stelle"), i.text(b.geschaeftsfuehrende_stelle)),
                (_("Mitgliedskommunen"), i.zahl(len(kommunen))),
                (_("Akteure im Bündnis"), i.zahl(sum(n for _name, n in bereiche))),
            ]
        )
    ]
    if kommunen:
        bloecke.append(i.absatz(_("Mitgliedskommunen: %(namen)s.") % {"namen": ", ".join(kommunen)}))
    if bereiche:
        bloecke.append(
            i.tabelle(
                _("Akteure nach Bereich"),
                [_("Bereich"), _("Akteure")],
                [[name, i.zahl(n)] for name, n in bereiche],
                rechts=[False, True],
            )
        )
    if kerngruppe:
        bloecke.append(
            i.tabelle(
                _("Mitglieder der Bündniskerngruppe"),
                [_("Akteur"), _("Bereich"), _("Kommune"), _("Funktion"), _("Person")],
                [
                    [
                        m.akteur.name,
                        m.akteur.bereich.name,
                        m.akteur.kommune.name if m.akteur.kommune_id else _("kreisweit"),
                        m.get_funktion_display(),
                        m.person.name if m.person_id else "–",
                    ]
                    for m in kerngruppe
                ],
            )
        )
    else:
        bloecke.append(i.hinweis(_("Für die Bündniskerngruppe sind noch keine Mitglieder erfasst.")))
    return i.abschnitt("buendnis", _("Bündnis und Bündniskerngruppe"), bloecke)


def sitzungen_im_zeitraum(k: Kontext):
    return (
        Sitzung.objects.filter(
            buendnis=k.buendnis, status=SitzungStatus.DURCHGEFUEHRT, beginn__date__range=(k.von, k.bis)
        )
        .select_related("gremium")
        .annotate(anzahl_beschluesse=Count("beschluesse", distinct=True))
        .order_by("beginn")
    )


def beschluesse_im_zeitraum(k: Kontext):
    return (
        Beschluss.objects.filter(buendnis=k.buendnis, datum__range=(k.von, k.bis))
        .select_related("gremium")
        .annotate(anzahl_aufgaben=Count("aufgaben", distinct=True))
        .order_by("datum", "id")
    )


def abschnitt_sitzungen(k: Kontext) -> dict:
    """Meetings held and decisions taken in the reporting period."""
    sitzungen = list(sitzungen_im_zeitraum(k))
    beschluesse = list(beschluesse_im_zeitraum(k))
    bloecke = [
        i.kennzahlen(
            [
                (_("Durchgeführte Sitzungen"), i.zahl(len(sitzungen))),
                (_("Gefasste Beschlüsse"), i.zahl(len(beschluesse))),
            ]
        )
    ]
    if sitzungen:
        bloecke.append(
            i.tabelle(
                _("Durchgeführte Sitzungen im Berichtszeitraum"),
                [_("Datum"), _("Gremium"), _("Sitzung"), _("Ort"), _("Beschlüsse")],
                [
                    [
                        i.datum(timezone.localtime(s.beginn).date()),
                        s.gremium.name,
                        s.titel,
                        i.text(s.ort),
                        i.zahl(s.anzahl_beschluesse),
                    ]
                    for s in sitzungen
                ],
                rechts=[False, False, False, False, True],
            )
        )
    else:
        bloecke.append(i.hinweis(_("Im Berichtszeitraum fanden keine Sitzungen statt.")))
    if beschluesse:
        bloecke.append(
            i.tabelle(
                _("Beschlüsse im Berichtszeitraum"),
                [_("Datum"), _("Gremium"), _("Beschluss"), _("Aufgaben")],
                [[i.datum(b.datum), b.gremium.name, b.text, i.zahl(b.anzahl_aufgaben)] for b in beschluesse],
                rechts=[False, False, False, True],
            )
        )
    return i.abschnitt("sitzungen", _("Sitzungen und Beschlüsse"), bloecke)


def abschnitt_foren(k: Kontext) -> dict:
    """The Bündnisforen (working groups and one-off events) with their status."""
    foren = list(
        Gremium.objects.filter(buendnis=k.buendnis, art=GremiumArt.FORUM)
        .select_related("leitung")
        .annotate(
            anzahl_mitglieder=Count("mitgliedschaften", distinct=True),
            sitzungen_zeitraum=Count(
                "sitzungen",
                filter=Q(
                    sitzungen__status=SitzungStatus.DURCHGEFUEHRT,
                    sitzungen__beginn__date__range=(k.von, k.bis),
                ),
                distinct=True,
            ),
        )
        .order_by("name")
    )
    je_status = {s.value: 0 for s in GremiumStatus}
    for f in foren:
        je_status[f.status] = je_status.get(f.status, 0) + 1
    bloecke = []
    if foren:
        bloecke.append(
            i.tabelle(
                _("Bündnisforen"),
                [
                    _("Forum"),
                    _("Arbeitsform"),
                    _("Status"),
                    _("Leitung"),
                    _("eingerichtet am"),
                    _("Mitglieder"),
                    _("Sitzungen im Zeitraum"),
                ],
                [
                    [
                        f.name,
                        f.get_format_display(),
                        f.get_status_display(),
                        f.leitung.name if f.leitung_id else "–",
                        i.datum(f.eingerichtet_am),
                        i.zahl(f.anzahl_mitglieder),
                        i.zahl(f.sitzungen_zeitraum),
                    ]
                    for f in foren
                ],
                rechts=[False, False, False, False, False, True, True],
            )
        )
        bloecke.append(
            i.tabelle(
                _("Foren nach Status"),
                [_("Status"), _("Anzahl")],
                [[s.label, i.zahl(je_status[s.value])] for s in GremiumStatus],
                rechts=[False, True],
            )
        )
    else:
        bloecke.append(i.hinweis(_("Es sind noch keine Bündnisforen erfasst.")))
    return i.abschnitt("foren", _("Bündnisforen und ihr Stand"), bloecke)


def abschnitt_prioritaeten(k: Kontext) -> dict:
    """The ranked priorities of the local initiative, with their open tasks."""
    prioritaeten = list(
        Prioritaet.objects.filter(buendnis=k.buendnis)
        .annotate(offene=Count("aufgaben", filter=~Q(aufgaben__status=AufgabeStatus.ERLEDIGT)))
        .order_by("rang", "titel")
    )
    if not prioritaeten:
        bloecke = [i.hinweis(_("Die Kerngruppe hat noch keine Prioritäten festgelegt."))]
    else:
        bloecke = [
            i.tabelle(
                _("Prioritäten der lokalen Initiative"),
                [_("Rang"), _("Priorität"), _("Beschreibung"), _("offene Aufgaben")],
                [[i.zahl(p.rang), p.titel, i.text(p.beschreibung), i.zahl(p.offene)] for p in prioritaeten],
                rechts=[True, False, False, True],
            )
        ]
    return i.abschnitt("prioritaeten", _("Prioritäten"), bloecke)


def abschnitt_vereinbarungen(k: Kontext) -> dict:
    """Procedure agreements (who does what for the target group, at which hand-over) and their status."""
    vereinbarungen = list(
        Verfahrensvereinbarung.objects.filter(buendnis=k.buendnis)
        .prefetch_related("parteien")
        .order_by("titel")
    )
    if not vereinbarungen:
        bloecke = [i.hinweis(_("Es sind noch keine Verfahrensvereinbarungen erfasst."))]
    else:
        bloecke = [
            i.tabelle(
                _("Verfahrensvereinbarungen"),
                [_("Vereinbarung"), _("Status"), _("gültig ab"), _("Parteien")],
                [
                    [
                        v.titel,
                        v.get_status_display(),
                        i.datum(v.gueltig_ab),
                        ", ".join(sorted(p.name for p in v.parteien.all())) or "–",
                    ]
                    for v in vereinbarungen
                ],
            )
        ]
    return i.abschnitt("vereinbarungen", _("Verfahrensvereinbarungen"), bloecke)


def offene_aufgaben(k: Kontext):
    return (
        Aufgabe.objects.filter(buendnis=k.buendnis)
        .offen()
        .select_related("akteur", "zustaendig", "gremium")
        .order_by("faellig_am", "id")
    )


def abschnitt_aufgaben(k: Kontext) -> dict:
    """Open tasks, overdue ones marked in words (not by colour only)."""
    aufgaben = list(offene_aufgaben(k))
    ueberfaellig = sum(1 for a in aufgaben if a.faellig_am and a.faellig_am < k.stichtag)
    bloecke = [
        i.kennzahlen(
            [
                (_("Offene Aufgaben"), i.zahl(len(aufgaben))),
                (_("davon überfällig"), i.zahl(ueberfaellig)),
            ]
        )
    ]
    if aufgaben:
        bloecke.append(
            i.tabelle(
                _("Offene Aufgaben"),
                [_("Aufgabe"), _("Gremium"), _("verantwortlich"), _("fällig am"), _("Stand")],
                [
                    [
                        a.titel,
                        a.gremium.name if a.gremium_id else "–",
                        verantwortlich(a),
                        i.datum(a.faellig_am),
                        a.get_status_display()
                        + (" – " + _("überfällig") if a.faellig_am and a.faellig_am < k.stichtag else ""),
                    ]
                    for a in aufgaben
                ],
            )
        )
    return i.abschnitt("aufgaben", _("Offene Aufgaben"), bloecke)


def verantwortlich(aufgabe) -> str:
    """Who answers for a task in a report or the minutes: the Akteur, else the person it is assigned to."""
    if aufgabe.akteur_id:
        return aufgabe.akteur.name
    if aufgabe.zustaendig_id:
        return aufgabe.zustaendig.anzeigename()
    return "–"


# Registration -----------------------------------------------------------------------------------------------------


def registrieren() -> None:
    """Called from `BuendnisConfig.ready()`. The alliance's sections open the report and the open tasks close
    it; the domain apps' sections go in between (60-90)."""
    register_export(*EXPORTE)
    register_abschnitt(
        Abschnittsart("buendnis", gettext_lazy("Bündnis und Bündniskerngruppe"), abschnitt_buendnis, 10),
        Abschnittsart("sitzungen", gettext_lazy("Sitzungen und Beschlüsse"), abschnitt_sitzungen, 20),
        Abschnittsart("foren", gettext_lazy("Bündnisforen und ihr Stand"), abschnitt_foren, 30),
        Abschnittsart("prioritaeten", gettext_lazy("Prioritäten"), abschnitt_prioritaeten, 40),
        Abschnittsart(
            "vereinbarungen", gettext_lazy("Verfahrensvereinbarungen"), abschnitt_vereinbarungen, 50
        ),
        Abschnittsart("aufgaben", gettext_lazy("Offene Aufgaben"), abschnitt_aufgaben, 100),
    )
