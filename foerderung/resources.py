"""Import/export of the funding app (django-import-export): indicator values of a distribution, applications and
drawdowns, with German headers. Cells are read by `buendnis.cells`; imports run through the services, so every
rule of the pages applies per row; the shared flow (`buendnis.views_import`) writes nothing when any row fails.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources

from buendnis import cells
from buendnis.choices import Baustein
from buendnis.io import SafeExportMixin
from buendnis.models import Akteur, Buendnis, Kommune
from buendnis.rules import KEIN_RECHT, is_kommune
from buendnis.uploads import pruefe_spalten
from buendnis.vorlagen import BETRAG, DATUM, TEXT, ZAHL, BeispielzeileMixin, Spalte, Vorlage, baustein_auswahl

from . import services
from .abrechnung import ist_pauschale
from .models import (
    AntragStatus,
    Foerderantrag,
    Foerderbaustein,
    Kostenkategorie,
    Mittelabruf,
    Verteilung,
    Verteilungsanteil,
)
from .models.regel import Kostenart


class SpaltenMixin:
    """Columns declared once as (key, German header); rows are parsed by hand with errors per column."""

    SPALTEN: list[tuple[str, str]] = []
    PFLICHT: list[str] = []
    recht = ""

    def __init__(self, user=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user
        for key, header in self.SPALTEN:
            self.fields[key] = fields.Field(
                column_name=header, attribute=None, dehydrate_method=getattr(self, f"dehydrate_{key}", None)
            )

    def get_export_order(self):
        return tuple(self.fields)

    def get_import_id_fields(self):
        return []

    def _user_of(self, kwargs):
        user = kwargs.get("user") or self.user
        if user is None and kwargs.get("request") is not None:
            user = kwargs["request"].user
        return user

    def before_import(self, dataset, **kwargs):
        self.user = user = self._user_of(kwargs)
        if user is None or not user.is_authenticated or not self.darf_importieren(user):
            raise ValidationError(KEIN_RECHT)
        pruefe_spalten(dataset, self.PFLICHT)
        bekannt = {h for _k, h in self.SPALTEN}
        unbekannt = [h for h in dataset.headers or [] if h and h not in bekannt]
        if unbekannt:
            raise ValidationError(
                _("Unbekannte Spalten: %(spalten)s. Bitte verwenden Sie die Vorlage.")
                % {"spalten": ", ".join(unbekannt)}
            )

    def darf_importieren(self, user) -> bool:
        return user.has_perm(self.recht)

    @staticmethod
    def _lies(row, header, parser, errors, pflicht=False):
        try:
            wert = parser(row.get(header)) if header in row else None
        except ValueError as exc:
            errors[header] = str(exc)
            return None
        if pflicht and wert in (None, ""):
            errors[header] = _("Pflichtangabe fehlt.")
        return wert

    # Model field -> column header, so a refusal from the service names the column of the file.
    FELD_SPALTE: dict[str, str] = {}

    def _mit_spalten(self, exc: ValidationError) -> ValidationError:
        if not hasattr(exc, "error_dict"):
            return exc
        fehler: dict[str, list] = {}
        for feld, meldungen in exc.error_dict.items():
            fehler.setdefault(self.FELD_SPALTE.get(feld, feld), []).extend(meldungen)
        return ValidationError(fehler)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        # Model validation runs in the service that saves the row.
        if import_validation_errors:
            raise ValidationError(import_validation_errors)


# Indicator values of a distribution ------------------------------------------------------------------------------


class IndikatorResource(SpaltenMixin, SafeExportMixin, resources.ModelResource):
    """Indicator value (and optional base amount) per Bündnis, keyed by Kreisschlüssel; export adds the result."""

    SPALTEN = [
        ("kreisschluessel", "Kreisschlüssel"),
        ("buendnis", "Bündnis"),
        ("indikatorwert", "Indikatorwert"),
        ("sockel", "Sockelbetrag (EUR)"),
        ("betrag", "Anteil (EUR)"),
    ]
    PFLICHT = ["Kreisschlüssel", "Indikatorwert"]
    FELD_SPALTE = {
        "indikatorwert": "Indikatorwert",
        "sockel": "Sockelbetrag (EUR)",
        "betrag": "Sockelbetrag (EUR)",
    }

    class Meta:
        model = Verteilungsanteil
        fields = ()
        import_id_fields = ()
        skip_diff = True
        use_transactions = True

    def __init__(self, verteilung: Verteilung | None = None, **kwargs):
        super().__init__(**kwargs)
        self.verteilung = verteilung

    def get_queryset(self):
        if self.verteilung is None:
            return Verteilungsanteil.objects.none()
        return self.verteilung.anteile.select_related("buendnis").order_by("buendnis__kreisschluessel")

    def dehydrate_kreisschluessel(self, a):
        return a.buendnis.kreisschluessel

    def dehydrate_buendnis(self, a):
        return a.buendnis.name

    def dehydrate_indikatorwert(self, a):
        return (
            a.indikatorwert.normalize()
            if a.indikatorwert == a.indikatorwert.to_integral()
            else a.indikatorwert
        )

    def dehydrate_sockel(self, a):
        return a.sockel

    def dehydrate_betrag(self, a):
        return a.betrag

    def darf_importieren(self, user) -> bool:
        return self.verteilung is not None and user.has_perm("foerderung.change_verteilung", self.verteilung)

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self.buendnisse = {b.kreisschluessel: b for b in Buendnis.objects.all()}
        self.gesehen: dict[str, int] = {}

    def get_or_init_instance(self, instance_loader, row):
        schluessel = cells.text(row.get("Kreisschlüssel")).zfill(5)
        buendnis = self.buendnisse.get(schluessel)
        if buendnis is None:
            raise ValidationError(
                {"Kreisschlüssel": _("Kein Bündnis mit dem Kreisschlüssel „%(k)s“.") % {"k": schluessel}}
            )
        if schluessel in self.gesehen:
            raise ValidationError(
                {
                    "Kreisschlüssel": _("Der Kreisschlüssel „%(k)s“ steht mehrfach in der Datei.")
                    % {"k": schluessel}
                }
            )
        self.gesehen[schluessel] = 1
        vorhanden = Verteilungsanteil.objects.filter(verteilung=self.verteilung, buendnis=buendnis).first()
        return (
            vorhanden or Verteilungsanteil(verteilung=self.verteilung, buendnis=buendnis)
        ), vorhanden is None

    def import_instance(self, instance, row, **kwargs):
        errors: dict[str, str] = {}
        instance._indikator = self._lies(
            row, "Indikatorwert", lambda v: cells.parse_decimal(v, places=6), errors, True
        )
        instance._sockel = self._lies(row, "Sockelbetrag (EUR)", cells.parse_money, errors)
        if errors:
            raise ValidationError(errors)

    def save_instance(self, instance, is_create, row, **kwargs):
        try:
            services.verteilung_indikator_setzen(
                verteilung=self.verteilung,
                buendnis=instance.buendnis,
                indikatorwert=instance._indikator,
                sockel=instance._sockel,
                by=self.user,
            )
        except ValidationError as exc:
            raise self._mit_spalten(exc) from None


# Applications ---------------------------------------------------------------------------------------------------

KOSTEN_SPALTEN = [
    (Kostenkategorie.PERSONAL, "Personalkosten (EUR)"),
    (Kostenkategorie.SACH, "Sachkosten (EUR)"),
    (Kostenkategorie.HONORAR, "Honorare (EUR)"),
    (Kostenkategorie.VERWALTUNG, "Verwaltungskosten (EUR)"),
    (Kostenkategorie.SONSTIGE, "sonstige Kosten (EUR)"),
]


class FoerderantragResource(BeispielzeileMixin, SpaltenMixin, SafeExportMixin, resources.ModelResource):
    """Applications with their cost plan summed per category. Import creates drafts (empty ID) or updates
    drafts the user may edit (ID given); the cost plan of an updated draft is replaced by the file's sums, each
    an actual-cost line computed by the Baustein's rule (quota, own share) like on the page. The exported
    "Eigenanteil" and "beantragt" columns are results and are not read back. The template's example row is
    skipped (`buendnis.vorlagen`)."""

    SPALTEN = [
        ("id", "ID"),
        ("buendnis", "Bündnis"),
        ("baustein", "Förderbaustein"),
        ("titel", "Titel"),
        ("kommune", "Kommune"),
        ("antragsteller", "Antragsteller (Akteur)"),
        ("beginn", "Beginn"),
        ("ende", "Ende"),
        ("haushaltsjahr", "Haushaltsjahr"),
        *[(f"kosten_{k}", h) for k, h in KOSTEN_SPALTEN],
        ("eigenanteil", "Eigenanteil (EUR)"),
        ("drittmittel", "Drittmittel (EUR)"),
        ("teilnehmende", "geplante Teilnehmende"),
        ("beantragt", "beantragt (EUR)"),
        ("status", "Status"),
        ("bewilligt", "bewilligt (EUR)"),
        ("bescheid", "Bescheidnummer"),
        ("abgerufen", "abgerufen (EUR)"),
    ]
    PFLICHT = ["ID", "Förderbaustein", "Titel", "Beginn", "Ende", "Haushaltsjahr"]
    FELD_SPALTE = {
        "baustein": "Förderbaustein",
        "titel": "Titel",
        "kommune": "Kommune",
        "antragsteller_akteur": "Antragsteller (Akteur)",
        "beginn": "Beginn",
        "ende": "Ende",
        "haushaltsjahr": "Haushaltsjahr",
        "eigenanteil": "Eigenanteil (EUR)",
        "drittmittel": "Drittmittel (EUR)",
        "teilnehmende_geplant": "geplante Teilnehmende",
        # Errors of a cost line (one per category column).
        "betrag": "Kosten (EUR)",
        "bezeichnung": "Kosten (EUR)",
    }
    recht = "foerderung.add_foerderantrag"

    class Meta:
        model = Foerderantrag
        fields = ()
        import_id_fields = ()
        skip_diff = True
        use_transactions = True

    def get_queryset(self):
        if self.user is None:
            return Foerderantrag.objects.none()
        return Foerderantrag.objects.visible_to(self.user).for_export()

    def dehydrate_id(self, a):
        return a.pk

    def dehydrate_buendnis(self, a):
        return a.buendnis.name

    def dehydrate_baustein(self, a):
        return cells.baustein_kurz(a.baustein.nummer)

    def dehydrate_titel(self, a):
        return a.titel

    def dehydrate_kommune(self, a):
        return a.kommune.name if a.kommune_id else ""

    def dehydrate_antragsteller(self, a):
        return a.antragsteller_akteur.name if a.antragsteller_akteur_id else ""

    def dehydrate_beginn(self, a):
        return a.beginn

    def dehydrate_ende(self, a):
        return a.ende

    def dehydrate_haushaltsjahr(self, a):
        return a.haushaltsjahr

    def dehydrate_eigenanteil(self, a):
        return a.eigenanteil

    def dehydrate_drittmittel(self, a):
        return a.drittmittel

    def dehydrate_teilnehmende(self, a):
        return a.teilnehmende_geplant

    def dehydrate_beantragt(self, a):
        return a.beantragt

    def dehydrate_status(self, a):
        return a.get_status_display()

    def dehydrate_bewilligt(self, a):
        return a.bewilligt_betrag

    def dehydrate_bescheid(self, a):
        return a.bescheid_nummer

    def dehydrate_abgerufen(self, a):
        return a.summe_abgerufen

    def __init__(self, user=None, **kwargs):
        super().__init__(user=user, **kwargs)
        for kategorie, _header in KOSTEN_SPALTEN:
            self.fields[f"kosten_{kategorie}"].dehydrate_method = self._kosten_dehydrator(kategorie)

    @staticmethod
    def _kosten_dehydrator(kategorie):
        def dehydrate(antrag):
            return sum(
                (k.betrag for k in antrag.kostenpositionen.all() if k.kategorie == kategorie), Decimal("0.00")
            )

        return dehydrate

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        user = self.user
        if not user.buendnis_id:
            raise ValidationError(_("Importieren kann nur, wer einem Bündnis zugeordnet ist."))
        self.bausteine = {}
        for b in Foerderbaustein.objects.all():
            self.bausteine[b.nummer] = b
        self.kommunen = {k.name.casefold(): k for k in Kommune.objects.filter(buendnis_id=user.buendnis_id)}
        self.akteure = {a.name.casefold(): a for a in Akteur.objects.filter(buendnis_id=user.buendnis_id)}

    def get_or_init_instance(self, instance_loader, row):
        kennung = cells.text(row.get("ID"))
        if not kennung:
            return Foerderantrag(buendnis_id=self.user.buendnis_id), True
        try:
            pk = cells.parse_int(kennung)
        except ValueError:
            raise ValidationError({"ID": _("„%(id)s“ ist keine gültige ID.") % {"id": kennung}}) from None
        antrag = Foerderantrag.objects.visible_to(self.user).filter(pk=pk).first()
        if antrag is None:
            raise ValidationError(
                {"ID": _("Einen Antrag mit der ID %(id)s gibt es in Ihrem Bündnis nicht.") % {"id": pk}}
            )
        if antrag.status != AntragStatus.ENTWURF or not self.user.has_perm(
            "foerderung.change_foerderantrag", antrag
        ):
            raise ValidationError(
                {
                    "ID": _("Der Antrag %(id)s („%(s)s“) kann von Ihnen per Import nicht geändert werden.")
                    % {"id": pk, "s": antrag.get_status_display()}
                }
            )
        return antrag, False

    def import_instance(self, instance, row, **kwargs):
        errors: dict[str, str] = {}
        # F1–F6 as the programme writes them; I–VI, the number and the module's name are read too.
        try:
            code = cells.parse_baustein(row.get("Förderbaustein"), Baustein.choices)
        except ValueError as exc:
            errors["Förderbaustein"] = str(exc)
        else:
            baustein = self.bausteine.get(code)
            if baustein is None:
                errors["Förderbaustein"] = (
                    _("Der Förderbaustein „%(w)s“ ist nicht eingerichtet.") % {"w": cells.baustein_kurz(code)}
                    if code
                    else _("Der Förderbaustein fehlt (F1 bis F6).")
                )
            else:
                instance.baustein = baustein
        instance.titel = cells.text(row.get("Titel"))
        if not instance.titel:
            errors["Titel"] = _("Pflichtangabe fehlt.")
        kommune_text = cells.text(row.get("Kommune"))
        instance.kommune = None
        if not kommune_text and is_kommune(self.user):
            # A Kommune applies for itself; an empty cell means its own Kommune.
            kommune_text = self.user.kommune.name
        if (
            kommune_text
            and is_kommune(self.user)
            and kommune_text.casefold() != self.user.kommune.name.casefold()
        ):
            errors["Kommune"] = _("Sie können nur Anträge Ihrer eigenen Kommune importieren.")
        elif kommune_text:
            instance.kommune = self.kommunen.get(kommune_text.casefold())
            if instance.kommune is None:
                errors["Kommune"] = _("Die Kommune „%(k)s“ gehört nicht zu Ihrem Bündnis.") % {
                    "k": kommune_text
                }
        akteur_text = cells.text(row.get("Antragsteller (Akteur)"))
        instance.antragsteller_akteur = None
        if akteur_text:
            instance.antragsteller_akteur = self.akteure.get(akteur_text.casefold())
            if instance.antragsteller_akteur is None:
                errors["Antragsteller (Akteur)"] = _("Den Akteur „%(a)s“ gibt es in Ihrem Bündnis nicht.") % {
                    "a": akteur_text
                }
        instance.beginn = self._lies(row, "Beginn", cells.parse_date, errors, True)
        instance.ende = self._lies(row, "Ende", cells.parse_date, errors, True)
        instance.haushaltsjahr = self._lies(row, "Haushaltsjahr", cells.parse_int, errors, True)
        # The own share is computed from the cost plan by the rules; an "Eigenanteil" column (as exported) is
        # not read, so it cannot lower the own share.
        instance.drittmittel = self._lies(row, "Drittmittel (EUR)", cells.parse_money, errors) or Decimal(
            "0.00"
        )
        instance.teilnehmende_geplant = self._lies(row, "geplante Teilnehmende", cells.parse_int, errors) or 0
        instance._kostenplan = []
        for kategorie, header in KOSTEN_SPALTEN:
            betrag = self._lies(row, header, cells.parse_money, errors)
            if betrag:
                instance._kostenplan.append(
                    services.KostenpositionDaten(
                        kategorie,
                        str(Kostenkategorie(kategorie).label),
                        betrag,
                        kostenart=Kostenart.TATSAECHLICH,
                    )
                )
        if errors:
            raise ValidationError(errors)

    def save_instance(self, instance, is_create, row, **kwargs):
        try:
            services.antrag_speichern(antrag=instance, by=self.user, kostenplan=instance._kostenplan)
        except ValidationError as exc:
            raise self._mit_spalten(exc) from None


# Drawdowns ------------------------------------------------------------------------------------------------------


class MittelabrufResource(BeispielzeileMixin, SpaltenMixin, SafeExportMixin, resources.ModelResource):
    """Drawdowns. Import only adds new drawdowns (each checked against what remains approved, in file order).

    A row names the cost line (Kostenposition-ID): for a flat rate the proven units, a number (the amount is
    computed and may be left empty), for actual costs the amount. The template's example row is skipped."""

    SPALTEN = [
        ("antrag_id", "Antrag-ID"),
        ("antrag", "Antrag"),
        ("kommune", "Kommune"),
        ("baustein", "Förderbaustein"),
        ("kostenposition_id", "Kostenposition-ID"),
        ("kostenposition", "Kostenposition"),
        ("datum", "Abrufdatum"),
        ("betrag", "Betrag (EUR)"),
        ("einheiten", "nachgewiesene Einheiten"),
        ("bemerkung", "Bemerkung"),
    ]
    PFLICHT = ["Antrag-ID", "Abrufdatum"]
    FELD_SPALTE = {
        "kostenposition": "Kostenposition-ID",
        "betrag": "Betrag (EUR)",
        "datum": "Abrufdatum",
        "einheiten": "nachgewiesene Einheiten",
        "bemerkung": "Bemerkung",
    }
    recht = "foerderung.import_export"

    class Meta:
        model = Mittelabruf
        fields = ()
        import_id_fields = ()
        skip_diff = True
        use_transactions = True

    def get_queryset(self):
        if self.user is None:
            return Mittelabruf.objects.none()
        return (
            Mittelabruf.objects.visible_to(self.user)
            .for_list()
            .select_related("kostenposition")
            .order_by("antrag_id", "datum", "pk")
        )

    def dehydrate_antrag_id(self, m):
        return m.antrag_id

    def dehydrate_antrag(self, m):
        return m.antrag.titel

    def dehydrate_kommune(self, m):
        return m.antrag.kommune.name if m.antrag.kommune_id else ""

    def dehydrate_baustein(self, m):
        return cells.baustein_kurz(m.antrag.baustein.nummer)

    def dehydrate_kostenposition_id(self, m):
        return m.kostenposition_id

    def dehydrate_kostenposition(self, m):
        return m.kostenposition.bezeichnung if m.kostenposition_id else ""

    def dehydrate_datum(self, m):
        return m.datum

    def dehydrate_betrag(self, m):
        return m.betrag

    def dehydrate_einheiten(self, m):
        return m.einheiten

    def dehydrate_bemerkung(self, m):
        return m.bemerkung

    def get_or_init_instance(self, instance_loader, row):
        errors: dict[str, str] = {}
        pk = self._lies(row, "Antrag-ID", cells.parse_int, errors, True)
        if errors:
            raise ValidationError(errors)
        antrag = Foerderantrag.objects.visible_to(self.user).filter(pk=pk).first()
        if antrag is None:
            raise ValidationError(
                {
                    "Antrag-ID": _("Einen Antrag mit der ID %(id)s gibt es in Ihrem Bündnis nicht.")
                    % {"id": pk}
                }
            )
        return Mittelabruf(antrag=antrag), True

    def import_instance(self, instance, row, **kwargs):
        errors: dict[str, str] = {}
        instance.datum = self._lies(row, "Abrufdatum", cells.parse_date, errors, True)
        instance.betrag = self._lies(row, "Betrag (EUR)", cells.parse_money, errors)
        instance.einheiten = self._lies(
            row, "nachgewiesene Einheiten", lambda v: cells.parse_decimal(v, places=2), errors
        )
        instance.bemerkung = cells.text(row.get("Bemerkung"))[:300]
        position_id = self._lies(row, "Kostenposition-ID", cells.parse_int, errors)
        if position_id is not None:
            # The line is looked up inside the application only; the service checks it again under the lock.
            instance.kostenposition = instance.antrag.kostenpositionen.filter(pk=position_id).first()
            if instance.kostenposition is None:
                errors["Kostenposition-ID"] = _(
                    "Der Antrag %(a)s hat keine Kostenposition mit der ID %(id)s."
                ) % {"a": instance.antrag_id, "id": position_id}
        if errors:
            raise ValidationError(errors)

    def save_instance(self, instance, is_create, row, **kwargs):
        try:
            services.mittelabruf_erfassen(
                antrag=instance.antrag,
                kostenposition=instance.kostenposition,
                betrag=instance.betrag,
                datum=instance.datum,
                einheiten=instance.einheiten,
                bemerkung=instance.bemerkung,
                by=self.user,
            )
        except ValidationError as exc:
            raise self._mit_spalten(exc) from None


