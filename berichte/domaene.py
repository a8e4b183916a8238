"""Sections of the Sachstandsbericht and export entries that read the domain apps (angebote, bedarf, foerderung).

The domain apps are built alongside this one. A section (or export entry) is offered only when the app's models
and the selectors it needs exist; until then it is left out rather than breaking the report. Figures come from
the apps' own selectors (`angebote.selectors.zugangsmatrix`/`sackgassen`, `bedarf.selectors.gap_analyse`/
`erhebung_vergleich`/`ueberblick`, `foerderung.selectors.budgetuebersicht`/`teilhabemanagement_stellen`); needs
figures are protected there (`bedarf.suppression`), this module only lays them out.
"""

from __future__ import annotations

import datetime
from importlib import import_module

from django.apps import apps
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bedarf.suppression import ZEICHEN
from berichte import inhalt as i

MAX_ZEILEN = 40


def modell(app_label: str, name: str):
    """The model `app_label.name`, or None while the app does not define it yet."""
    try:
        return apps.get_model(app_label, name)
    except LookupError:
        return None


def bereit(modul: str, *namen: str) -> bool:
    """Whether `modul` imports and offers every name (models, selectors) a section needs."""
    try:
        m = import_module(modul)
    except ImportError:
        return False
    return all(hasattr(m, n) for n in namen)


def _angebote_bereit() -> bool:
    return bereit("angebote.models", "Angebot", "Kategorie", "Zugang") and bereit(
        "angebote.selectors", "zugangsmatrix", "sackgassen"
    )


def _bedarf_bereit() -> bool:
    return (
        _angebote_bereit()
        and bereit("bedarf.models", "Erhebung", "ErhebungStatus")
        and bereit("bedarf.selectors", "gap_analyse", "erhebung_vergleich", "ueberblick")
        and bereit("bedarf.suppression", "legende")
    )


def _foerderung_bereit() -> bool:
    return bereit("foerderung.selectors", "budgetuebersicht")


def _teilhabe_bereit() -> bool:
    return bereit("foerderung.selectors", "teilhabemanagement_stellen")


def bezugstag(k) -> datetime.date:
    """Offers are counted as running on the end of the period (or today, if the period is not over)."""
    return min(k.bis, timezone.localdate())


# Angebote -----------------------------------------------------------------------------------------------------


