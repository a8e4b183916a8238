"""The public pages for the young people themselves, volunteers and counsellors: start page, catalogue, offer.

Everything a visitor reads here is said in plain words and translated into every language of the catalogue
(`settings.LANGUAGES`): the strings of these pages live only in this module and in `templates/oeffentlich/`
(`buendnis.sprache.OEFFENTLICHE_QUELLEN`). Model labels (verbose names, choice labels, the names of the Kategorien
and residence statuses) are words of the administration and are not shown here.

Offer texts are shown in the visitor's language where a translation exists (django-parler rows in
`Angebot.uebersetzungen`); otherwise the German text, marked `lang="de"`, with a note.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

import django_filters
from django.conf import settings
from django.db.models import (
    Case,
    Count,
    Exists,
    FloatField,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Lower
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView
from django_filters.views import FilterView

from angebote.models import (
    SPRACHNIVEAU_RANG,
    TELEFON_VALIDATOR,
    Angebot,
    AngebotStatus,
    Aufenthaltsstatus,
    Kategorie,
    Sprachniveau,
    ZugangArt,
    erreichbar_q,
)
from buendnis.models import Akteur, Buendnis, Kommune
from buendnis.views import DashboardView

# Offers of other Kommunen up to this distance (km) from the chosen Kommune are shown after the ones reachable there.
UMKREIS_KM = 30
# Bounds for the search: words per query and matching rows looked up per word.
MAX_WOERTER = 8
MAX_TREFFER = 5000

# Plain words for the Kategorien seeded in angebote/migrations/0002 (unknown codes: the name in the database).
KATEGORIE_LABELS = {
    "deutsch": _("Deutsch lernen"),
    "schulabschluss": _("Einen Schulabschluss machen"),
    "ausbildungsvorbereitung": _("Sich auf eine Ausbildung vorbereiten"),
    "abh": _("Hilfe während der Ausbildung"),
    "qualifizierung": _("Einen Beruf lernen oder sich weiterbilden"),
    "arbeit": _("Arbeit finden"),
    "coaching": _("Beratung und Begleitung"),
    "jugendhilfe": _("Hilfe für junge Menschen (Jugendhilfe)"),
    "ehrenamt": _("Begleitung durch Ehrenamtliche"),
    "wohnen": _("Wohnen und Alltag"),
    "sonstiges": _("Andere Angebote"),
}

# The residence statuses seeded in angebote/migrations/0002, as a young person would say it.
STATUS_LABELS = {
    "gestattung": _("Ich bin im Asylverfahren (Aufenthaltsgestattung)"),
    "duldung": _("Ich habe eine Duldung"),
    "ausbildungsduldung": _("Ich habe eine Duldung für eine Ausbildung"),
    "beschaeftigungsduldung": _("Ich habe eine Duldung für eine Arbeit"),
    "duldung_ungeklaerte_identitaet": _("Ich habe eine Duldung, meine Identität gilt als ungeklärt"),
    "ae_humanitaer": _("Ich bin als Flüchtling anerkannt oder habe Schutz bekommen"),
    "ae_25_5": _("Ich habe eine Aufenthaltserlaubnis, weil ich nicht ausreisen kann"),
    "ae_25a_25b": _("Ich habe ein Bleiberecht, weil ich gut integriert bin"),
    "chancen": _("Ich habe das Chancen-Aufenthaltsrecht"),
    "sonstiger": _("Ich habe einen anderen Aufenthaltsstatus"),
}

ZUGANG_LABELS = {
    ZugangArt.OFFEN: _("Ja"),
    ZugangArt.EINGESCHRAENKT: _("Ja, mit Bedingung"),
    ZugangArt.NICHT: _("Nein"),
}

KEINE_DEUTSCHKENNTNISSE = "keine"
DEUTSCH_CHOICES = [
    (KEINE_DEUTSCHKENNTNISSE, _("Ich kann noch kein Deutsch")),
    *[(wert, wert.upper()) for wert in Sprachniveau.values],
]

# Words people search for, grouped by meaning: a term of a group finds every term of the group and the offers of
# the group's Kategorie (None: words only). Lower case; German, English and the words of the languages the
# catalogue speaks.
SYNONYME: list[tuple[set[str], str | None]] = [
    (
        {
            "deutschkurs",
            "deutsch lernen",
            "sprachkurs",
            "integrationskurs",
            "deutschförderung",
            "german course",
            "german class",
            "german lessons",
            "learn german",
            "دورة لغة ألمانية",
            "دورة اللغة الألمانية",
            "تعلم اللغة الألمانية",
            "کلاس زبان آلمانی",
            "دوره زبان آلمانی",
            "آموزش زبان آلمانی",
            "курс німецької",
            "курси німецької",
            "німецька мова",
            "almanca kursu",
            "almanca öğrenmek",
            "ትምህርቲ ጀርመን",
        },
        "deutsch",
    ),
    (
        {
            "schulabschluss",
            "hauptschulabschluss",
            "realschulabschluss",
            "school-leaving certificate",
            "school leaving qualification",
            "school diploma",
            "شهادة مدرسية",
            "مدرک تحصیلی",
            "шкільний атестат",
            "okul diploması",
        },
        "schulabschluss",
    ),
    (
        {
            "ausbildung",
            "berufsausbildung",
            "lehre",
            "apprenticeship",
            "vocational training",
            "training",
            "تدريب مهني",
            "کارآموزی",
            "професійне навчання",
            "meslek eğitimi",
        },
        "ausbildungsvorbereitung",
    ),
    (
        {
            "arbeit",
            "job",
            "arbeitsstelle",
            "beschäftigung",
            "work",
            "employment",
            "عمل",
            "وظيفة",
            "کار",
            "робота",
            "iş",
        },
        "arbeit",
    ),
    (
        {
            "beratung",
            "berater",
            "beraterin",
            "counselling",
            "counseling",
            "advice",
            "استشارة",
            "مشاوره",
            "консультація",
            "danışmanlık",
        },
        "coaching",
    ),
]


def deutsch_sortiert(name: str) -> str:
    """Sort key as German readers expect: ä as a, ö as o, ü as u, ß as ss, case ignored."""
    name = name.casefold().replace("ß", "ss")
    return "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))


def kategorie_label(kategorie: Kategorie) -> str:
    return str(KATEGORIE_LABELS.get(kategorie.code, kategorie.bezeichnung))


def status_label(status: Aufenthaltsstatus) -> str:
    return str(STATUS_LABELS.get(status.code, status.bezeichnung))


def sichere_url(url: str) -> str:
    """The link only when it is an http(s) address: `javascript:` and the like are never rendered."""
    url = (url or "").strip()
    try:
        teile = urlsplit(url)
    except ValueError:
        return ""
    return url if teile.scheme.lower() in ("http", "https") and teile.netloc else ""


def telefon_href(nummer: str) -> str:
    """`tel:` target: digits and a leading + only; nothing for what is not a phone number."""
    if not TELEFON_VALIDATOR.regex.match((nummer or "").strip()):
        return ""
    ziffern = re.sub(r"[^\d+]", "", nummer or "")
    ziffern = ziffern[:1] + ziffern[1:].replace("+", "")
    return f"tel:{ziffern}" if re.search(r"\d", ziffern) else ""


def entfernung_km(breite1, laenge1, breite2, laenge2) -> float:
    """Great-circle distance (haversine) in km between two WGS84 points."""
    p1, p2 = math.radians(float(breite1)), math.radians(float(breite2))
    dp = p2 - p1
    dl = math.radians(float(laenge2) - float(laenge1))
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, a)))


def nahe_kommunen(kommune: Kommune, umkreis: float = UMKREIS_KM) -> dict[int, float]:
    """Other Kommunen within `umkreis` km of the given one (id -> km), computed over all Kommunen in Python."""
    if kommune.breite is None or kommune.laenge is None:
        return {}
    nahe = {}
    for pk, breite, laenge in (
        Kommune.objects.exclude(breite=None).exclude(laenge=None).values_list("pk", "breite", "laenge")
    ):
        if pk == kommune.pk:
            continue
        km = entfernung_km(kommune.breite, kommune.laenge, breite, laenge)
        if km <= umkreis:
            nahe[pk] = round(km, 1)
    return nahe


# Search ---------------------------------------------------------------------------------------------------------


def _normal(text: str) -> str:
    return " ".join((text or "").casefold().split())


def suchbegriffe(text: str) -> tuple[list[tuple[set[str], str | None]], list[str]]:
    """The synonym groups named in a query and the remaining single words."""
    rest = _normal(text)[:300]
    gruppen = []
    for begriffe, code in SYNONYME:
        for begriff in sorted(begriffe, key=len, reverse=True):
            muster = r"(?<!\w)" + re.escape(begriff) + r"(?!\w)"
            if re.search(muster, rest):
                gruppen.append((begriffe, code))
                rest = re.sub(muster, " ", rest)
                break
    return gruppen, [w[:100] for w in rest.split()][:MAX_WOERTER]


@dataclass
class Fundstellen:
    """Where one term occurs: Q objects that lie on the offer table only (index friendly)."""

    titel: Q
    text: Q


def _fundstellen(begriffe) -> Fundstellen:
    """Where any of the terms occurs; two queries for all of them (translations, Träger)."""
    begriffe = sorted(begriffe)
    # SQLite compares only ASCII letters without case: look up the usual spellings of other scripts as well.
    varianten = sorted({v for b in begriffe for v in (b, b.casefold(), b[:1].upper() + b[1:], b.upper())})
    uebersetzung = Angebot._parler_meta.root_model
    in_uebersetzung, beim_namen = Q(pk__in=[]), Q(pk__in=[])
    titel_q, text_q = Q(pk__in=[]), Q(pk__in=[])
    for begriff in varianten:
        in_uebersetzung |= Q(titel_uebersetzt__icontains=begriff) | Q(
            beschreibung_uebersetzt__icontains=begriff
        )
        beim_namen |= Q(name__icontains=begriff)
        titel_q |= Q(titel__icontains=begriff)
        text_q |= Q(beschreibung__icontains=begriff)
    titel_ids, text_ids = set(), set()
    for master_id, titel in uebersetzung.objects.filter(in_uebersetzung).values_list(
        "master_id", "titel_uebersetzt"
    )[: MAX_TREFFER + 1]:
        im_titel = any(b in (titel or "").casefold() for b in begriffe)
        (titel_ids if im_titel else text_ids).add(master_id)
    traeger = list(Akteur.objects.filter(beim_namen).values_list("pk", flat=True)[: MAX_TREFFER + 1])
    beim_traeger = Q(traeger_id__in=traeger)
    if len(traeger) > MAX_TREFFER:
        beim_traeger = Q(pk__in=[])
        for begriff in varianten:
            beim_traeger |= Q(traeger__name__icontains=begriff)
    return Fundstellen(titel=titel_q | Q(pk__in=titel_ids), text=text_q | Q(pk__in=text_ids) | beim_traeger)


def suche(qs, text: str):
    """Every word and every named synonym group must be found; annotates `relevanz` (0 title, 1 text, 2 topic).

    A group is found by any of its terms in the title, the description, a translation or the Träger's name, or by
    the offer's Kategorie."""
    gruppen, woerter = suchbegriffe(text)
    if not gruppen and not woerter:
        return qs
    titel_treffer = Q(pk__in=[])
    text_treffer = Q(pk__in=[])
    for begriffe, code in gruppen:
        stellen = _fundstellen(begriffe)
        bedingung = stellen.titel | stellen.text
        titel_treffer |= stellen.titel
        text_treffer |= stellen.text
        if code:
            bedingung |= Q(kategorie__code=code)
        qs = qs.filter(bedingung)
    for wort in woerter:
        stellen = _fundstellen([wort])
        qs = qs.filter(stellen.titel | stellen.text)
        titel_treffer |= stellen.titel
        text_treffer |= stellen.text
    return qs.annotate(
        relevanz=Case(
            When(titel_treffer, then=Value(0)),
            When(text_treffer, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
    )


def im_umkreis(qs, kommune: Kommune):
    """Offers reachable from the Kommune (distance 0), then those of Kommunen within 30 km; annotates `entfernung`."""
    nahe = nahe_kommunen(kommune)
    erreichbar = erreichbar_q(kommune.pk, kommune.buendnis_id)
    if not nahe:
        return qs.filter(erreichbar).annotate(entfernung=Value(0.0, output_field=FloatField()))
    durch = Angebot.kommunen.through.objects.filter(angebot_id=OuterRef("pk"), kommune_id__in=list(nahe))
    naechste = (
        durch.annotate(
            km=Case(
                *[When(kommune_id=pk, then=Value(km)) for pk, km in nahe.items()],
                output_field=FloatField(),
            )
        )
        .order_by("km")
        .values("km")[:1]
    )
    return qs.filter(erreichbar | Q(Exists(durch))).annotate(
        entfernung=Case(
            When(erreichbar, then=Value(0.0)),
            default=Subquery(naechste, output_field=FloatField()),
            output_field=FloatField(),
        )
    )


# Filter ---------------------------------------------------------------------------------------------------------


class OeffentlicherKatalogFilter(django_filters.FilterSet):
    """The public catalogue's filters, most useful first: place, German, residence status, topic; then search.

    The Kommune choices are limited to the chosen Kreis; a Kommune of another Kreis is dropped, not an error."""

    buendnis = django_filters.ChoiceFilter(
        label=_("Wo? Kreis oder Stadt"), empty_label=_("alle"), method="filter_buendnis"
    )
    kommune = django_filters.ChoiceFilter(label=_("Wo? Ort"), empty_label=_("alle"), method="filter_kommune")
    deutsch = django_filters.ChoiceFilter(
        label=_("Meine Deutschkenntnisse"),
        empty_label=_("egal"),
        choices=DEUTSCH_CHOICES,
        method="filter_deutsch",
    )
    zugang = django_filters.ChoiceFilter(
        label=_("Mein Aufenthaltsstatus"), empty_label=_("egal"), method="filter_zugang"
    )
    kategorie = django_filters.ChoiceFilter(
        label=_("Thema"), empty_label=_("alle"), method="filter_kategorie"
    )
    q = django_filters.CharFilter(label=_("Suche"), method="filter_q")

    FILTERFELDER = ("buendnis", "kommune", "deutsch", "zugang", "kategorie")

    class Meta:
        model = Angebot
        fields = ["buendnis", "kommune", "deutsch", "zugang", "kategorie", "q"]

    def __init__(self, data=None, *args, **kwargs):
        kreise = sorted(Buendnis.objects.only("pk", "name"), key=lambda b: deutsch_sortiert(b.name))
        kommunen = sorted(
            Kommune.objects.only("pk", "name", "buendnis_id"), key=lambda k: deutsch_sortiert(k.name)
        )
        kreis_ids = {str(b.pk) for b in kreise}
        gewaehlt = data.get("buendnis") if data is not None else None
        gewaehlt = gewaehlt if gewaehlt in kreis_ids else None
        if data is not None and gewaehlt and data.get("kommune"):
            im_kreis = {str(k.pk) for k in kommunen if str(k.buendnis_id) == gewaehlt}
            if data.get("kommune") not in im_kreis:
                data = data.copy()
                data.pop("kommune")
        super().__init__(data, *args, **kwargs)
        self.kreise, self.alle_kommunen = kreise, kommunen
        self.filters["buendnis"].extra["choices"] = [(b.pk, b.name) for b in kreise]
        if gewaehlt:
            kommune_choices = [(k.pk, k.name) for k in kommunen if str(k.buendnis_id) == gewaehlt]
        else:
            kommune_choices = [
                (b.name, [(k.pk, k.name) for k in kommunen if k.buendnis_id == b.pk]) for b in kreise
            ]
            kommune_choices = [gruppe for gruppe in kommune_choices if gruppe[1]]
        self.filters["kommune"].extra["choices"] = kommune_choices
        self._kommunen = {k.pk: k for k in kommunen}
        self.filters["zugang"].extra["choices"] = [
            (s.pk, status_label(s)) for s in Aufenthaltsstatus.objects.aktiv()
        ]
        self.filters["kategorie"].extra["choices"] = [
            (k.pk, kategorie_label(k)) for k in Kategorie.objects.aktiv()
        ]

    # The Kommune decides the place when chosen (nearby offers of a neighbouring Kreis included).
    def filter_buendnis(self, qs, name, value):
        if not value or self.form.cleaned_data.get("kommune"):
            return qs
        return qs.filter(buendnis_id=value)

    def filter_kommune(self, qs, name, value):
        return qs  # applied last in `qs`: it annotates the distance

    def filter_deutsch(self, qs, name, value):
        if value == KEINE_DEUTSCHKENNTNISSE:
            return qs.filter(deutsch_voraussetzung="")
        if value in SPRACHNIVEAU_RANG:
            passend = [n for n, rang in SPRACHNIVEAU_RANG.items() if rang <= SPRACHNIVEAU_RANG[value]]
            return qs.filter(Q(deutsch_voraussetzung="") | Q(deutsch_voraussetzung__in=passend))
        return qs

    def filter_zugang(self, qs, name, value):
        return qs.zugaenglich_fuer(int(value)) if value else qs

    def filter_kategorie(self, qs, name, value):
        return qs.filter(kategorie_id=int(value)) if value else qs

    def filter_q(self, qs, name, value):
        return suche(qs, value)

    @property
    def gewaehlte_kommune(self) -> Kommune | None:
        if not (self.is_bound and self.form.is_valid()):
            return None
        wert = self.form.cleaned_data.get("kommune")
        return self._kommunen.get(int(wert)) if wert else None

    @property
    def anzahl_aktiv(self) -> int:
        if not (self.is_bound and self.form.is_valid()):
            return 0
        return sum(1 for feld in self.FILTERFELDER if self.form.cleaned_data.get(feld))

    @property
    def qs(self):
        if not hasattr(self, "_qs"):
            qs = super().qs
            ordnung = []
            if "relevanz" in qs.query.annotations:
                ordnung.append("relevanz")
            kommune = self.gewaehlte_kommune
            if kommune is not None:
                qs = im_umkreis(qs, kommune)
                ordnung.append("entfernung")
            self._qs = qs.order_by(*ordnung, Lower("titel"), "pk")
        return self._qs


# Texts in the visitor's language ------------------------------------------------------------------------------


@dataclass
class Text:
    text: str
    deutsch: bool  # shown in German because the translation is missing


def sprache_aktiv() -> str:
    return get_language() or settings.LANGUAGE_CODE


def uebersetzungen_prefetch(sprache: str) -> Prefetch:
    uebersetzung = Angebot._parler_meta.root_model
    return Prefetch(
        "uebersetzungen",
        queryset=uebersetzung.objects.filter(language_code=sprache),
        to_attr="uebersetzung_aktiv",
    )


def texte_setzen(
    angebote, sprache: str, gezeigt=("titel", "beschreibung", "zeiten", "anmeldung_hinweis")
) -> None:
    """`angebot.texte`: every translatable text in `sprache` when translated, else German; `angebot.auf_deutsch`
    when any shown text is the German one. Needs `uebersetzungen_prefetch(sprache)` (for a language other than de)."""
    for angebot in angebote:
        zeile = None
        if sprache != "de":
            zeilen = getattr(angebot, "uebersetzung_aktiv", [])
            zeile = zeilen[0] if zeilen else None
        texte = {}
        for feld in ("titel", "beschreibung", "zeiten", "anmeldung_hinweis"):
            deutsch = getattr(angebot, feld) or ""
            uebersetzt = (getattr(zeile, f"{feld}_uebersetzt", "") or "").strip() if zeile else ""
            if sprache == "de" or uebersetzt:
                texte[feld] = Text(uebersetzt or deutsch, False)
            else:
                texte[feld] = Text(deutsch, bool(deutsch.strip()))
        angebot.texte = texte
        angebot.auf_deutsch = any(texte[feld].deutsch for feld in gezeigt)


def _oeffentliche_angebote(sprache: str):
    qs = Angebot.objects.oeffentlich().select_related("traeger", "kategorie").prefetch_related("kommunen")
    if sprache != "de":
        qs = qs.prefetch_related(uebersetzungen_prefetch(sprache))
    return qs


def _seitenkontext(request) -> dict:
    """What every public page needs: the languages and the address to come back to without `?sprache=`."""
    query = request.GET.copy()
    query.pop("sprache", None)
    naechste = request.path + (f"?{query.urlencode()}" if query else "")
    return {"sprachen": settings.LANGUAGES, "naechste": naechste}


# Views -----------------------------------------------------------------------------------------------------------


def startseite(request):
    """`/`: the public start page for visitors; a signed-in user gets the dashboard."""
    if request.user.is_authenticated:
        return DashboardView.as_view()(request)
    veroeffentlicht = Q(angebote__status=AngebotStatus.VEROEFFENTLICHT)
    themen = [
        (k, kategorie_label(k), k.anzahl)
        for k in Kategorie.objects.aktiv().annotate(anzahl=Count("angebote", filter=veroeffentlicht))
        if k.anzahl
    ]
    kreise = sorted(
        Buendnis.objects.annotate(anzahl=Count("angebote", filter=veroeffentlicht)).filter(anzahl__gt=0),
        key=lambda b: deutsch_sortiert(b.name),
    )
    return render(
        request,
        "oeffentlich/start.html",
        {**_seitenkontext(request), "themen": themen, "kreise": kreise},
    )


class KatalogView(FilterView):
    """The public catalogue of published offers (no login): filters behind one button, results first."""

    filterset_class = OeffentlicherKatalogFilter
    template_name = "oeffentlich/katalog.html"
    paginate_by = 20

    def get_queryset(self):
        return _oeffentliche_angebote(sprache_aktiv())

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        texte_setzen(ctx["object_list"], sprache_aktiv(), gezeigt=("titel", "beschreibung"))
        filterset = ctx["filter"]
        for feld in filterset.form.fields.values():
            feld.widget.attrs.setdefault("class", "form-select")
        ctx.update(_seitenkontext(self.request))
        ctx["anzahl_filter"] = filterset.anzahl_aktiv
        ctx["gewaehlte_kommune"] = filterset.gewaehlte_kommune
        ctx["kommunen_je_kreis"] = {
            str(b.pk): [[k.pk, k.name] for k in filterset.alle_kommunen if k.buendnis_id == b.pk]
            for b in filterset.kreise
        }
        ctx["kategorie_labels"] = {a.kategorie_id: kategorie_label(a.kategorie) for a in ctx["object_list"]}
        for angebot in ctx["object_list"]:
            angebot.thema = ctx["kategorie_labels"][angebot.kategorie_id]
        return ctx


class KatalogDetailView(DetailView):
    """One offer, mobile first: how to take part at the top; what, where, for whom; access per status."""

    template_name = "oeffentlich/detail.html"
    context_object_name = "angebot"

    def get_queryset(self):
        return (
            _oeffentliche_angebote(sprache_aktiv())
            .select_related("ansprechperson")
            .prefetch_related(
                "zugaenge",
                Prefetch(
                    "anschlussangebote",
                    queryset=Angebot.objects.oeffentlich().order_by(Lower("titel"), "pk"),
                    to_attr="anschluesse",
                ),
            )
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        angebot = self.object
        sprache = sprache_aktiv()
        texte_setzen([angebot], sprache)
        anschluesse = angebot.anschluesse
        if sprache != "de" and anschluesse:
            uebersetzung = Angebot._parler_meta.root_model
            titel = dict(
                uebersetzung.objects.filter(master_id__in=[a.pk for a in anschluesse], language_code=sprache)
                .exclude(titel_uebersetzt="")
                .values_list("master_id", "titel_uebersetzt")
            )
            for a in anschluesse:
                a.texte = {"titel": Text(titel.get(a.pk) or a.titel, a.pk not in titel)}
        else:
            texte_setzen(anschluesse, "de")
        zugaenge = {z.status_id: z for z in angebot.zugaenge.all()}
        ctx.update(_seitenkontext(self.request))
        ctx["thema"] = kategorie_label(angebot.kategorie)
        ctx["anschluesse"] = anschluesse
        ctx["zugaenge"] = [
            {
                "status": status_label(s),
                "art": zugaenge[s.pk].art if s.pk in zugaenge else "",
                "antwort": ZUGANG_LABELS.get(zugaenge[s.pk].art) if s.pk in zugaenge else _("nicht bekannt"),
                "bedingung": zugaenge[s.pk].bedingung if s.pk in zugaenge else "",
            }
            for s in Aufenthaltsstatus.objects.aktiv()
        ]
        ctx["kontakt"] = angebot.oeffentlicher_kontakt
        ctx["telefon_href"] = telefon_href(angebot.kontakt_telefon)
        ctx["kontakt_telefon_href"] = telefon_href(ctx["kontakt"].telefon) if ctx["kontakt"] else ""
        ctx["anmeldung_url"] = sichere_url(angebot.anmeldung_url)
        adresse = angebot.adresse_anzeige
        ctx["adresse"] = adresse
        ctx["weg_url"] = (
            "https://www.openstreetmap.org/search?query=" + quote(adresse, safe="") if adresse else ""
        )
        ctx["deutsch_noetig"] = angebot.deutsch_voraussetzung.upper()
        ctx["deutsch_ziel"] = angebot.deutsch_ziel.upper()
        return ctx