# Templates -------------------------------------------------------------------------------------------------------

NUR_INFORMATION = gettext_lazy("Nur zur Information; wird beim Import nicht gelesen.")


def _kommunen_und_akteure(user) -> tuple[list[str], list[str]]:
    """Names a user may enter: the own Kommune for a Kommune, else every Kommune of the Bündnis; the Akteure."""
    if is_kommune(user) and user.kommune_id:
        kommunen = [user.kommune.name]
    else:
        kommunen = list(
            Kommune.objects.filter(buendnis_id=user.buendnis_id)
            .order_by("name")
            .values_list("name", flat=True)
        )
    akteure = list(
        Akteur.objects.filter(buendnis_id=user.buendnis_id).order_by("name").values_list("name", flat=True)
    )
    return kommunen, akteure


def _beispielzeitraum(programm) -> tuple[datetime.date, datetime.date]:
    """A funding period for the example: from the first of next month to the end of that year, inside the
    programme's running time (an application outside it is refused)."""
    heute = timezone.localdate()
    beginn = (heute.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    if programm is not None:
        beginn = min(max(beginn, programm.laufzeit_beginn), programm.laufzeit_ende)
    ende = datetime.date(beginn.year, 12, 31)
    if programm is not None:
        ende = min(ende, programm.laufzeit_ende)
    return beginn, ende


def antrag_vorlage(user) -> Vorlage:
    """The template of the application import, its example from the user's Bündnis (Kommune, Akteur, an
    established Förderbaustein)."""
    kommunen, akteure = _kommunen_und_akteure(user)
    eingerichtet = {b.nummer: b for b in Foerderbaustein.objects.select_related("programm").order_by("pk")}
    codes = [c for c in Baustein.values if c in eingerichtet]
    bausteine = baustein_auswahl(codes)
    beispiel_code = Baustein.F1 if Baustein.F1 in eingerichtet else (codes[0] if codes else "")
    beginn, ende = _beispielzeitraum(eingerichtet[beispiel_code].programm if beispiel_code else None)
    jahr = beginn.year
    kopf = dict(FoerderantragResource.SPALTEN)
    kosten = {
        Kostenkategorie.PERSONAL: Decimal("1250.00"),
        Kostenkategorie.SACH: Decimal("250.00"),
    }
    spalten = [
        Spalte(
            kopf["id"],
            _("Leer für einen neuen Antrag (Entwurf); die ID eines Ihrer Entwürfe, um ihn zu ändern."),
            art=TEXT,
            pflicht=True,
        ),
        Spalte(kopf["buendnis"], NUR_INFORMATION, user.buendnis.name if user.buendnis_id else ""),
        Spalte(
            kopf["baustein"],
            _("Pflicht. F1 bis F6 (nur eingerichtete Förderbausteine)."),
            cells.baustein_kurz(beispiel_code),
            auswahl=bausteine,
            pflicht=True,
        ),
        Spalte(kopf["titel"], _("Pflicht."), _("Coaching für junge Geflüchtete %(jahr)s") % {"jahr": jahr}),
        Spalte(
            kopf["kommune"],
            _("Kommune des Antrags; leer bei einer Kommune: die eigene."),
            kommunen[0] if kommunen else "",
            auswahl=kommunen,
        ),
        Spalte(
            kopf["antragsteller"],
            _("Akteur, der den Antrag stellt, wie im Bündnis eingetragen; optional."),
            akteure[0] if akteure else "",
            auswahl=akteure,
        ),
        Spalte(
            kopf["beginn"],
            _("Pflicht. Datum TT.MM.JJJJ"),
            beginn,
            art=DATUM,
            pflicht=True,
        ),
        Spalte(
            kopf["ende"],
            _("Pflicht. Datum TT.MM.JJJJ"),
            ende,
            art=DATUM,
            pflicht=True,
        ),
        Spalte(
            kopf["haushaltsjahr"],
            _("Pflicht. Jahr, z. B. %(jahr)s") % {"jahr": jahr},
            jahr,
            art=ZAHL,
            pflicht=True,
        ),
        *[
            Spalte(
                kopf,
                _("Summe dieser Kostenart in Euro, z. B. 1.250,00; leer = keine."),
                kosten.get(kategorie, ""),
                art=BETRAG,
            )
            for kategorie, kopf in KOSTEN_SPALTEN
        ],
        Spalte(
            kopf["eigenanteil"],
            _(
                "Wird aus dem Kostenplan nach den Regeln des Förderbausteins berechnet; beim Import nicht gelesen."
            ),
            art=BETRAG,
        ),
        Spalte(kopf["drittmittel"], _("Betrag in Euro; leer = 0,00."), Decimal("0.00"), art=BETRAG),
        Spalte(kopf["teilnehmende"], _("ganze Zahl"), 12, art=ZAHL),
        *[
            Spalte(kopf[key], NUR_INFORMATION, art=BETRAG if key != "status" else "")
            for key in ("beantragt", "status", "bewilligt")
        ],
        Spalte(kopf["bescheid"], NUR_INFORMATION),
        Spalte(kopf["abgerufen"], NUR_INFORMATION, art=BETRAG),
    ]
    return Vorlage(
        _("Förderanträge"),
        spalten,
        hinweis=_(
            "Zeilen ohne ID werden als Entwurf angelegt, Zeilen mit ID aktualisieren Ihren Entwurf (der "
            "Kostenplan wird durch die Summen je Kategorie ersetzt)."
        ),
    )


def mittelabruf_vorlage(user) -> Vorlage:
    """The template of the drawdown import; the drop-down of the first column lists the approved applications
    the user sees, the example names one of them and a cost line of it."""
    bewilligt = list(
        Foerderantrag.objects.visible_to(user)
        .filter(status=AntragStatus.BEWILLIGT)
        .select_related("kommune", "baustein")
        .order_by("pk")
    )
    antrag = bewilligt[0] if bewilligt else None
    position = antrag.kostenpositionen.order_by("pk").first() if antrag is not None else None
    # A flat-rate line is drawn by proven units (the amount is computed), any other line by its amount.
    pauschale = position is not None and ist_pauschale(position)
    kopf = dict(MittelabrufResource.SPALTEN)
    spalten = [
        Spalte(
            kopf["antrag_id"],
            _("Pflicht. ID eines bewilligten Antrags (Liste der Förderanträge)."),
            antrag.pk if antrag else "",
            auswahl=[a.pk for a in bewilligt],
            pflicht=True,
            art=ZAHL,
        ),
        Spalte(kopf["antrag"], NUR_INFORMATION, antrag.titel if antrag else ""),
        Spalte(kopf["kommune"], NUR_INFORMATION, antrag.kommune.name if antrag and antrag.kommune_id else ""),
        Spalte(
            kopf["baustein"],
            NUR_INFORMATION,
            cells.baustein_kurz(antrag.baustein.nummer) if antrag else "",
        ),
        Spalte(
            kopf["kostenposition_id"],
            _(
                "ID der Kostenposition des Antrags; bei einer Pauschale Pflicht (mit den nachgewiesenen Einheiten)."
            ),
            position.pk if position else "",
            art=ZAHL,
        ),
        Spalte(kopf["kostenposition"], NUR_INFORMATION, position.bezeichnung if position else ""),
        Spalte(kopf["datum"], _("Pflicht. Datum TT.MM.JJJJ"), timezone.localdate(), art=DATUM, pflicht=True),
        Spalte(
            kopf["betrag"],
            _("Betrag in Euro, z. B. 1.250,00; bei einer Pauschale leer lassen (wird berechnet)."),
            "" if pauschale else Decimal("1250.00"),
            art=BETRAG,
        ),
        Spalte(
            kopf["einheiten"],
            _("Bei einer Pauschale: nachgewiesene Einheiten, z. B. 40 oder 12,5."),
            40 if pauschale else "",
            art=ZAHL,
        ),
        Spalte(kopf["bemerkung"], _("Freitext, höchstens 300 Zeichen."), _("Abruf 1. Quartal")),
    ]
    return Vorlage(
        _("Mittelabrufe"),
        spalten,
        hinweis=_(
            "Jede Zeile ist ein neuer Mittelabruf für einen bewilligten Antrag. Kein Abruf darf die noch "
            "verfügbaren bewilligten Mittel übersteigen; bei einem Fehler wird nichts gespeichert."
        ),
    )
