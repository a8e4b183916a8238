"""Import/export of offers (django-import-export): the column mapping with German headers and the reading of rows.

One column per residence status ("Zugang: <Kurzbezeichnung>") holds the access as text:
``offen`` · ``nicht`` · ``eingeschränkt: <Bedingung>``, optionally followed by ``| Öffnung möglich: <Hinweis>``.
The column "Kennung" identifies an offer inside its Bündnis, so importing the same file again updates the
offers instead of creating new ones. Cells are read by `buendnis.cells`; whether a row may be written, and the
writing itself, is the service's (`angebote.services.AngeboteImport`). Every problem of a row is reported in
German under its column; the import page (`buendnis.views_import`) writes nothing when any row fails.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from decimal import Decimal

import tablib
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from import_export import fields, resources
from import_export.results import RowResult

from angebote.models import (
    Angebot,
    AngebotStatus,
    Aufenthaltsstatus,
    Finanzierung,
    Kategorie,
    Sprachniveau,
    ZugangArt,
)
from angebote.services import AngeboteImport, AngebotZeile, ZugangDaten
from buendnis import cells, vorlagen
from buendnis.choices import Baustein
from buendnis.io import SafeExportMixin
from buendnis.models import Akteur, Ansprechperson, Kommune
from buendnis.rules import KEIN_RECHT, is_kommune
from buendnis.vorlagen import BeispielzeileMixin, Spalte, Vorlage

KREISWEIT = "kreisweit"
ZUGANG_PREFIX = "Zugang: "

# key, German header, model attribute (for mapping model validation errors back to the column)
SPALTEN = [
    ("kennung", "Kennung", "kennung"),
    ("titel", "Titel", "titel"),
    ("beschreibung", "Beschreibung", "beschreibung"),
    ("traeger", "Träger", "traeger"),
    ("kommunen", "Kommunen", "kommunen"),
    ("online", "Online", "online"),
    ("adresse", "Straße und Hausnummer", "adresse"),
    ("plz", "PLZ", "plz"),
    ("ort", "Ort", "ort"),
    ("zeiten", "Zeiten", "zeiten"),
    ("kontakt_name", "Kontakt", "kontakt_name"),
    ("kontakt_telefon", "Telefon", "kontakt_telefon"),
    ("kontakt_email", "E-Mail", "kontakt_email"),
    ("anmeldung_url", "Link zur Anmeldung", "anmeldung_url"),
    ("anmeldung_hinweis", "So melden Sie sich an", "anmeldung_hinweis"),
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
# Headers of older templates, still read (files exported before the columns were renamed).
ALTE_HEADER = {"Adresse": "adresse"}
# Text columns read as they are (the model validation checks them, e.g. phone, e-mail, link).
TEXTSPALTEN = (
    "adresse",
    "ort",
    "zeiten",
    "kontakt_name",
    "kontakt_telefon",
    "kontakt_email",
    "anmeldung_url",
    "anmeldung_hinweis",
)
ATTR_TO_HEADER = {attr: header for _key, header, attr in SPALTEN}
HEADER_TO_ATTR = {header: attr for _key, header, attr in SPALTEN}
PFLICHTSPALTEN = ["Kennung", "Titel", "Träger", "Kommunen", "Kategorie"]
ZUGANG_TEXT_MAX = 500
# Columns holding one of a field's choices (value or label); the lists are built once, not for every row.
AUSWAHLSPALTEN = (
    ("foerderbaustein", Baustein.choices),
    ("finanzierung", Finanzierung.choices),
    ("deutsch_voraussetzung", Sprachniveau.choices),
    ("deutsch_ziel", Sprachniveau.choices),
)


def zugang_header(status: Aufenthaltsstatus) -> str:
    return ZUGANG_PREFIX + status.kurz


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
    art_key = cells.fold(art_text)
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
        if cells.fold(schluessel) in ("öffnung möglich", "oeffnung moeglich", "öffnung"):
            oeffnung, hinweis = True, wert.strip()
        elif teil:
            raise ValueError(
                _("Unbekannter Zusatz „%(wert)s“ (erlaubt: | Öffnung möglich: Hinweis).")
                % {"wert": teil[:80]}
            )
    return art, bedingung, oeffnung, hinweis


class AngebotResource(BeispielzeileMixin, SafeExportMixin, resources.ModelResource):
    """Offers as a table. Needs `user=` (passed by the import flow and the admin) to scope every row; the
    template's example row is skipped (`buendnis.vorlagen`)."""

    class Meta:
        model = Angebot
        fields = ()
        import_id_fields = ()
        skip_diff = True
        clean_model_instances = True
        use_transactions = True
        # Rows are checked one by one but written together at the end (`AngeboteImport.schreiben`): no savepoint
        # per row.
        use_bulk = True

    def __init__(self, user=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user
        self.status_liste = list(Aufenthaltsstatus.objects.aktiv())
        self._dry_run = True  # set by every `import_data` call
        self.dienst: AngeboteImport | None = None
        self.zeile: AngebotZeile | None = None  # the row being read (import-export reads one row at a time)
        # The cells come from `angebote.exporte`; the fields name the columns (and the admin's column choice).
        for key, header, _attr in SPALTEN:
            self.fields[key] = fields.Field(column_name=header, attribute=None)
        for status in self.status_liste:
            self.fields[f"zugang_{status.code}"] = fields.Field(
                column_name=zugang_header(status), attribute=None
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

    # Import ------------------------------------------------------------------------------------------------------

    def _user_of(self, kwargs):
        user = kwargs.get("user") or self.user
        if user is None and kwargs.get("request") is not None:
            user = kwargs["request"].user
        return user

    def import_data(self, dataset, dry_run=False, *args, **kwargs):
        self._dry_run = dry_run
        self.dienst = self.zeile = None
        return super().import_data(dataset, dry_run, *args, **kwargs)

    def before_import(self, dataset, **kwargs):
        """Checks the columns, opens the import service and loads every lookup once (names → rows of the user's
        Bündnis)."""
        self.user = user = self._user_of(kwargs)
        if user is None or not user.is_authenticated:
            raise ValidationError(KEIN_RECHT)
        headers = dataset.headers or []
        fehlend = [s for s in PFLICHTSPALTEN if s not in headers]
        if fehlend:
            raise ValidationError(
                _("Es fehlen Pflichtspalten: %(spalten)s. Bitte verwenden Sie die Vorlage.")
                % {"spalten": ", ".join(fehlend)}
            )
        bekannt = set(HEADER.values()) | set(ALTE_HEADER) | {zugang_header(s) for s in self.status_liste}
        unbekannt = [h for h in headers if h and h not in bekannt]
        if unbekannt:
            raise ValidationError(
                _("Unbekannte Spalten: %(spalten)s. Bitte verwenden Sie die Vorlage.")
                % {"spalten": ", ".join(unbekannt)}
            )
        # The template's example row takes no part in the file's checks (Kennungen, duplicates).
        beispiel = [vorlagen.ist_beispielzeile(r) for r in dataset]
        kennungen = ["" if b else cells.text(r) for r, b in zip(dataset["Kennung"], beispiel, strict=True)]
        try:
            # The offers the file updates are locked until the import's transaction ends (not in a dry run).
            dienst = AngeboteImport(by=user, kennungen=kennungen, sperren=not self._dry_run)
        except PermissionDenied as exc:
            raise ValidationError(str(exc)) from None
        buendnis_id = user.buendnis_id
        self.kommunen = {cells.fold(k.name): k for k in Kommune.objects.filter(buendnis_id=buendnis_id)}
        self.akteure = {cells.fold(a.name): a for a in Akteur.objects.filter(buendnis_id=buendnis_id)}
        self.kategorien = {}
        for k in Kategorie.objects.aktiv():
            self.kategorien[cells.fold(k.bezeichnung)] = k
            self.kategorien[cells.fold(k.code)] = k
        self.personen: dict[tuple[int, str], Ansprechperson] = {}
        for person in (
            Ansprechperson.objects.filter(akteur__buendnis_id=buendnis_id)
            .select_related("akteur")
            .order_by("pk")
        ):
            self.personen.setdefault((person.akteur_id, cells.fold(person.name)), person)
        self.zeilen_je_kennung = defaultdict(list)
        # Row numbers as the spreadsheet shows them (the header is row 1).
        for nummer, kennung in enumerate(kennungen, 2):
            if kennung:
                self.zeilen_je_kennung[kennung].append(nummer)
        traeger = [
            None if b else self.akteure.get(cells.fold(cells.text(r)))
            for r, b in zip(dataset["Träger"], beispiel, strict=True)
        ]
        titel = [cells.fold(cells.text(r)) for r in dataset["Titel"]]
        self.datei_titel_traeger = Counter((t, a.pk) for t, a in zip(titel, traeger, strict=True) if a)
        self.dienst = dienst

    def import_row(self, row, instance_loader, **kwargs):
        if self.dienst is None:
            # The file was refused as a whole (its columns, or the user); its rows are not read.
            row_result = self.get_row_result_class()()
            row_result.import_type = RowResult.IMPORT_TYPE_SKIP
            return row_result
        return super().import_row(row, instance_loader, **kwargs)

    def get_or_init_instance(self, instance_loader, row):
        kennung = cells.text(row.get("Kennung"))
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
        try:
            self.zeile = self.dienst.zeile(kennung)
        except ValidationError as exc:
            raise _mit_spalten(exc) from None
        return self.zeile.angebot, self.zeile.original is None

    def import_instance(self, instance, row, **kwargs):
        """Reads the row's cells into the offer and its row; a cell that cannot be read is a row error."""
        zeile = self.zeile
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

        titel = cells.text(row.get("Titel"))
        if not titel:
            errors["Titel"] = _("Der Titel fehlt.")
        # Too long texts are refused by the model validation (German message), never cut off silently.
        instance.titel = titel
        if "Beschreibung" in row:
            instance.beschreibung = cells.text(row.get("Beschreibung"))
        for alt, key in ALTE_HEADER.items():
            if alt in row and HEADER[key] not in row:
                setattr(instance, key, cells.text(row.get(alt)))
        for key in TEXTSPALTEN:
            if HEADER[key] in row:
                setattr(instance, key, cells.text(row.get(HEADER[key])))
        if HEADER["plz"] in row:
            instance.plz = _plz(row.get(HEADER["plz"]))
        wert, ok = feld("online", cells.parse_bool)
        if ok:
            instance.online = wert

        traeger_name = cells.text(row.get("Träger"))
        traeger = self.akteure.get(cells.fold(traeger_name))
        if traeger is None:
            errors["Träger"] = (
                _("Der Träger „%(t)s“ ist im Bündnis nicht bekannt.") % {"t": traeger_name}
                if traeger_name
                else _("Der Träger fehlt.")
            )
        else:
            instance.traeger = traeger

        kommunen_text = cells.text(row.get("Kommunen"))
        kommunen: list[Kommune] = []
        if cells.fold(kommunen_text) == KREISWEIT:
            instance.kreisweit = True
        else:
            instance.kreisweit = False
            namen = [n.strip() for n in re.split(r"[;,\n]", kommunen_text) if n.strip()]
            if not namen:
                errors["Kommunen"] = _("Bitte eine oder mehrere Kommunen nennen oder „kreisweit“.")
            for name in namen:
                kommune = self.kommunen.get(cells.fold(name))
                if kommune is None:
                    errors["Kommunen"] = _(
                        "Unbekannte Kommune „%(k)s“: diese Kommune gibt es im Bündnis nicht."
                    ) % {"k": name}
                else:
                    kommunen.append(kommune)
        zeile.kommunen = kommunen

        kategorie_text = cells.text(row.get("Kategorie"))
        kategorie = self.kategorien.get(cells.fold(kategorie_text))
        if kategorie is None:
            errors["Kategorie"] = (
                _("Unbekannte Kategorie „%(k)s“.") % {"k": kategorie_text}
                if kategorie_text
                else _("Die Kategorie fehlt.")
            )
        else:
            instance.kategorie = kategorie

        for key, choices in AUSWAHLSPALTEN:
            if key == "foerderbaustein":
                parser = lambda v, c=choices: cells.parse_baustein(v, c)  # noqa: E731
            else:
                parser = lambda v, c=choices, lb=HEADER[key]: cells.parse_choice(v, c, lb)  # noqa: E731
            wert, ok = feld(key, parser)
            if ok:
                setattr(instance, key, wert)
        for key in ("alter_von", "alter_bis"):
            wert, ok = feld(key, cells.parse_int)
            if ok:
                setattr(instance, key, wert if wert is not None else (18 if key == "alter_von" else 27))
        for key in ("plaetze", "freie_plaetze"):
            wert, ok = feld(key, cells.parse_int)
            if ok:
                setattr(instance, key, wert)
        for key in ("beginn", "ende"):
            wert, ok = feld(key, cells.parse_date)
            if ok:
                setattr(instance, key, wert)
        for key in ("laufend", "kinderbetreuung"):
            wert, ok = feld(key, cells.parse_bool)
            if ok:
                setattr(instance, key, wert)
        for key, parser in (
            ("stunden_pro_woche", lambda v: cells.parse_decimal(v, places=1)),
            ("kosten", cells.parse_money),
        ):
            wert, ok = feld(key, parser)
            if ok:
                setattr(instance, key, wert)

        if HEADER["status"] in row:
            try:
                cells.parse_choice(row.get(HEADER["status"]), AngebotStatus.choices, HEADER["status"])
            except ValueError as exc:
                errors[HEADER["status"]] = str(exc)

        person_name = cells.text(row.get(HEADER["ansprechperson"]))
        instance.ansprechperson = None
        if person_name and traeger is not None:
            person = self.personen.get((traeger.pk, cells.fold(person_name)))
            if person is None:
                errors[HEADER["ansprechperson"]] = _(
                    "Die Ansprechperson „%(p)s“ ist beim Träger nicht eingetragen."
                ) % {"p": person_name}
            instance.ansprechperson = person

        zeile.anschluss = [
            k.strip()
            for k in re.split(r"[;,\n]", cells.text(row.get(HEADER["anschlussangebote"])))
            if k.strip()
        ]

        zugaenge = []
        for status in self.status_liste:
            header = zugang_header(status)
            if header not in row:
                continue
            text = cells.text(row.get(header))
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
        zeile.zugaenge = zugaenge
        if errors:
            raise ValidationError(errors)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        """A row that leaves its stored offer as it is, is skipped (and needs no right to change it)."""
        if import_validation_errors:
            return False
        return self.dienst.unveraendert(self.zeile)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """The service's checks of the row on top of the errors of its cells, every message under its German
        column name."""
        errors = {
            key: list(value) if isinstance(value, list) else [value]
            for key, value in (import_validation_errors or {}).items()
        }
        zeile = self.zeile
        try:
            self.dienst.pruefen(zeile, ohne={HEADER_TO_ATTR.get(key, key) for key in errors})
        except ValidationError as exc:
            for key, meldungen in _mit_spalten(exc).message_dict.items():
                errors.setdefault(key, []).extend(meldungen)
        angebot = zeile.angebot
        if (
            zeile.original is None
            and not {"Titel", "Träger"} & errors.keys()
            and self.datei_titel_traeger[(cells.fold(angebot.titel), angebot.traeger_id)] > 1
        ):
            errors["Titel"] = [
                _("Doppeltes Angebot: „%(t)s“ dieses Trägers steht mehrfach in der Datei.")
                % {"t": angebot.titel}
            ]
        if errors:
            raise ValidationError(errors)

    def save_instance(self, instance, is_create, row, **kwargs):
        """Hands the checked row to the service, which writes all rows at the end, and only when none failed."""
        self.dienst.vormerken(self.zeile)

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        if self._dry_run or self.dienst is None or result.has_errors() or result.has_validation_errors():
            return
        self.dienst.schreiben()


def _plz(wert) -> str:
    """A postcode cell; a spreadsheet that stored "04109" as the number 4109 gets its leading zero back."""
    if isinstance(wert, int | float) and not isinstance(wert, bool) and float(wert).is_integer():
        return str(int(wert)).zfill(5)
    return cells.text(wert)


def _mit_spalten(exc: ValidationError) -> ValidationError:
    """A refusal of the service (keyed by model field) keyed by the column of the file instead."""
    if not hasattr(exc, "error_dict"):
        return exc
    return ValidationError(
        {ATTR_TO_HEADER.get(key, key): meldungen for key, meldungen in exc.message_dict.items()}
    )


def vorlage(user) -> Vorlage:
    """The downloadable template: the columns with an example from the user's own Bündnis (a Träger, the user's
    Kommune, a Kategorie), drop-down lists of the coded columns and an explanation of every column."""
    buendnis_id = user.buendnis_id
    kommune = getattr(user, "kommune", None) if is_kommune(user) else None
    if kommune is not None:
        # A Kommune enters offers of its own Kommune (the service refuses others).
        kommunen = [kommune.name]
    else:
        kommunen = [
            *Kommune.objects.filter(buendnis_id=buendnis_id).order_by("name").values_list("name", flat=True)
        ]
        kommunen.append(KREISWEIT)
    akteure_mit_kommune = list(
        Akteur.objects.filter(buendnis_id=buendnis_id).order_by("name").values_list("name", "kommune_id")
    )
    akteure = [name for name, _k in akteure_mit_kommune]
    # The example's Träger is one the user may enter an offer for: a Kommune's own Akteur where there is one.
    eigene = [name for name, k in akteure_mit_kommune if kommune is not None and k == kommune.pk]
    traeger = (eigene or akteure or [""])[0]
    kategorien = [k.bezeichnung for k in Kategorie.objects.aktiv()]
    heute = timezone.localdate()
    beginn = datetime.date(heute.year + 1, 2, 1)
    ja_nein = _("ja oder nein")
    spalten = [
        Spalte(
            HEADER["kennung"],
            _("Pflicht. Eindeutige Kennung im Bündnis (z. B. NE-001); erneuter Import aktualisiert."),
            "NE-001",
            pflicht=True,
            art=vorlagen.TEXT,
        ),
        Spalte(HEADER["titel"], _("Pflicht."), _("Sprachkurs B1 mit Lernbegleitung"), pflicht=True),
        Spalte(
            HEADER["beschreibung"],
            _("Was das Angebot leistet und für wen es gedacht ist."),
            _("Deutschkurs für junge Geflüchtete an vier Vormittagen pro Woche, mit Lernbegleitung."),
        ),
        Spalte(
            HEADER["traeger"],
            _("Pflicht. Name des Akteurs, wie im Bündnis eingetragen."),
            traeger,
            auswahl=akteure,
            pflicht=True,
        ),
        Spalte(
            HEADER["kommunen"],
            _("Pflicht. Eine oder mehrere Kommunen, getrennt durch Semikolon, oder „kreisweit“."),
            kommunen[0] if kommunen else "",
            auswahl=kommunen,
            frei=True,
            pflicht=True,
        ),
        vorlagen.ja_nein_spalte(
            HEADER["online"], _("ja, wenn das Angebot online stattfindet (ganz oder teilweise), sonst nein.")
        ),
        Spalte(HEADER["adresse"], _("Wo das Angebot stattfindet, z. B. Markt 1."), "Markt 1"),
        Spalte(HEADER["plz"], _("Postleitzahl, fünf Ziffern."), "41460", art=vorlagen.TEXT),
        Spalte(HEADER["ort"], _("z. B. Neuss"), kommune.name if kommune is not None else "Neuss"),
        Spalte(HEADER["zeiten"], _("Öffnungs- oder Kurszeiten, z. B. Mo–Do 9–12 Uhr."), "Mo–Do 9–12 Uhr"),
        Spalte(
            HEADER["kontakt_name"],
            _("Person oder Stelle, an die sich Interessierte wenden."),
            "Erika Mustermann",
        ),
        Spalte(HEADER["kontakt_telefon"], _("Telefonnummer, z. B. 02131 123456."), "02131 123456"),
        Spalte(HEADER["kontakt_email"], _("E-Mail-Adresse für Anfragen."), "kontakt@example.org"),
        Spalte(
            HEADER["anmeldung_url"],
            _("Internetadresse, beginnend mit https://"),
            "https://example.org/anmeldung",
        ),
        Spalte(HEADER["anmeldung_hinweis"], _("z. B. Einfach vorbeikommen."), _("Einfach vorbeikommen.")),
        Spalte(
            HEADER["kategorie"],
            _("Pflicht. Eine der Kategorien aus der Liste."),
            kategorien[0] if kategorien else "",
            auswahl=kategorien,
            pflicht=True,
        ),
        Spalte(
            HEADER["foerderbaustein"],
            _("F1 bis F6 oder leer."),
            "F4",
            auswahl=vorlagen.baustein_auswahl(Baustein.values),
        ),
        Spalte(
            HEADER["finanzierung"],
            _("Rechtskreis oder Finanzierung des Angebots."),
            str(Finanzierung.LAND.label),
            auswahl=[str(label) for _v, label in Finanzierung.choices],
        ),
        Spalte(
            HEADER["deutsch_voraussetzung"],
            _("Deutschkenntnisse, die das Angebot voraussetzt (GER-Stufe)."),
            "A2",
            auswahl=[str(label) for _v, label in Sprachniveau.choices],
        ),
        Spalte(
            HEADER["deutsch_ziel"],
            _("Deutschkenntnisse am Ende des Angebots (GER-Stufe)."),
            "B1",
            auswahl=[str(label) for _v, label in Sprachniveau.choices],
        ),
        Spalte(HEADER["alter_von"], _("ganze Zahl; leer = 18"), 18, art=vorlagen.ZAHL),
        Spalte(HEADER["alter_bis"], _("ganze Zahl; leer = 27"), 27, art=vorlagen.ZAHL),
        Spalte(HEADER["plaetze"], _("ganze Zahl"), 12, art=vorlagen.ZAHL),
        Spalte(HEADER["freie_plaetze"], _("ganze Zahl"), 4, art=vorlagen.ZAHL),
        Spalte(HEADER["beginn"], _("Datum TT.MM.JJJJ"), beginn, art=vorlagen.DATUM),
        Spalte(HEADER["ende"], _("Datum TT.MM.JJJJ"), datetime.date(beginn.year, 7, 31), art=vorlagen.DATUM),
        vorlagen.ja_nein_spalte(HEADER["laufend"], ja_nein),
        Spalte(HEADER["stunden_pro_woche"], _("Zahl, höchstens eine Nachkommastelle, z. B. 4 oder 4,5"), 12),
        Spalte(HEADER["kosten"], _("Betrag, z. B. 25,00"), Decimal("25.00"), art=vorlagen.BETRAG),
        vorlagen.ja_nein_spalte(HEADER["kinderbetreuung"], ja_nein),
        Spalte(HEADER["ansprechperson"], _("Name einer Ansprechperson, die beim Träger eingetragen ist.")),
        Spalte(HEADER["anschlussangebote"], _("Kennungen, getrennt durch Semikolon")),
        Spalte(
            HEADER["status"],
            _("Nur zur Information; beim Import wird der Status nicht übernommen (Prüfablauf)."),
            auswahl=[str(label) for _v, label in AngebotStatus.choices],
        ),
        Spalte(
            HEADER["bestaetigt_am"],
            _("Nur zur Information; wird beim Import nicht übernommen."),
            art=vorlagen.DATUM,
        ),
    ]
    zugang_hinweis = _(
        "offen · nicht · eingeschränkt: Bedingung · optional „| Öffnung möglich: Hinweis“; leer = nicht erfasst"
    )
    for nummer, status in enumerate(Aufenthaltsstatus.objects.aktiv()):
        spalten.append(
            Spalte(
                zugang_header(status),
                zugang_hinweis,
                "offen" if nummer == 0 else _("eingeschränkt: mit Beschäftigungserlaubnis"),
                # "eingeschränkt" needs its condition, so the list only suggests; the cell takes any text.
                auswahl=("offen", "nicht"),
                frei=True,
            )
        )
    return Vorlage(
        _("Angebote"),
        spalten,
        hinweis=_(
            "Neue Angebote werden als Entwurf angelegt; eine Zeile mit einer vorhandenen Kennung aktualisiert "
            "das Angebot."
        ),
    )
