"""Import/export of offers (django-import-export): the column mapping with German headers.

One column per residence status ("Zugang: <Kurzbezeichnung>") holds the access as text:
``offen`` · ``nicht`` · ``eingeschränkt: <Bedingung>``, optionally followed by ``| Öffnung möglich: <Hinweis>``.
The column "Kennung" identifies an offer inside its Bündnis, so importing the same file again updates the
offers instead of creating new ones. Every problem of a row is reported in German; the shared flow in
`buendnis.io` writes nothing when any row fails. The upload checks live there too.
"""

from __future__ import annotations

import copy
import datetime
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation

import tablib
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone
from django.utils.translation import gettext as _
from import_export import fields, resources

from angebote.models import (
    Angebot,
    AngebotStatus,
    Aufenthaltsstatus,
    Finanzierung,
    Kategorie,
    Sprachniveau,
    Zugang,
    ZugangArt,
)
from angebote.services import ZugangDaten
from buendnis.bulk import Tabelle
from buendnis.choices import Baustein, Rolle
from buendnis.io import FORMULA_PREFIXES, SafeExportMixin
from buendnis.models import Akteur, Ansprechperson, Kommune
from buendnis.rules import KEIN_RECHT

KREISWEIT = "kreisweit"
JA = {"ja", "j", "x", "1", "true", "wahr", "yes"}
NEIN = {"nein", "n", "", "0", "false", "falsch", "no", "-"}
ZUGANG_PREFIX = "Zugang: "

# key, German header, model attribute (for mapping model validation errors back to the column)
SPALTEN = [
    ("kennung", "Kennung", "kennung"),
    ("titel", "Titel", "titel"),
    ("beschreibung", "Beschreibung", "beschreibung"),
    ("traeger", "Träger", "traeger"),
    ("kommunen", "Kommunen", "kommunen"),
    ("adresse", "Adresse", "adresse"),
    ("kategorie", "Kategorie", "kategorie"),
    ("foerderbaustein", "Förderbaustein", "foerderbaustein"),
    ("finanzierung", "Rechtskreis/Finanzierung", "finanzierung"),
    ("alter_von", "Alter von", "alter_von"),
    ("alter_bis", "Alter bis", "alter_bis"),
    ("deutsch_voraussetzung", "Deutsch vorausgesetzt", "deutsch_voraussetzung"),
    ("deutsch_ziel", "Deutsch am Ende", "deutsch_ziel"),
    ("plaetze", "Plätze", "plaetze"),
    ("freie_plaetze", "freie Plätze", "freie_plaetze"),
    ("beginn", "Beginn", "beginn"),
    ("ende", "Ende", "ende"),
    ("laufend", "laufender Einstieg", "laufend"),
    ("stunden_pro_woche", "Stunden pro Woche", "stunden_pro_woche"),
    ("kosten", "Kosten (EUR)", "kosten"),
    ("kinderbetreuung", "Kinderbetreuung", "kinderbetreuung"),
    ("ansprechperson", "Ansprechperson", "ansprechperson"),
    ("anschlussangebote", "Anschlussangebote (Kennungen)", "anschlussangebote"),
    ("status", "Status", "status"),
    ("bestaetigt_am", "zuletzt bestätigt am", "bestaetigt_am"),
]
HEADER = {key: header for key, header, _attr in SPALTEN}
ATTR_TO_HEADER = {attr: header for _key, header, attr in SPALTEN}
HEADER_TO_ATTR = {header: attr for _key, header, attr in SPALTEN}
PFLICHTSPALTEN = ["Kennung", "Titel", "Träger", "Kommunen", "Kategorie"]
# Lookups with an IN list are split into chunks of this size: old SQLite builds allow only 999 bound
# parameters (current ones 32,766; the catalogue search passes up to 5,000 Träger ids in one list).
IN_LISTE_MAX = 900
BATCH = 1000
# Fields an import row may change (the workflow fields never come from a file).
IMPORT_FELDER = [
    "titel",
    "beschreibung",
    "traeger",
    "kreisweit",
    "adresse",
    "kategorie",
    "foerderbaustein",
    "finanzierung",
    "alter_von",
    "alter_bis",
    "deutsch_voraussetzung",
    "deutsch_ziel",
    "plaetze",
    "freie_plaetze",
    "beginn",
    "ende",
    "laufend",
    "stunden_pro_woche",
    "kosten",
    "kinderbetreuung",
    "ansprechperson",
    "version",
    "updated_at",
]
# Foreign keys an import row fills from lookups loaded in `before_import`, so they need no existence query.
GELADENE_FKS = {"buendnis", "traeger", "kategorie", "ansprechperson", "erstellt_von", "pruefung_durch"}
ZUGANG_TEXT_MAX = 500


def zugang_header(status: Aufenthaltsstatus) -> str:
    return ZUGANG_PREFIX + status.kurz


