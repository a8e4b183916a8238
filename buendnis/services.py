"""Writes of the alliance that carry a rule or a side effect. Never sees the request."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from buendnis.models import (
    Akteur,
    Aufgabe,
    AufgabeStatus,
    Beschluss,
    Gremium,
    Sitzung,
    Tagesordnungspunkt,
    User,
    Vereinbarungsdokument,
    Verfahrensvereinbarung,
)
from buendnis.rules import require_perm
from buendnis.uploads import pruefe_dokument


@dataclass
class AufgabeEntwurf:
    titel: str
    akteur: Akteur | None = None
    zustaendig: User | None = None
    faellig_am: datetime.date | None = None


@transaction.atomic
def beschluss_fassen(
    *,
    gremium: Gremium,
    text: str,
    datum: datetime.date,
    by: User,
    sitzung: Sitzung | None = None,
    tagesordnungspunkt: Tagesordnungspunkt | None = None,
    kernaufgabe: str = "",
    aufgaben: list[AufgabeEntwurf] | None = None,
) -> Beschluss:
    """Records a decision and the tasks it creates (owner and deadline), linked to the decision's Gremium."""
    require_perm(by, "buendnis.add_beschluss", gremium)
    beschluss = Beschluss(
        buendnis_id=gremium.buendnis_id,
        gremium=gremium,
        sitzung=sitzung,
        tagesordnungspunkt=tagesordnungspunkt,
        text=text,
        datum=datum,
        kernaufgabe=kernaufgabe,
    )
    beschluss.full_clean()
    beschluss.save()
    for entwurf in aufgaben or []:
        aufgabe = Aufgabe(
            buendnis_id=gremium.buendnis_id,
            titel=entwurf.titel,
            gremium=gremium,
            sitzung=sitzung,
            beschluss=beschluss,
            akteur=entwurf.akteur,
            zustaendig=entwurf.zustaendig,
            faellig_am=entwurf.faellig_am,
        )
        aufgabe.full_clean()
        aufgabe.save()
    return beschluss


ERLAUBTE_STATUSWECHSEL = {
    AufgabeStatus.OFFEN: {AufgabeStatus.IN_ARBEIT, AufgabeStatus.ERLEDIGT},
    AufgabeStatus.IN_ARBEIT: {AufgabeStatus.OFFEN, AufgabeStatus.ERLEDIGT},
    AufgabeStatus.ERLEDIGT: {AufgabeStatus.IN_ARBEIT},
}


@transaction.atomic
def aufgabe_status_setzen(*, aufgabe: Aufgabe, status: str, by: User, notiz: str | None = None) -> Aufgabe:
    """A member reports progress on its own task; the coordination on any task of its Bündnis."""
    require_perm(by, "buendnis.set_status_aufgabe", aufgabe)
    aufgabe = Aufgabe.objects.select_for_update().get(pk=aufgabe.pk)
    if status != aufgabe.status:
        if status not in ERLAUBTE_STATUSWECHSEL.get(aufgabe.status, set()):
            raise ValidationError(
                _("Der Status kann nicht von „%(alt)s“ auf „%(neu)s“ wechseln.")
                % {"alt": aufgabe.get_status_display(), "neu": AufgabeStatus(status).label}
            )
        aufgabe.status = status
        aufgabe.erledigt_am = timezone.localdate() if status == AufgabeStatus.ERLEDIGT else None
    if notiz is not None:
        aufgabe.notiz = notiz
    aufgabe.full_clean()
    aufgabe.save()
    return aufgabe


@transaction.atomic
def tagesordnungspunkt_anfuegen(
    *, sitzung: Sitzung, titel: str, beschreibung: str = "", by: User
) -> Tagesordnungspunkt:
    """Appends an agenda item at the next free position."""
    require_perm(by, "buendnis.change_sitzung", sitzung)
    Sitzung.objects.select_for_update().filter(pk=sitzung.pk).first()
    position = (sitzung.tagesordnungspunkte.aggregate(m=Max("position"))["m"] or 0) + 1
    top = Tagesordnungspunkt(sitzung=sitzung, position=position, titel=titel, beschreibung=beschreibung)
    top.full_clean()
    top.save()
    return top


ERLAUBTE_DOKUMENTENDUNGEN = {".pdf", ".docx", ".odt", ".doc", ".txt"}


@transaction.atomic
def dokument_hochladen(
    *, vereinbarung: Verfahrensvereinbarung, datei, by: User, kommentar: str = ""
) -> Vereinbarungsdokument:
    """Stores a new version of an agreement's document; earlier versions stay downloadable."""
    require_perm(by, "buendnis.change_verfahrensvereinbarung", vereinbarung)
    pruefe_dokument(
        datei,
        endungen=ERLAUBTE_DOKUMENTENDUNGEN,
        falsche_endung=_("Erlaubt sind nur PDF-, Word-, OpenDocument- und Textdateien."),
    )
    Verfahrensvereinbarung.objects.select_for_update().filter(pk=vereinbarung.pk).first()
    version = (vereinbarung.dokumente.aggregate(m=Max("version"))["m"] or 0) + 1
    dokument = Vereinbarungsdokument(
        vereinbarung=vereinbarung, version=version, datei=datei, kommentar=kommentar, hochgeladen_von=by
    )
    dokument.full_clean()
    dokument.save()
    return dokument
