"""What waits for a person in the funding app ("Meine Aufgaben").

- who decides: the applications submitted for review and decision (and proofs of use to check) that this
  person decides, as `foerderung.review_foerderantrag` says: the coordination those of its Bündnis the Kreis
  decides, the Land those the Land decides (the Innovationsfonds);
- the applicant's staff (a Kommune for its own applications, the coordination for its Bündnis, which records
  proofs of use): proofs of use and confirmed repayment claims due within 30 days or overdue.

There is no deadline for drawdowns (Mittelabrufe) in the data, so none is listed.
"""

from __future__ import annotations

import datetime

from django.db.models import Case, CharField, Exists, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from buendnis.choices import Baustein
from buendnis.registry import Arbeitsposten, register_arbeitsposten
from buendnis.rules import acts_for_kommune, is_koordination, is_land, is_superuser

from .models import AntragStatus, Entscheider, Foerderantrag, Foerderregel, Kostenposition
from .models.antrag import monate_spaeter
from .models.programm import eur

TAGE_VORAUS = 30
ZUR_ENTSCHEIDUNG = (AntragStatus.EINGEREICHT, AntragStatus.IN_PRUEFUNG, AntragStatus.VN_EINGEREICHT)


def entscheider_ausdruck():
    """`zuwendung.entscheider(antrag)` as an SQL expression, so a list can be filtered by who decides in one query:
    the rules the cost lines were computed with (the Land wins where both appear), else the rule of the module in
    force at the start, else any rule of the module (the latest), else the programme's default."""
    regeln = Foerderregel.objects.filter(baustein_id=OuterRef("baustein_id"))
    am_beginn = (
        regeln.filter(gueltig_ab__lte=OuterRef("beginn"))
        .filter(Q(gueltig_bis__isnull=True) | Q(gueltig_bis__gte=OuterRef("beginn")))
        .order_by("kostenart", "gueltig_ab")
        .values("entscheidet")[:1]
    )
    neueste = regeln.order_by("-gueltig_ab").values("entscheidet")[:1]
    standard = Case(
        When(baustein__nummer=Baustein.F5, then=Value(Entscheider.LAND)),
        default=Value(Entscheider.KREIS),
        output_field=CharField(),
    )
    positionen = Kostenposition.objects.filter(antrag_id=OuterRef("pk"), regel__isnull=False)
    return Case(
        When(Exists(positionen.filter(regel__entscheidet=Entscheider.LAND)), then=Value(Entscheider.LAND)),
        When(Exists(positionen), then=Value(Entscheider.KREIS)),
        default=Coalesce(
            Subquery(am_beginn, output_field=CharField()),
            Subquery(neueste, output_field=CharField()),
            standard,
        ),
        output_field=CharField(),
    )


def _darf_lesen(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.has_perm("foerderung.view_foerderantrag"))


def zur_entscheidung(user):
    """Applications waiting for this person's review or decision."""
    if not _darf_lesen(user):
        return Foerderantrag.objects.none()
    qs = Foerderantrag.objects.visible_to(user).filter(status__in=ZUR_ENTSCHEIDUNG)
    if is_superuser(user):
        return qs
    if is_land(user):
        return qs.alias(entscheider=entscheider_ausdruck()).filter(entscheider=Entscheider.LAND)
    if is_koordination(user) and user.buendnis_id:
        return qs.alias(entscheider=entscheider_ausdruck()).filter(entscheider=Entscheider.KREIS)
    return Foerderantrag.objects.none()


def zur_entscheidung_eintraege(user, n: int) -> list[tuple[str, str, str]]:
    antraege = zur_entscheidung(user).select_related("kommune", "antragsteller_akteur", "buendnis")
    eintraege = []
    for a in antraege.order_by("eingereicht_am", "pk")[:n]:
        teile = [str(a.antragsteller or "–")]
        if user.sieht_alle_buendnisse:
            teile.append(a.buendnis.name)
        teile.append(str(a.get_status_display()))
        if a.eingereicht_am:
            teile.append(_("eingereicht am %(d)s") % {"d": a.eingereicht_am.strftime("%d.%m.%Y")})
        eintraege.append((a.titel, a.get_absolute_url(), " · ".join(teile)))
    return eintraege