def _text(value) -> str:
    """A cell as trimmed text; undoes the export's formula escape ("'=..." back to "=...")."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    if text[:1] == "'" and text[1:].startswith(FORMULA_PREFIXES):
        text = text[1:]
    return text.strip()


def _chunks(werte: list, groesse: int = IN_LISTE_MAX):
    for i in range(0, len(werte), groesse):
        yield werte[i : i + groesse]


def _fold(value: str) -> str:
    return re.sub(r"\s+", " ", value).strip().casefold()


def zugang_als_text(zugang) -> str:
    if zugang is None:
        return ""
    text = {
        ZugangArt.OFFEN: "offen",
        ZugangArt.NICHT: "nicht",
        ZugangArt.EINGESCHRAENKT: "eingeschränkt",
    }[zugang.art]
    if zugang.art == ZugangArt.EINGESCHRAENKT and zugang.bedingung:
        text += f": {zugang.bedingung}"
    if zugang.oeffnung_moeglich:
        text += " | Öffnung möglich"
        if zugang.oeffnung_hinweis:
            text += f": {zugang.oeffnung_hinweis}"
    return text


def parse_zugang(text: str) -> tuple[str, str, bool, str]:
    """(art, bedingung, oeffnung_moeglich, hinweis) from a cell; raises ValueError with a German message."""
    teile = [t.strip() for t in text.split("|")]
    kopf, rest = teile[0], teile[1:]
    art_text, _sep, bedingung = kopf.partition(":")
    art_key = _fold(art_text)
    arten = {
        "offen": ZugangArt.OFFEN,
        "ja": ZugangArt.OFFEN,
        "eingeschränkt": ZugangArt.EINGESCHRAENKT,
        "eingeschraenkt": ZugangArt.EINGESCHRAENKT,
        "mit einschränkung": ZugangArt.EINGESCHRAENKT,
        "mit einschraenkung": ZugangArt.EINGESCHRAENKT,
        "nicht": ZugangArt.NICHT,
        "nein": ZugangArt.NICHT,
        "nicht zugänglich": ZugangArt.NICHT,
        "nicht zugaenglich": ZugangArt.NICHT,
    }
    if art_key not in arten:
        raise ValueError(
            _("„%(wert)s“ ist kein gültiger Zugang (erlaubt: offen, eingeschränkt: Bedingung, nicht).")
            % {"wert": text[:80]}
        )
    art = arten[art_key]
    bedingung = bedingung.strip()
    if art == ZugangArt.EINGESCHRAENKT and not bedingung:
        raise ValueError(_("Bei „eingeschränkt“ fehlt die Bedingung (eingeschränkt: Bedingung)."))
    oeffnung, hinweis = False, ""
    for teil in rest:
        schluessel, _sep, wert = teil.partition(":")
        if _fold(schluessel) in ("öffnung möglich", "oeffnung moeglich", "öffnung"):
            oeffnung, hinweis = True, wert.strip()
        elif teil:
            raise ValueError(
                _("Unbekannter Zusatz „%(wert)s“ (erlaubt: | Öffnung möglich: Hinweis).")
                % {"wert": teil[:80]}
            )
    return art, bedingung, oeffnung, hinweis


# The largest whole number the database stores in an integer column.
INT_MAX = 2_147_483_647


def parse_int(value, *, minimum: int = 0, maximum: int = INT_MAX) -> int | None:
    text = _text(value)
    if text == "":
        return None
    try:
        zahl = Decimal(text.replace(",", "."))
    except InvalidOperation:
        zahl = None
    if zahl is None or not zahl.is_finite() or zahl != zahl.to_integral_value():
        raise ValueError(_("„%(wert)s“ ist keine ganze Zahl.") % {"wert": text[:40]})
    if zahl < minimum:
        raise ValueError(_("„%(wert)s“ ist kleiner als %(min)d.") % {"wert": text[:40], "min": minimum})
    if zahl > maximum:
        raise ValueError(
            _("„%(wert)s“ ist zu groß (höchstens %(max)s).")
            % {"wert": text[:40], "max": f"{maximum:,}".replace(",", ".")}
        )
    return int(zahl)


def parse_decimal(value) -> Decimal | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    text = _text(value)
    if text == "":
        return None
    normal = text.replace(" ", "").replace("€", "")
    if "," in normal:
        normal = normal.replace(".", "").replace(",", ".")
    try:
        zahl = Decimal(normal)
    except InvalidOperation:
        raise ValueError(_("„%(wert)s“ ist keine gültige Zahl.") % {"wert": text[:40]}) from None
    if not zahl.is_finite():
        raise ValueError(_("„%(wert)s“ ist keine gültige Zahl.") % {"wert": text[:40]})
    if zahl < 0:
        raise ValueError(_("„%(wert)s“ darf nicht negativ sein.") % {"wert": text[:40]})
    return zahl.quantize(Decimal("0.01"))


def parse_date(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _text(value)
    if text == "":
        return None
    for fmt in ("%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(_("„%(wert)s“ ist kein gültiges Datum (TT.MM.JJJJ).") % {"wert": text[:40]})


def parse_bool(value) -> bool:
    if isinstance(value, bool):
        return value
    text = _fold(_text(value))
    if text in JA:
        return True
    if text in NEIN:
        return False
    raise ValueError(_("„%(wert)s“ ist weder „ja“ noch „nein“.") % {"wert": _text(value)[:40]})


def _choice(value, choices, label: str) -> str:
    text = _text(value)
    if text == "":
        return ""
    key = _fold(text)
    for wert, anzeige in choices:
        if key in (_fold(str(wert)), _fold(str(anzeige))):
            return wert
    raise ValueError(
        _("„%(wert)s“ ist kein gültiger Wert für %(feld)s (erlaubt: %(erlaubt)s).")
        % {"wert": text[:60], "feld": label, "erlaubt": ", ".join(str(a) for _w, a in choices)}
    )


class AngebotResource(SafeExportMixin, resources.ModelResource):
    """Offers as a table. Needs `user=` (passed by the import flow and the admin) to scope every row."""

    class Meta:
        model = Angebot
        fields = ()
        import_id_fields = ()
        skip_diff = True
        clean_model_instances = True
        use_transactions = True
        # Rows are checked one by one but written together at the end (`_schreiben`): no savepoint per row.
        use_bulk = True

    def __init__(self, user=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user
        self.status_liste = list(Aufenthaltsstatus.objects.aktiv())
        self._dry_run = True  # set by every `import_data` call
        self._neu: list[Angebot] = []
        self._geaendert: list[Angebot] = []
        for key, header, _attr in SPALTEN:
            self.fields[key] = fields.Field(
                column_name=header, attribute=None, dehydrate_method=getattr(self, f"dehydrate_{key}", None)
            )
        for status in self.status_liste:
            self.fields[f"zugang_{status.code}"] = fields.Field(
                column_name=zugang_header(status),
                attribute=None,
                dehydrate_method=self._zugang_dehydrator(status),
            )

    def get_export_order(self):
        return tuple(self.fields)

    def export_zeilen(self, queryset) -> tuple[list[str], Iterator[list]]:
        """Headers and a lazy iterator of formula-safe rows with native values, in a constant number of
        queries (`angebote.exporte`): for exports that stream, such as the reports' generic export."""
        from angebote.exporte import export_kopf, export_zeilen

        sichtbar = Angebot.objects.visible_to(self.user) if self.user else None
        return export_kopf(self.status_liste), export_zeilen(queryset, self.status_liste, sichtbar=sichtbar)

    def export(self, queryset=None, **kwargs):
        """The whole table at once (admin, template): rows from the fast export, the same cells as a download."""
        kopf, zeilen = self.export_zeilen(self.get_queryset() if queryset is None else queryset)
        # The admin lets the user pick columns (`export_fields`: keys of `self.fields`, in the same order).
        auswahl = set(kwargs.get("export_fields") or ())
        spalten = [i for i, key in enumerate(self.fields) if not auswahl or key in auswahl]
        dataset = tablib.Dataset(headers=[kopf[i] for i in spalten])
        for zeile in zeilen:
            dataset.append([zeile[i] for i in spalten])
        return dataset

    def get_import_id_fields(self):
        return []

    def get_queryset(self):
        return Angebot.objects.visible_to(self.user).for_export() if self.user else Angebot.objects.none()

    # Export ------------------------------------------------------------------------------------------------------

    def _zugang_dehydrator(self, status):
        def dehydrate(angebot):
            return zugang_als_text(angebot.zugang_fuer(status))

        return dehydrate

    def dehydrate_kennung(self, a):
        return a.kennung

    def dehydrate_titel(self, a):
        return a.titel

    def dehydrate_beschreibung(self, a):
        return a.beschreibung

    def dehydrate_traeger(self, a):
        return a.traeger.name

    def dehydrate_kommunen(self, a):
        return KREISWEIT if a.kreisweit else "; ".join(k.name for k in a.kommunen.all())

    def dehydrate_adresse(self, a):
        return a.adresse

    def dehydrate_kategorie(self, a):
        return a.kategorie.bezeichnung

    def dehydrate_foerderbaustein(self, a):
        return a.foerderbaustein.upper()

    def dehydrate_finanzierung(self, a):
        return a.get_finanzierung_display() if a.finanzierung else ""

    def dehydrate_alter_von(self, a):
        return a.alter_von

    def dehydrate_alter_bis(self, a):
        return a.alter_bis

    def dehydrate_deutsch_voraussetzung(self, a):
        return a.deutsch_voraussetzung.upper()

    def dehydrate_deutsch_ziel(self, a):
        return a.deutsch_ziel.upper()

    def dehydrate_plaetze(self, a):
        return a.plaetze

    def dehydrate_freie_plaetze(self, a):
        return a.freie_plaetze

    def dehydrate_beginn(self, a):
        return a.beginn

    def dehydrate_ende(self, a):
        return a.ende

    def dehydrate_laufend(self, a):
        return "ja" if a.laufend else "nein"

    def dehydrate_stunden_pro_woche(self, a):
        return a.stunden_pro_woche

    def dehydrate_kosten(self, a):
        return a.kosten

    def dehydrate_kinderbetreuung(self, a):
        return "ja" if a.kinderbetreuung else "nein"

    def dehydrate_ansprechperson(self, a):
        return a.ansprechperson.name if a.ansprechperson_id else ""

    def dehydrate_anschlussangebote(self, a):
        return "; ".join(sorted(x.kennung for x in a.anschlussangebote.all()))

    def dehydrate_status(self, a):
        return a.get_status_display()

    def dehydrate_bestaetigt_am(self, a):
        return a.bestaetigt_am

    # Import ------------------------------------------------------------------------------------------------------

    def _user_of(self, kwargs):
        user = kwargs.get("user") or self.user
        if user is None and kwargs.get("request") is not None:
            user = kwargs["request"].user
        return user

    def import_data(self, dataset, dry_run=False, *args, **kwargs):
        self._dry_run = dry_run
        self._neu: list[Angebot] = []
        self._geaendert: list[Angebot] = []
        return super().import_data(dataset, dry_run, *args, **kwargs)

    def before_import(self, dataset, **kwargs):
        """Checks the columns and loads every lookup once (names → rows of the user's Bündnis)."""
        self.user = user = self._user_of(kwargs)
        if user is None or not user.is_authenticated or not user.has_perm("angebote.import_angebot"):
            raise ValidationError(KEIN_RECHT)
        if not user.buendnis_id:
            raise ValidationError(_("Importieren kann nur, wer einem Bündnis zugeordnet ist."))
        headers = dataset.headers or []
        fehlend = [s for s in PFLICHTSPALTEN if s not in headers]
        if fehlend:
            raise ValidationError(
                _("Es fehlen Pflichtspalten: %(spalten)s. Bitte verwenden Sie die Vorlage.")
                % {"spalten": ", ".join(fehlend)}
            )
        bekannt = set(HEADER.values()) | {zugang_header(s) for s in self.status_liste}
        unbekannt = [h for h in headers if h and h not in bekannt]
        if unbekannt:
            raise ValidationError(
                _("Unbekannte Spalten: %(spalten)s. Bitte verwenden Sie die Vorlage.")
                % {"spalten": ", ".join(unbekannt)}
            )
        buendnis_id = user.buendnis_id
        self.buendnis_id = buendnis_id
        self.kommunen = {_fold(k.name): k for k in Kommune.objects.filter(buendnis_id=buendnis_id)}
        self.akteure = {_fold(a.name): a for a in Akteur.objects.filter(buendnis_id=buendnis_id)}
        self.kategorien = {}
        for k in Kategorie.objects.aktiv():
            self.kategorien[_fold(k.bezeichnung)] = k
            self.kategorien[_fold(k.code)] = k
        self.personen: dict[tuple[int, str], Ansprechperson] = {}
        for person in (
            Ansprechperson.objects.filter(akteur__buendnis_id=buendnis_id)
            .select_related("akteur")
            .order_by("pk")
        ):
            self.personen.setdefault((person.akteur_id, _fold(person.name)), person)
        bestehend = Angebot.objects.filter(buendnis_id=buendnis_id)
        self.bestehend = {}
        self.titel_traeger = {}
        for pk, k, t, tr in bestehend.values_list("pk", "kennung", "titel", "traeger_id"):
            self.bestehend[k] = pk
            self.titel_traeger[(_fold(t), tr)] = k
        kennungen = [_text(r) for r in dataset["Kennung"]]
        # The offers the file updates, with what comparing and the permission rules need, in a few queries.
        treffer = sorted({self.bestehend[k] for k in kennungen if k in self.bestehend})
        self.geladen: dict[str, Angebot] = {}
        self.editierbar: set[int] = set()
        for teil in _chunks(treffer):
            laden = (
                Angebot.objects.filter(pk__in=teil)
                .select_related("traeger")
                .prefetch_related("kommunen", "zugaenge", "anschlussangebote")
            )
            if not self._dry_run:
                # Nobody changes these offers between the check and the write.
                laden = laden.select_for_update(of=("self",))
            self.geladen.update((a.kennung, a) for a in laden)
            self.editierbar.update(
                Angebot.objects.editable_by(user).filter(pk__in=teil).values_list("pk", flat=True)
            )
        self.zeilen_je_kennung = defaultdict(list)
        for nummer, kennung in enumerate(kennungen, 1):
            if kennung:
                self.zeilen_je_kennung[kennung].append(nummer)
        self.datei_kennungen = set(self.zeilen_je_kennung)
        # Anschlussangebote name only offers the user may see (as in the form); links to others stay as they are.
        self.sichtbar = set(
            Angebot.objects.visible_to(user).filter(buendnis_id=buendnis_id).values_list("kennung", flat=True)
        )
        traeger = [_fold(_text(r)) for r in dataset["Träger"]]
        titel = [_fold(_text(r)) for r in dataset["Titel"]]
        self.datei_titel_traeger = Counter(zip(titel, traeger, strict=True))

    def get_or_init_instance(self, instance_loader, row):
        kennung = _text(row.get("Kennung"))
        if not kennung:
            raise ValidationError(
                {"Kennung": _("Die Kennung fehlt. Sie macht den erneuten Import eindeutig (z. B. NE-001).")}
            )
        zeilen = self.zeilen_je_kennung.get(kennung, [])
        if len(zeilen) > 1:
            raise ValidationError(
                {
                    "Kennung": _(
                        "Doppelte Zeile: die Kennung „%(k)s“ steht mehrfach in der Datei (Zeilen %(z)s)."
                    )
                    % {"k": kennung, "z": ", ".join(str(z) for z in zeilen)}
                }
            )
        pk = self.bestehend.get(kennung)
        if pk is not None:
            if pk not in self.editierbar or kennung not in self.geladen:
                raise ValidationError(
                    {
                        "Kennung": _(
                            "Das Angebot „%(k)s“ gehört zu einer anderen Kommune; Sie dürfen es nicht ändern."
                        )
                        % {"k": kennung}
                    }
                )
            original = self.geladen[kennung]
            # A shallow copy is enough: rows only set plain fields; the related rows stay the original's.
            instance = copy.copy(original)
            instance._original = original
            return instance, False
        return Angebot(buendnis_id=self.buendnis_id, kennung=kennung), True

    def import_instance(self, instance, row, **kwargs):
        errors: dict[str, str] = {}

        def feld(key, parser):
            header = HEADER[key]
            if header not in row:
                return None, False
            try:
                return parser(row.get(header)), True
            except ValueError as exc:
                errors[header] = str(exc)
                return None, False

        titel = _text(row.get("Titel"))
        if not titel:
            errors["Titel"] = _("Der Titel fehlt.")
        # Too long texts are refused by the model validation (German message), never cut off silently.
        instance.titel = titel
        if "Beschreibung" in row:
            instance.beschreibung = _text(row.get("Beschreibung"))
        if "Adresse" in row:
            instance.adresse = _text(row.get("Adresse"))

        traeger_name = _text(row.get("Träger"))
        traeger = self.akteure.get(_fold(traeger_name))
        if traeger is None:
            errors["Träger"] = (
                _("Der Träger „%(t)s“ ist im Bündnis nicht bekannt.") % {"t": traeger_name}
                if traeger_name
                else _("Der Träger fehlt.")
            )
        else:
            instance.traeger = traeger

        kommunen_text = _text(row.get("Kommunen"))
        kommunen: list[Kommune] = []
        if _fold(kommunen_text) == KREISWEIT:
            instance.kreisweit = True
        else:
            instance.kreisweit = False
            namen = [n.strip() for n in re.split(r"[;,\n]", kommunen_text) if n.strip()]
            if not namen:
                errors["Kommunen"] = _("Bitte eine oder mehrere Kommunen nennen oder „kreisweit“.")
            for name in namen:
                kommune = self.kommunen.get(_fold(name))
                if kommune is None:
                    errors["Kommunen"] = _(
                        "Unbekannte Kommune „%(k)s“: diese Kommune gibt es im Bündnis nicht."
                    ) % {"k": name}
                else:
                    kommunen.append(kommune)
        instance._import_kommunen = kommunen

        user = self.user
        if user.rolle == Rolle.KOMMUNE and not user.is_superuser and "Kommunen" not in errors:
            if instance.kreisweit:
                if traeger is not None and traeger.kommune_id != user.kommune_id:
                    errors["Kommunen"] = _(
                        "Zeile einer anderen Kommune: kreisweite Angebote dürfen Sie nur für Träger Ihrer Kommune importieren."
                    )
            elif {k.pk for k in kommunen} != {user.kommune_id}:
                fremde = ", ".join(k.name for k in kommunen if k.pk != user.kommune_id)
                errors["Kommunen"] = _(
                    "Zeile einer anderen Kommune (%(k)s): Sie dürfen nur Angebote Ihrer eigenen Kommune importieren."
                ) % {"k": fremde or kommunen_text}

        kategorie_text = _text(row.get("Kategorie"))
        kategorie = self.kategorien.get(_fold(kategorie_text))
        if kategorie is None:
            errors["Kategorie"] = (
                _("Unbekannte Kategorie „%(k)s“.") % {"k": kategorie_text}
                if kategorie_text
                else _("Die Kategorie fehlt.")
            )
        else:
            instance.kategorie = kategorie

        for key, choices, label in (
            ("foerderbaustein", Baustein.choices, HEADER["foerderbaustein"]),
            ("finanzierung", Finanzierung.choices, HEADER["finanzierung"]),
            ("deutsch_voraussetzung", Sprachniveau.choices, HEADER["deutsch_voraussetzung"]),
            ("deutsch_ziel", Sprachniveau.choices, HEADER["deutsch_ziel"]),
        ):
            wert, ok = feld(key, lambda v, c=choices, lb=label: _choice(v, c, lb))
            if ok:
                setattr(instance, key, wert)
        for key in ("alter_von", "alter_bis"):
            wert, ok = feld(key, lambda v: parse_int(v, minimum=0))
            if ok:
                setattr(instance, key, wert if wert is not None else (18 if key == "alter_von" else 27))
        for key in ("plaetze", "freie_plaetze"):
            wert, ok = feld(key, parse_int)
            if ok:
                setattr(instance, key, wert)
        for key in ("beginn", "ende"):
            wert, ok = feld(key, parse_date)
            if ok:
                setattr(instance, key, wert)
        for key in ("laufend", "kinderbetreuung"):
            wert, ok = feld(key, parse_bool)
            if ok:
                setattr(instance, key, wert)
        for key in ("stunden_pro_woche", "kosten"):
            wert, ok = feld(key, parse_decimal)
            if ok:
                setattr(instance, key, wert)

        if HEADER["status"] in row:
            try:
                _choice(row.get(HEADER["status"]), AngebotStatus.choices, HEADER["status"])
            except ValueError as exc:
                errors[HEADER["status"]] = str(exc)

        person_name = _text(row.get(HEADER["ansprechperson"]))
        instance.ansprechperson = None
        if person_name and traeger is not None:
            person = self.personen.get((traeger.pk, _fold(person_name)))
            if person is None:
                errors[HEADER["ansprechperson"]] = _(
                    "Die Ansprechperson „%(p)s“ ist beim Träger nicht eingetragen."
                ) % {"p": person_name}
            instance.ansprechperson = person

        anschluss = [
            k.strip() for k in re.split(r"[;,\n]", _text(row.get(HEADER["anschlussangebote"]))) if k.strip()
        ]
        unbekannt = [k for k in anschluss if k not in self.sichtbar and k not in self.datei_kennungen]
        if unbekannt:
            errors[HEADER["anschlussangebote"]] = _("Unbekannte Kennungen: %(k)s.") % {
                "k": ", ".join(unbekannt)
            }
        if instance.kennung in anschluss:
            errors[HEADER["anschlussangebote"]] = _(
                "Ein Angebot kann nicht sein eigenes Anschlussangebot sein."
            )
        instance._import_anschluss = anschluss

        zugaenge = []
        for status in self.status_liste:
            header = zugang_header(status)
            if header not in row:
                continue
            text = _text(row.get(header))
            if not text:
                zugaenge.append(ZugangDaten(status=status, art=""))
                continue
            try:
                art, bedingung, oeffnung, hinweis = parse_zugang(text)
            except ValueError as exc:
                errors[header] = str(exc)
                continue
            if art != ZugangArt.EINGESCHRAENKT:
                bedingung = ""  # only a restricted access has a condition (the export writes none else)
            zu_lang = [t for t in (bedingung, hinweis) if len(t) > ZUGANG_TEXT_MAX]
            if zu_lang:
                errors[header] = _(
                    "Bedingung und Hinweis zur Öffnung dürfen höchstens %(max)d Zeichen lang sein "
                    "(hier %(n)d)."
                ) % {"max": ZUGANG_TEXT_MAX, "n": max(len(t) for t in zu_lang)}
                continue
            zugaenge.append(ZugangDaten(status, art, bedingung, oeffnung, hinweis))
        instance._import_zugaenge = zugaenge

        if instance.pk is None and traeger is not None and titel:
            schluessel = (_fold(titel), traeger.pk)
            andere = self.titel_traeger.get(schluessel)
            if andere and andere != instance.kennung and andere in self.sichtbar:
                errors["Titel"] = _(
                    "Doppeltes Angebot: „%(t)s“ dieses Trägers gibt es schon unter der Kennung „%(k)s“."
                ) % {"t": titel, "k": andere}
            elif andere and andere != instance.kennung:
                # A draft of another Kommune: refused too, without naming what the user may not see.
                errors["Titel"] = _(
                    "Doppeltes Angebot: „%(t)s“ dieses Trägers gibt es im Bündnis schon (als Entwurf einer "
                    "anderen Kommune)."
                ) % {"t": titel}
            elif self.datei_titel_traeger[(_fold(titel), _fold(traeger_name))] > 1:
                errors["Titel"] = _(
                    "Doppeltes Angebot: „%(t)s“ dieses Trägers steht mehrfach in der Datei."
                ) % {"t": titel}
        if errors:
            raise ValidationError(errors)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """Model validation on top of the row errors, every message under its German column name."""
        errors = {
            key: list(value) if isinstance(value, list) else [value]
            for key, value in (import_validation_errors or {}).items()
        }
        exclude = {HEADER_TO_ATTR.get(key, key) for key in errors} | GELADENE_FKS
        try:
            # Uniqueness of the Kennung is settled by the lookups in `before_import` (an existing Kennung
            # updates, a repeated one is a row error) and the check constraints are mirrored in `clean()`,
            # so no row needs a query here.
            instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            for key, meldungen in exc.message_dict.items():
                errors.setdefault(ATTR_TO_HEADER.get(key, key), []).extend(meldungen)
        if errors:
            raise ValidationError(errors)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        """Unchanged rows are skipped; a changed row needs the right to change the stored offer."""
        if import_validation_errors or instance.pk is None:
            return False
        original = instance._original
        unveraendert = (
            all(
                getattr(instance, f.attname) == getattr(original, f.attname)
                for f in Angebot._meta.concrete_fields
                if f.name not in ("updated_at", "created_at", "version")
            )
            and {k.pk for k in instance._import_kommunen} == {k.pk for k in original.kommunen.all()}
            and set(instance._import_anschluss) == self._sichtbare_anschluesse(original)
            and self._zugaenge_gleich(original, instance._import_zugaenge)
        )
        if unveraendert:
            return True
        if not self.user.has_perm("angebote.change_angebot", original):
            raise ValidationError(
                {
                    "Kennung": _(
                        "Das Angebot „%(k)s“ ist im Status „%(s)s“ und kann von Ihnen nicht geändert werden."
                    )
                    % {"k": instance.kennung, "s": original.get_status_display()}
                }
            )
        return False

    def _sichtbare_anschluesse(self, angebot) -> set[str]:
        return {a.kennung for a in angebot.anschlussangebote.all() if a.kennung in self.sichtbar}

    @staticmethod
    def _zugaenge_gleich(angebot, zugaenge: list[ZugangDaten]) -> bool:
        bestehend = {z.status_id: z for z in angebot.zugaenge.all()}
        for daten in zugaenge:
            z = bestehend.get(daten.status.pk)
            if not daten.art:
                if z is not None:
                    return False
                continue
            if z is None or (z.art, z.bedingung, z.oeffnung_moeglich, z.oeffnung_hinweis) != (
                daten.art,
                daten.bedingung if daten.art == ZugangArt.EINGESCHRAENKT else "",
                daten.oeffnung_moeglich,
                daten.oeffnung_hinweis,
            ):
                return False
        return True

    def before_save_instance(self, instance, row, **kwargs):
        if instance.pk is None:
            instance.status = AngebotStatus.ENTWURF
            instance.version = 1
            instance.erstellt_von = self.user
        else:
            instance.version += 1

    def save_instance(self, instance, is_create, row, **kwargs):
        """Collects the checked row; `after_import` writes all rows at once, and only when none failed."""
        self.before_save_instance(instance, row, **kwargs)
        (self._neu if is_create else self._geaendert).append(instance)

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        if self._dry_run or result.has_errors() or result.has_validation_errors():
            return
        if self._neu or self._geaendert:
            try:
                self._schreiben()
            except IntegrityError as exc:
                raise ValidationError(
                    _(
                        "Die Angebote wurden während des Imports von anderer Seite geändert. Es wurde nichts "
                        "gespeichert; bitte laden Sie die Datei erneut hoch."
                    )
                ) from exc

    def _schreiben(self) -> None:
        """Writes every checked row in bulk: offers, Kommunen, access rows and Anschlussangebote, each with
        its history rows (as the single-row services would write them)."""
        jetzt = timezone.now()
        user = self.user
        neu, geaendert = self._neu, self._geaendert
        for angebot in neu:
            angebot.created_at = angebot.updated_at = jetzt
        for angebot in geaendert:
            angebot.updated_at = jetzt  # bulk_update does not apply auto_now
        history_id: dict[int, int] = {}
        if neu:
            angelegt = Angebot.objects.bulk_create(neu, batch_size=BATCH)
            historie = Angebot.history.bulk_history_create(
                angelegt, batch_size=BATCH, default_user=user, default_date=jetzt
            )
            history_id.update((a.pk, h.history_id) for a, h in zip(angelegt, historie, strict=True))
        if geaendert:
            Angebot.objects.bulk_update(geaendert, IMPORT_FELDER, batch_size=BATCH)
            historie = Angebot.history.bulk_history_create(
                geaendert, batch_size=BATCH, update=True, default_user=user, default_date=jetzt
            )
            history_id.update((a.pk, h.history_id) for a, h in zip(geaendert, historie, strict=True))

        # Kommunen and Anschlussangebote: new offers get theirs; changed lists are replaced.
        orte = Angebot.kommunen.through
        orte_neu = [
            *neu,
            *(
                a
                for a in geaendert
                if {k.pk for k in a._import_kommunen} != {k.pk for k in a._original.kommunen.all()}
            ),
        ]
        for teil in _chunks([a.pk for a in orte_neu[len(neu) :]]):
            orte.objects.filter(angebot_id__in=teil).delete()
        orte.objects.bulk_create(
            [
                orte(angebot_id=a.pk, kommune_id=k.pk)
                for a in orte_neu
                for k in dict.fromkeys(a._import_kommunen)
            ],
            batch_size=BATCH,
        )
        benoetigt = sorted({k for a in (*neu, *geaendert) for k in a._import_anschluss})
        pks: dict[str, int] = {}
        for teil in _chunks(benoetigt):
            pks.update(
                Angebot.objects.filter(buendnis_id=self.buendnis_id, kennung__in=teil).values_list(
                    "kennung", "pk"
                )
            )
        kanten = Angebot.anschlussangebote.through
        kanten_neu = [
            *neu,
            *(a for a in geaendert if set(a._import_anschluss) != self._sichtbare_anschluesse(a._original)),
        ]
        for teil in _chunks([a.pk for a in kanten_neu[len(neu) :]]):
            kanten.objects.filter(from_angebot_id__in=teil).delete()
        kanten.objects.bulk_create(
            [
                *(
                    kanten(from_angebot_id=a.pk, to_angebot_id=pks[k])
                    for a in kanten_neu
                    for k in dict.fromkeys(a._import_anschluss)
                    if k in pks
                ),
                # Links the user cannot see (set by the coordination to another Kommune's draft) are kept.
                *(
                    kanten(from_angebot_id=a.pk, to_angebot_id=x.pk)
                    for a in kanten_neu[len(neu) :]
                    for x in a._original.anschlussangebote.all()
                    if x.kennung not in self.sichtbar
                ),
            ],
            batch_size=BATCH,
        )

        # History of the m2m fields: each new history row lists the offer's Kommunen and Anschlussangebote.
        for through, hist_name, feld in (
            (orte, "HistoricalAngebot_kommunen", "angebot_id"),
            (kanten, "HistoricalAngebot_anschlussangebote", "from_angebot_id"),
        ):
            hist_model = Angebot._meta.apps.get_model("angebote", hist_name)
            spalten = [f.attname for f in through._meta.concrete_fields]
            hist_rows = []
            for teil in _chunks(list(history_id)):
                for row in through.objects.filter(**{f"{feld}__in": teil}).values(*spalten):
                    hist_rows.append(hist_model(history_id=history_id[row[feld]], **row))
            hist_model.objects.bulk_create(hist_rows, batch_size=BATCH)

        self._schreibe_zugaenge(user, jetzt)

    def _schreibe_zugaenge(self, user, jetzt) -> None:
        """Access rows: created, changed or removed as the status columns of each written row say."""
        anlegen: list[Zugang] = []
        aendern: list[Zugang] = []
        loeschen: list[int] = []
        for angebot in (*self._neu, *self._geaendert):
            original = getattr(angebot, "_original", None)
            bestehend = {z.status_id: z for z in original.zugaenge.all()} if original is not None else {}
            for daten in angebot._import_zugaenge:
                vorhanden = bestehend.get(daten.status.pk)
                if not daten.art:
                    if vorhanden is not None:
                        loeschen.append(vorhanden.pk)
                    continue
                werte = (
                    daten.art,
                    daten.bedingung.strip(),
                    daten.oeffnung_moeglich,
                    daten.oeffnung_hinweis.strip(),
                )
                if vorhanden is None:
                    zugang = Zugang(angebot_id=angebot.pk, status_id=daten.status.pk)
                    anlegen.append(zugang)
                elif (
                    vorhanden.art,
                    vorhanden.bedingung,
                    vorhanden.oeffnung_moeglich,
                    vorhanden.oeffnung_hinweis,
                ) == werte:
                    continue
                else:
                    zugang = vorhanden
                    aendern.append(zugang)
                zugang.art, zugang.bedingung, zugang.oeffnung_moeglich, zugang.oeffnung_hinweis = werte
        if anlegen:
            # Ten access rows per offer: the bulk of an import. They go in with COPY (PostgreSQL), each with
            # its creation history row, as the NRW scale data do.

            Tabelle(Zugang).schreiben(
                [
                    {
                        "angebot_id": z.angebot_id,
                        "status_id": z.status_id,
                        "art": z.art,
                        "bedingung": z.bedingung,
                        "oeffnung_moeglich": z.oeffnung_moeglich,
                        "oeffnung_hinweis": z.oeffnung_hinweis,
                    }
                    for z in anlegen
                ],
                historie=None,
                user_id=user.pk if user else None,
                datum=jetzt,
            )
        if aendern:
            Zugang.objects.bulk_update(
                aendern, ["art", "bedingung", "oeffnung_moeglich", "oeffnung_hinweis"], batch_size=BATCH
            )
            Zugang.history.bulk_history_create(
                aendern, batch_size=BATCH, update=True, default_user=user, default_date=jetzt
            )
        for teil in _chunks(loeschen):
            # One by one through the ORM, so each removal leaves its history row.
            for zugang in Zugang.objects.filter(pk__in=teil):
                zugang.delete()