def angebote_kennzahlen(buendnis_id: int, stichtag: datetime.date) -> dict:
    """Published offers running on `stichtag`: per Kategorie (offers, places) and per Kommune. Four queries."""
    from angebote.models import Angebot, AngebotStatus, Kategorie

    laufend = Angebot.objects.for_buendnis(buendnis_id).veroeffentlicht().laufend_am(stichtag)
    nach_kategorie = {
        kid: (n, p or 0)
        for kid, n, p in laufend.values_list("kategorie_id")
        .annotate(n=Count("id"), p=Sum("plaetze"))
        .values_list("kategorie_id", "n", "p")
    }
    kategorien = [
        (kat.bezeichnung, *nach_kategorie.get(kat.pk, (0, 0)))
        for kat in Kategorie.objects.filter(Q(aktiv=True) | Q(pk__in=list(nach_kategorie)))
    ]
    from buendnis.models import Kommune

    je_kommune = dict(
        Angebot.kommunen.through.objects.filter(angebot__in=laufend, angebot__kreisweit=False)
        .values_list("kommune_id")
        .annotate(n=Count("angebot_id", distinct=True))
        .values_list("kommune_id", "n")
    )
    kreisweit = laufend.filter(kreisweit=True).count()
    kommunen = [(k.name, je_kommune.get(k.pk, 0)) for k in Kommune.objects.filter(buendnis_id=buendnis_id)]
    kommunen.sort(key=lambda x: x[0])
    status = dict(
        Angebot.objects.for_buendnis(buendnis_id)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    return {
        "kategorien": kategorien,
        "kommunen": kommunen,
        "kreisweit": kreisweit,
        "status": [(s.label, status.get(s.value, 0)) for s in AngebotStatus],
        "angebote": sum(n for _k, n, _p in kategorien),
        "plaetze": sum(p for _k, _n, p in kategorien),
    }


def abschnitt_angebote(k) -> dict:
    """Offers by Kategorie and Kommune, the access matrix and the pathways with dead ends."""
    from angebote import selectors as asel

    tag = bezugstag(k)
    z = angebote_kennzahlen(k.buendnis.pk, tag)
    bloecke = [
        i.kennzahlen(
            [
                (_("Stichtag der Zählung"), i.datum(tag)),
                (_("Veröffentlichte, laufende Angebote"), i.zahl(z["angebote"])),
                (_("Plätze je Durchgang"), i.zahl(z["plaetze"])),
                (_("davon kreisweite Angebote"), i.zahl(z["kreisweit"])),
            ]
            + [(_("Angebote im Status „%(s)s“") % {"s": label}, i.zahl(n)) for label, n in z["status"]]
        ),
        i.diagramm(
            _("Angebote je Kategorie"),
            [name for name, _n, _p in z["kategorien"]],
            [(_("Angebote"), [n for _k, n, _p in z["kategorien"]])],
        ),
        i.tabelle(
            _("Angebote und Plätze je Kategorie"),
            [_("Kategorie"), _("Angebote"), _("Plätze")],
            [[name, i.zahl(n), i.zahl(p)] for name, n, p in z["kategorien"]],
            rechts=[False, True, True],
            fuss=[_("Summe"), i.zahl(z["angebote"]), i.zahl(z["plaetze"])],
        ),
        i.diagramm(
            _("Angebote je Kommune (ohne kreisweite)"),
            [name for name, _n in z["kommunen"]],
            [(_("Angebote"), [n for _name, n in z["kommunen"]])],
        ),
        i.tabelle(
            _("Angebote je Kommune"),
            [_("Kommune"), _("Angebote vor Ort")],
            [[name, i.zahl(n)] for name, n in z["kommunen"]] + [[_("kreisweit"), i.zahl(z["kreisweit"])]],
            rechts=[False, True],
        ),
        i.hinweis(
            _(
                "Ein Angebot in mehreren Kommunen zählt in jeder dieser Kommunen; kreisweite Angebote stehen "
                "allen Kommunen offen und sind gesondert ausgewiesen."
            )
        ),
    ]
    matrix = asel.zugangsmatrix(buendnis_id=k.buendnis.pk, stichtag=tag)
    if matrix.kategorien and matrix.status:
        bloecke.append(
            i.tabelle(
                _("Zugangsmatrix: zugängliche Angebote / Plätze nach Aufenthaltsstatus"),
                [_("Kategorie")] + [s.kurz for s in matrix.status],
                [
                    [kat.bezeichnung]
                    + [
                        f"{i.zahl(c.angebote)} / {i.zahl(c.plaetze)}"
                        + (f" (Ö {c.oeffnung_moeglich})" if c.oeffnung_moeglich else "")
                        for c in zellen
                    ]
                    for kat, zellen in matrix.zeilen
                ],
                rechts=[False] + [True] * len(matrix.status),
                fuss=[_("Summe")] + [f"{i.zahl(c.angebote)} / {i.zahl(c.plaetze)}" for c in matrix.summen],
            )
        )
        bloecke.append(
            i.hinweis(
                _(
                    "Zelle: zugängliche Angebote / ihre Plätze; zugänglich heißt offen oder mit Einschränkung. "
                    "„Ö n“: bei n Angeboten, die für diesen Status (noch) nicht offen sind, hält das Bündnis eine "
                    "Öffnung für möglich."
                )
            )
        )
    sack = asel.sackgassen(buendnis_id=k.buendnis.pk, stichtag=tag)
    if sack.ohne_anschluss:
        zeilen = [
            [a.titel, a.kategorie.bezeichnung, a.traeger.name, a.ort_anzeige]
            for a in sack.ohne_anschluss[:MAX_ZEILEN]
        ]
        bloecke.append(
            i.tabelle(
                _("Bildungsketten: Angebote ohne Anschlussangebot (Sackgassen)"),
                [_("Angebot"), _("Kategorie"), _("Träger"), _("Ort")],
                zeilen,
            )
        )
        if len(sack.ohne_anschluss) > MAX_ZEILEN:
            bloecke.append(
                i.hinweis(_("… und %(n)d weitere.") % {"n": len(sack.ohne_anschluss) - MAX_ZEILEN})
            )
    else:
        bloecke.append(
            i.hinweis(_("Jedes veröffentlichte Angebot hat ein Anschlussangebot oder ist ein Ziel."))
        )
    if sack.fehlende_einstiege:
        bloecke.append(
            i.tabelle(
                _("Kategorien ohne zugängliches Angebot für einzelne Aufenthaltsstatus"),
                [_("Kategorie"), _("kein Zugang für")],
                [
                    [kat.bezeichnung, ", ".join(s.kurz for s in status)]
                    for kat, status in sack.fehlende_einstiege
                ],
            )
        )
    return i.abschnitt("angebote", _("Angebote"), bloecke)


# Bedarf -------------------------------------------------------------------------------------------------------


def erhebungen_fuer(k):
    """The round the report shows (latest closed one with Stichtag up to the period's end, else the latest)
    and the closed round before it, for the change between rounds."""
    from bedarf.models import Erhebung, ErhebungStatus

    runden = list(
        Erhebung.objects.filter(buendnis=k.buendnis, stichtag__lte=k.bis).order_by("-stichtag")[:20]
    )
    abgeschlossen = [e for e in runden if e.status == ErhebungStatus.ABGESCHLOSSEN]
    aktuell = abgeschlossen[0] if abgeschlossen else (runden[0] if runden else None)
    frueher = [e for e in abgeschlossen if aktuell and e.stichtag < aktuell.stichtag]
    return aktuell, (frueher[0] if frueher else None)


def _wert(w) -> str:
    return w.anzeige if w is not None else "–"


def abschnitt_bedarf(k) -> dict:
    """The needs analysis of the latest round: need against places per Bedarfskategorie, the largest gaps,
    the change since the round before; every needs figure protected against small numbers."""
    from bedarf import selectors as bsel
    from bedarf.models import ErhebungStatus

    aktuell, frueher = erhebungen_fuer(k)
    if aktuell is None:
        return i.abschnitt(
            "bedarf",
            _("Bedarfsanalyse"),
            [i.hinweis(_("Bis zum Ende des Berichtszeitraums gab es keine Erhebung."))],
        )
    analyse = bsel.gap_analyse(k.user, aktuell)
    bloecke = [
        i.kennzahlen(
            [
                (_("Erhebung"), aktuell.titel),
                (_("Stichtag"), i.datum(aktuell.stichtag)),
                (_("Stand"), aktuell.get_status_display()),
                (
                    _("Kommunen mit abgegebener Meldung"),
                    f"{i.zahl(len(analyse.kommunen))} / {i.zahl(len(analyse.kommunen) + len(analyse.ohne_meldung))}",
                ),
            ]
        )
    ]
    if aktuell.status != ErhebungStatus.ABGESCHLOSSEN:
        bloecke.append(i.hinweis(_("Die Erhebung ist noch nicht abgeschlossen; die Zahlen sind vorläufig.")))
    if analyse.ohne_meldung:
        bloecke.append(
            i.absatz(
                _("Noch ohne Meldung: %(namen)s.")
                % {"namen": ", ".join(k_.name for k_ in analyse.ohne_meldung)}
            )
        )
    summen = sorted(analyse.summen, key=lambda z: (z.kategorie.reihenfolge, z.kategorie.name))
    bloecke.append(
        i.diagramm(
            _("Bedarf und Plätze je Bedarfskategorie (Bündnis)"),
            [z.kategorie.name for z in summen],
            [
                (_("Personen mit Bedarf"), [z.bedarf.as_json() for z in summen]),
                (_("Plätze"), [z.plaetze for z in summen]),
            ],
        )
    )
    bloecke.append(
        i.tabelle(
            _("Bedarf und Angebot je Bedarfskategorie (Bündnis)"),
            [_("Bedarfskategorie"), _("Personen mit Bedarf"), _("Plätze"), _("Versorgungsquote"), _("Lücke")],
            [
                [
                    z.kategorie.name,
                    _wert(z.bedarf),
                    i.zahl(z.plaetze),
                    f"{i.zahl(z.quote)} %" if z.quote is not None else "–",
                    i.zahl(z.luecke) if z.luecke is not None else ZEICHEN,
                ]
                for z in summen
            ],
            rechts=[False, True, True, True, True],
        )
    )
    groesste = [z for z in analyse.zeilen if z.luecke is not None and z.luecke > 0][:10]
    if groesste:
        bloecke.append(
            i.diagramm(
                _("Größte Angebotslücken (fehlende Plätze)"),
                [f"{z.kommune.name}: {z.kategorie.name}" for z in groesste],
                [(_("Lücke"), [z.luecke for z in groesste])],
            )
        )
        bloecke.append(
            i.tabelle(
                _("Größte Angebotslücken nach Kommune"),
                [_("Kommune"), _("Bedarfskategorie"), _("Personen mit Bedarf"), _("Plätze"), _("Lücke")],
                [
                    [z.kommune.name, z.kategorie.name, _wert(z.bedarf), i.zahl(z.plaetze), i.zahl(z.luecke)]
                    for z in groesste
                ],
                rechts=[False, False, True, True, True],
            )
        )
    else:
        bloecke.append(i.hinweis(_("Keine ausweisbare Angebotslücke in einer Kommune.")))
    if frueher is not None:
        vergleich = bsel.erhebung_vergleich(k.user, frueher, aktuell)
        bloecke.append(
            i.diagramm(
                _("Bedarf im Vergleich der Erhebungen (Bündnis)"),
                [z.kategorie.name for z in vergleich.summen],
                [
                    (frueher.titel, [z.a.as_json() if z.a is not None else None for z in vergleich.summen]),
                    (aktuell.titel, [z.b.as_json() if z.b is not None else None for z in vergleich.summen]),
                ],
            )
        )
        bloecke.append(
            i.tabelle(
                _("Veränderung des Bedarfs zwischen %(a)s und %(b)s")
                % {"a": frueher.titel, "b": aktuell.titel},
                [_("Bedarfskategorie"), frueher.titel, aktuell.titel, _("Veränderung")],
                [
                    [
                        z.kategorie.name,
                        _wert(z.a),
                        _wert(z.b),
                        (f"{z.veraenderung:+d}" if z.veraenderung is not None else ZEICHEN),
                    ]
                    for z in vergleich.summen
                ],
                rechts=[False, True, True, True],
            )
        )
    bloecke.append(i.hinweis(_("Geheimhaltung: %(legende)s") % {"legende": analyse.legende}))
    return i.abschnitt("bedarf", _("Bedarfsanalyse und Angebotslücken"), bloecke)


# Förderung ----------------------------------------------------------------------------------------------------


def abschnitt_foerderung(k) -> dict:
    """Funds per Förderbaustein and per Kommune: allocated, applied, approved, drawn (to the cent)."""
    from foerderung import selectors as fsel

    u = fsel.budgetuebersicht(k.user, buendnis_id=k.buendnis.pk)
    return i.abschnitt("foerderung", _("Förderung je Förderbaustein"), foerderung_bloecke(u, k.stichtag))


def abschnitt_foerderung_alle(user) -> dict:
    """Funds per Förderbaustein across every Bündnis the user sees (the state's view)."""
    from foerderung import selectors as fsel

    u = fsel.budgetuebersicht(user)
    return i.abschnitt(
        "foerderung", _("Förderung je Förderbaustein"), foerderung_bloecke(u, timezone.localdate())
    )


def foerderung_bloecke(u, stichtag) -> list[dict]:
    zeilen = u.nach_baustein
    programme = {getattr(getattr(z.objekt, "programm", None), "pk", None) for z in zeilen}

    def label(z):
        if len(programme) > 1 and getattr(z.objekt, "programm", None) is not None:
            return f"{z.objekt.programm.name}: {z.bezeichnung}"
        return z.bezeichnung

    def werte(z):
        return [
            i.euro(z.zugewiesen),
            i.euro(z.beantragt),
            i.euro(z.bewilligt),
            i.euro(z.abgerufen),
            i.euro(z.verfuegbar),
        ]

    kopf = [_("zugewiesen"), _("beantragt"), _("bewilligt"), _("abgerufen"), _("verfügbar")]
    summe = u.summe_baustein
    bloecke = [
        i.diagramm(
            _("Mittel je Förderbaustein"),
            [label(z) for z in zeilen],
            [
                (_("zugewiesen"), [z.zugewiesen for z in zeilen]),
                (_("beantragt"), [z.beantragt for z in zeilen]),
                (_("bewilligt"), [z.bewilligt for z in zeilen]),
                (_("abgerufen"), [z.abgerufen for z in zeilen]),
            ],
            einheit="€",
        ),
        i.tabelle(
            _("Mittel je Förderbaustein (alle Haushaltsjahre, Stand %(tag)s)") % {"tag": i.datum(stichtag)},
            [_("Förderbaustein"), *kopf],
            [[label(z), *werte(z)] for z in zeilen],
            rechts=[False] + [True] * 5,
            fuss=[_("Summe"), *werte(summe)],
        ),
    ]
    if u.nach_kommune:
        bloecke.append(
            i.tabelle(
                _("Mittel je Kommune"),
                [_("Kommune"), *kopf],
                [[z.bezeichnung, *werte(z)] for z in u.nach_kommune],
                rechts=[False] + [True] * 5,
                fuss=[_("Summe"), *werte(u.summe_kommune)],
            )
        )
    bloecke.append(
        i.hinweis(
            _(
                "„beantragt“: eingereichte, nicht abgelehnte oder zurückgezogene Anträge; „bewilligt“: "
                "bewilligte Anträge; „verfügbar“: zugewiesen abzüglich bewilligt."
            )
        )
    )
    return bloecke


def abschnitt_teilhabe(k) -> dict:
    """Teilhabemanagement positions (Förderbaustein VI) per Kommune, in full-time equivalents."""
    from foerderung import selectors as fsel

    t = fsel.teilhabemanagement_stellen(k.user)
    stellen = [s for s in t.stellen if s.buendnis_id == k.buendnis.pk]
    if not stellen:
        return i.abschnitt(
            "teilhabemanagement",
            _("Teilhabemanagement"),
            [i.hinweis(_("Es sind keine Stellen im Teilhabemanagement erfasst."))],
        )
    je_kommune: dict[str, list] = {}
    for s in stellen:
        eintrag = je_kommune.setdefault(s.kommune.name, [0, i.CENT * 0, i.CENT * 0])
        eintrag[0] += 1
        eintrag[1] += s.vze
        if s.ist_besetzt:
            eintrag[2] += s.vze
    summe_vze = sum((s.vze for s in stellen), i.CENT * 0)
    besetzt = sum((s.vze for s in stellen if s.ist_besetzt), i.CENT * 0)
    bloecke = [
        i.kennzahlen(
            [
                (_("Stellen"), i.zahl(len(stellen))),
                (_("Vollzeitäquivalente (VZÄ)"), i.zahl(summe_vze)),
                (_("davon besetzt (VZÄ)"), i.zahl(besetzt)),
                (_("unbesetzt (VZÄ)"), i.zahl(summe_vze - besetzt)),
            ]
        ),
        i.tabelle(
            _("Teilhabemanagement je Kommune"),
            [_("Kommune"), _("Stellen"), _("VZÄ"), _("davon besetzt (VZÄ)")],
            [[name, i.zahl(n), i.zahl(v), i.zahl(b)] for name, (n, v, b) in sorted(je_kommune.items())],
            rechts=[False, True, True, True],
            fuss=[_("Summe"), i.zahl(len(stellen)), i.zahl(summe_vze), i.zahl(besetzt)],
        ),
        i.tabelle(
            _("Stellen im Teilhabemanagement"),
            [_("Stelle"), _("Kommune"), _("VZÄ"), _("Anstellungsträger"), _("besetzt seit")],
            [
                [s.bezeichnung, s.kommune.name, i.zahl(s.vze), s.arbeitgeber, i.datum(s.besetzt_seit)]
                for s in stellen[:MAX_ZEILEN]
            ],
            rechts=[False, False, True, False, False],
        ),
    ]
    return i.abschnitt("teilhabemanagement", _("Teilhabemanagement"), bloecke)


def abschnittsarten() -> list:
    from berichte.selectors import Abschnittsart

    return [
        Abschnittsart("angebote", gettext_lazy("Angebote"), abschnitt_angebote, _angebote_bereit),
        Abschnittsart(
            "bedarf", gettext_lazy("Bedarfsanalyse und Angebotslücken"), abschnitt_bedarf, _bedarf_bereit
        ),
        Abschnittsart(
            "foerderung",
            gettext_lazy("Förderung je Förderbaustein"),
            abschnitt_foerderung,
            _foerderung_bereit,
        ),
        Abschnittsart(
            "teilhabemanagement", gettext_lazy("Teilhabemanagement"), abschnitt_teilhabe, _teilhabe_bereit
        ),
    ]


# Exports ------------------------------------------------------------------------------------------------------


def _nur_eigene_kommune(qs, user):
    """Raw needs figures never leave the owning Kommune: only a `kommune` user gets rows, its own."""
    if getattr(user, "rolle", "") == "kommune" and user.kommune_id:
        return qs.filter(meldung__kommune_id=user.kommune_id)
    return qs.none()


def _ist_kommune(user) -> bool:
    return getattr(user, "rolle", "") == "kommune" and bool(user.kommune_id)


def _gesamt_schuetzen(row, headers, obj, user):
    """ "Zielgruppe insgesamt" of another Kommune is not shown raw (the protected tables carry it)."""
    if getattr(user, "kommune_id", None) and obj.kommune_id == user.kommune_id and user.rolle == "kommune":
        return row
    idx = headers.index(_spalte("bedarf", "Bedarfsmeldung", "gesamt"))
    row = list(row)
    row[idx] = ZEICHEN if row[idx] is not None else None
    return row


def _spalte(app, model, feld) -> str:
    from berichte.registry import spaltenbedeutung

    return spaltenbedeutung(apps.get_model(app, model), feld, mit_hilfe=False)


def exporteintraege() -> list:
    """Export entries of the domain apps' models that exist (see `berichte.registry`)."""
    from berichte.registry import ExportEintrag

    out = []
    if bereit("angebote.models", "Angebot", "Kategorie", "Aufenthaltsstatus"):
        from angebote.models import Angebot, Aufenthaltsstatus, Kategorie

        if bereit("angebote.resources", "AngebotResource"):
            from angebote.resources import AngebotResource

            out.append(ExportEintrag(Angebot, resource_class=AngebotResource, resource_mit_user=True))
        else:
            out.append(
                ExportEintrag(
                    Angebot, ["id", "buendnis__name", "kennung", "titel", "kategorie__bezeichnung", "status"]
                )
            )
        out.append(ExportEintrag(Kategorie, ["id", "code", "bezeichnung", "ist_ziel", "aktiv"]))
        out.append(
            ExportEintrag(
                Aufenthaltsstatus, ["id", "code", "bezeichnung", "rechtsgrundlage", "sgb_zugang", "aktiv"]
            )
        )
    if bereit("bedarf.models", "Erhebung", "Bedarfsmeldung", "Meldewert", "Datenluecke"):
        from bedarf.models import Bedarfsmeldung, Datenluecke, Erhebung, Meldewert

        hinweis = _(
            "Rohzahlen nur der eigenen Kommune; die Zahlen anderer Kommunen stehen geschützt im Blatt "
            "„Bedarfsanalyse (geschützt)“."
        )
        out += [
            ExportEintrag(
                Erhebung,
                [
                    "id",
                    "buendnis__name",
                    "titel",
                    "stichtag",
                    "eingabe_von",
                    "eingabe_bis",
                    "status",
                    "abgeschlossen_am",
                ],
            ),
            ExportEintrag(
                Bedarfsmeldung,
                [
                    "id",
                    "erhebung__titel",
                    "erhebung__stichtag",
                    "kommune__name",
                    "status",
                    "gesamt",
                    "abgegeben_am",
                ],
                schutz=_gesamt_schuetzen,
                schutz_hinweis=hinweis,
            ),
            ExportEintrag(
                Meldewert,
                [
                    "id",
                    "meldung__erhebung__titel",
                    "meldung__kommune__name",
                    "dimension",
                    "aufenthaltsstatus",
                    "merkmal",
                    "altersband",
                    "geschlecht",
                    "anzahl",
                ],
                scope=_nur_eigene_kommune,
                darf_zusatz=_ist_kommune,
                perm="bedarf.view_bedarfsmeldung",
                schutz_hinweis=hinweis,
                label=_("Meldewerte der eigenen Kommune"),
            ),
            ExportEintrag(
                Datenluecke,
                [
                    "id",
                    "buendnis__name",
                    "titel",
                    "beschreibung",
                    "status",
                    "akteur__name",
                    "erhebung__titel",
                    "entscheidung",
                ],
            ),
        ]
    if bereit(
        "foerderung.models",
        "Budget",
        "BudgetKommune",
        "Foerderantrag",
        "Mittelabruf",
        "TeilhabeStelle",
        "Projektidee",
    ):
        from foerderung.models import (
            Budget,
            BudgetKommune,
            Foerderantrag,
            Mittelabruf,
            Projektidee,
            TeilhabeStelle,
        )

        out += [
            ExportEintrag(
                Budget, ["id", "buendnis__name", "baustein__nummer", "jahr", "betrag", "bemerkung"]
            ),
            ExportEintrag(
                BudgetKommune,
                [
                    "id",
                    "budget__buendnis__name",
                    "budget__baustein__nummer",
                    "budget__jahr",
                    "kommune__name",
                    "betrag",
                ],
            ),
            ExportEintrag(
                Foerderantrag,
                [
                    "id",
                    "buendnis__name",
                    "baustein__nummer",
                    "kommune__name",
                    "antragsteller_akteur__name",
                    "titel",
                    "beginn",
                    "ende",
                    "haushaltsjahr",
                    "gesamtkosten",
                    "eigenanteil",
                    "drittmittel",
                    "beantragt",
                    "bewilligt_betrag",
                    "status",
                    "eingereicht_am",
                    "bescheid_datum",
                    "bescheid_nummer",
                ],
            ),
            ExportEintrag(
                Mittelabruf,
                [
                    "id",
                    "antrag__buendnis__name",
                    "antrag__titel",
                    "antrag__baustein__nummer",
                    "datum",
                    "betrag",
                    "einheiten",
                    "bemerkung",
                ],
            ),
            ExportEintrag(
                TeilhabeStelle,
                [
                    "id",
                    "buendnis__name",
                    "kommune__name",
                    "bezeichnung",
                    "vze",
                    "arbeitgeber",
                    "besetzt_seit",
                    "foerderquote_prozent",
                ],
            ),
            ExportEintrag(
                Projektidee,
                ["id", "buendnis__name", "titel", "skizze", "einreicher", "akteur__name", "status", "frist"],
            ),
        ]
    return out


# The protected needs analysis as a sheet of the Datenpaket ----------------------------------------------------------


def zusatzblaetter(user, buendnis):
    """Extra sheets of a Datenpaket: the needs analysis of every round, protected exactly as on its pages.

    Yields (title, headers, rows, documentation [(column, meaning)]).
    """
    if not _bedarf_bereit() or not user.has_perm("bedarf.auswerten_erhebung", buendnis):
        return
    from bedarf import selectors as bsel
    from bedarf.models import Erhebung

    runden = list(Erhebung.objects.filter(buendnis=buendnis).order_by("stichtag"))
    kopf = [_("Erhebung"), _("Stichtag"), _("Tabelle"), _("Zeile"), _("Spalte"), _("Wert")]

    def rows():
        for e in runden:
            vorne = [e.titel, e.stichtag]

            def wert(w):
                return w.zahl if not w.gesperrt else w.anzeige

            u = bsel.ueberblick(user, e)
            titel = _("Zielgruppe nach Kommune und Aufenthaltsstatus")
            for ki, kommune in enumerate(u.kommunen):
                for x, s in enumerate(u.status):
                    yield [*vorne, titel, kommune.name, s.kurz, wert(u.zielgruppe.zellen[ki][x])]
                yield [*vorne, titel, kommune.name, _("insgesamt"), wert(u.zielgruppe.zeilensummen[ki])]
            for x, s in enumerate(u.status):
                yield [*vorne, titel, _("Bündnis"), s.kurz, wert(u.zielgruppe.spaltensummen[x])]
            yield [*vorne, titel, _("Bündnis"), _("insgesamt"), wert(u.zielgruppe.gesamt)]
            for t, eintraege, summe in u.merkmale:
                for label, w in eintraege:
                    yield [*vorne, t, _("Bündnis"), label, wert(w)]
                if summe is not None:
                    yield [*vorne, t, _("Bündnis"), _("insgesamt"), wert(summe)]
            analyse = bsel.gap_analyse(user, e)
            for z in analyse.zeilen + analyse.summen:
                ort = z.kommune.name if z.kommune else _("Bündnis")
                yield [*vorne, _("Bedarf"), ort, z.kategorie.name, wert(z.bedarf)]
                yield [*vorne, _("Plätze"), ort, z.kategorie.name, z.plaetze]
                yield [
                    *vorne,
                    _("Lücke"),
                    ort,
                    z.kategorie.name,
                    z.luecke if z.luecke is not None else ZEICHEN,
                ]
                for s in z.nach_status:
                    yield [
                        *vorne,
                        _("Bedarf nach Aufenthaltsstatus"),
                        ort,
                        f"{z.kategorie.name}, {s.status.kurz}",
                        wert(s.bedarf),
                    ]

    from bedarf.suppression import legende

    doku = [
        (_("Erhebung"), _("Titel der Erhebungsrunde")),
        (_("Stichtag"), _("Stichtag der Erhebung")),
        (_("Tabelle"), _("Welche Auswertung (Zielgruppe, Merkmal, Bedarf, Plätze, Lücke)")),
        (_("Zeile"), _("Kommune oder Bündnis insgesamt")),
        (_("Spalte"), _("Aufenthaltsstatus, Merkmal oder Bedarfskategorie")),
        (_("Wert"), _("Anzahl; geschützt: %(legende)s") % {"legende": legende()}),
    ]
    yield _("Bedarfsanalyse (geschützt)"), kopf, rows(), doku