# Deadlines of the applicant ----------------------------------------------------------------------------------------


def letztes_ende(grenze: datetime.date) -> datetime.date:
    """The latest end of a funding period whose proof of use (`Foerderantrag.vn_frist`, six months after the end)
    is due on or before `grenze`; the deadline grows with the end, so `ende <= letztes_ende` selects exactly those."""
    ende = monate_spaeter(grenze, -6)
    while monate_spaeter(ende + datetime.timedelta(days=1), 6) <= grenze:
        ende += datetime.timedelta(days=1)
    return ende


def _eigene_antraege(user):
    if not _darf_lesen(user) or not user.buendnis_id:
        return Foerderantrag.objects.none()
    if acts_for_kommune(user):
        return Foerderantrag.objects.visible_to(user).filter(kommune_id=user.kommune_id)
    if is_koordination(user):
        return Foerderantrag.objects.visible_to(user)
    return Foerderantrag.objects.none()


def _vn_faellig(grenze: datetime.date) -> Q:
    return Q(status=AntragStatus.BEWILLIGT, ende__lte=letztes_ende(grenze))


def _rueckforderung_faellig(grenze: datetime.date) -> Q:
    return Q(
        status=AntragStatus.VN_GEPRUEFT,
        verwendungsnachweis__rueckforderung__gt=0,
        verwendungsnachweis__rueckforderung_faellig_am__lte=grenze,
    )


def fristen(user, heute: datetime.date | None = None):
    """Applications with a proof of use or a repayment claim due within 30 days (or overdue)."""
    grenze = (heute or timezone.localdate()) + datetime.timedelta(days=TAGE_VORAUS)
    return _eigene_antraege(user).filter(_vn_faellig(grenze) | _rueckforderung_faellig(grenze))


def fristen_eintraege(user, n: int) -> list[tuple[str, str, str]]:
    heute = timezone.localdate()
    grenze = heute + datetime.timedelta(days=TAGE_VORAUS)
    qs = _eigene_antraege(user).select_related("kommune", "antragsteller_akteur")
    liste = []
    for a in qs.filter(_vn_faellig(grenze)).order_by("ende", "pk")[:n]:
        frist = a.vn_frist
        text = (
            _("Verwendungsnachweis überfällig (Frist %(d)s)")
            if frist < heute
            else _("Verwendungsnachweis fällig bis %(d)s")
        ) % {"d": frist.strftime("%d.%m.%Y")}
        liste.append((frist, a, text))
    rueck = qs.filter(_rueckforderung_faellig(grenze)).select_related("verwendungsnachweis")
    for a in rueck.order_by("verwendungsnachweis__rueckforderung_faellig_am", "pk")[:n]:
        vn = a.verwendungsnachweis
        frist = vn.rueckforderung_faellig_am
        werte = {"b": eur(vn.rueckforderung), "d": frist.strftime("%d.%m.%Y")}
        text = (
            _("Rückforderung %(b)s überfällig (fällig am %(d)s)")
            if frist < heute
            else _("Rückforderung %(b)s fällig am %(d)s")
        ) % werte
        liste.append((frist, a, text))
    liste.sort(key=lambda eintrag: (eintrag[0], eintrag[1].pk))
    return [
        (a.titel, a.get_absolute_url(), f"{a.antragsteller or '–'} · {text}") for _frist, a, text in liste[:n]
    ]


def registrieren() -> None:
    register_arbeitsposten(
        Arbeitsposten(
            key="foerderung.zur_entscheidung",
            titel=gettext_lazy("Förderanträge zur Prüfung und Entscheidung"),
            zaehlen=lambda user: zur_entscheidung(user).count(),
            eintraege=zur_entscheidung_eintraege,
            alle_url=format_lazy(
                "{}?status={}", reverse_lazy("foerderung:antrag-list"), AntragStatus.EINGEREICHT
            ),
            reihenfolge=60,
        ),
        Arbeitsposten(
            key="foerderung.fristen",
            titel=gettext_lazy("Fristen: überfällig oder in den nächsten 30 Tagen"),
            zaehlen=lambda user: fristen(user).count(),
            eintraege=fristen_eintraege,
            alle_url=reverse_lazy("foerderung:fristen"),
            reihenfolge=65,
        ),
    )