def vorlage_dataset(user) -> list:
    """Sheets of the downloadable template: the empty table and an explanation of every column."""
    resource = AngebotResource(user=user)
    leer = resource.export(Angebot.objects.none())
    leer.title = "Angebote"
    hilfe = tablib.Dataset(headers=["Spalte", "Erläuterung"], title="Erläuterungen")
    erlaeuterungen = {
        "Kennung": _("Pflicht. Eindeutige Kennung im Bündnis (z. B. NE-001); erneuter Import aktualisiert."),
        "Titel": _("Pflicht."),
        "Träger": _("Pflicht. Name des Akteurs, wie im Bündnis eingetragen."),
        "Kommunen": _("Pflicht. Eine oder mehrere Kommunen, getrennt durch Semikolon, oder „kreisweit“."),
        "Kategorie": _("Pflicht. Eine von: %(k)s.")
        % {"k": ", ".join(k.bezeichnung for k in Kategorie.objects.aktiv())},
        "Förderbaustein": _("F1 bis F6 oder leer."),
        "Rechtskreis/Finanzierung": ", ".join(str(label) for _v, label in Finanzierung.choices),
        "Deutsch vorausgesetzt": "A1, A2, B1, B2, C1, C2",
        "Deutsch am Ende": "A1, A2, B1, B2, C1, C2",
        "Plätze": _("ganze Zahl"),
        "freie Plätze": _("ganze Zahl"),
        "Beginn": _("Datum TT.MM.JJJJ"),
        "Ende": _("Datum TT.MM.JJJJ"),
        "laufender Einstieg": _("ja oder nein"),
        "Kinderbetreuung": _("ja oder nein"),
        "Kosten (EUR)": _("Betrag, z. B. 25,00"),
        "Anschlussangebote (Kennungen)": _("Kennungen, getrennt durch Semikolon"),
        "Status": _("Nur zur Information; beim Import wird der Status nicht übernommen (Prüfablauf)."),
        "zuletzt bestätigt am": _("Nur zur Information; wird beim Import nicht übernommen."),
    }
    for header in leer.headers:
        if header.startswith(ZUGANG_PREFIX):
            text = _(
                "offen · nicht · eingeschränkt: Bedingung · optional „| Öffnung möglich: Hinweis“; leer = nicht erfasst"
            )
        else:
            text = erlaeuterungen.get(header, "")
        hilfe.append([header, text])
    return [leer, hilfe]
