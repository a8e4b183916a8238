"""Services of Baustein F6 Teilhabemanagement: a Kommune's participation in "Gemeinsam klappt's", its budget
consolidation (Haushaltssicherung) and the positions (TeilhabeStelle) with their computed funding quota.

Who writes: the coordination of the Bündnis, the Land and superusers record the joining (with the declaration) and
the budget consolidation; a Kommune records its own expression of interest only. Positions exist only in Kommunen
that joined, or at the Kreis's Geschäftsführende Stelle (recorded by the coordination only).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from buendnis.models import Kommune, User
from buendnis.rules import require_perm
from buendnis.uploads import pruefe_dokument

from .models import Haushaltssicherung, KommuneTeilnahme, TeilhabeStelle
from .stellenschluessel import foerderquote


def pruefe_pdf(datei) -> None:
    """The declaration is a PDF within the document size limit (the checks of every document upload)."""
    pruefe_dokument(
        datei, endungen={".pdf"}, falsche_endung=_("Die Beitrittserklärung muss eine PDF-Datei sein.")
    )


@transaction.atomic
def teilnahme_speichern(
    *,
    kommune: Kommune,
    interesse_bekundet_am: datetime.date | None,
    beigetreten_am: datetime.date | None,
    dokument=None,
    bemerkung: str = "",
    by: User,
) -> KommuneTeilnahme:
    """Records a Kommune's expression of interest in and joining of "Gemeinsam klappt's" (the condition of
    Baustein F6). `dokument` is a new declaration (PDF) or None to keep the stored one.

    A Kommune may record its own expression of interest and remark; the joining date and the declaration are
    recorded by the coordination of the Bündnis (or the Land): the joining is what opens Baustein F6."""
    # One row per Kommune: lock the Kommune so two first saves do not both create one.
    Kommune.objects.select_for_update().filter(pk=kommune.pk).first()
    teilnahme = KommuneTeilnahme.objects.filter(kommune=kommune).first()
    teilnahme = teilnahme or KommuneTeilnahme(buendnis_id=kommune.buendnis_id, kommune=kommune)
    require_perm(by, "foerderung.change_kommuneteilnahme", teilnahme)
    if (beigetreten_am != teilnahme.beigetreten_am or dokument is not None) and not by.has_perm(
        "foerderung.beitritt_kommuneteilnahme", teilnahme
    ):
        raise ValidationError(
            _(
                "Den Beitritt zu „Gemeinsam klappt’s“ und die Beitrittserklärung trägt die Geschäftsführende "
                "Stelle des Bündnisses ein."
            )
        )
    if dokument is not None:
        pruefe_pdf(dokument)
        teilnahme.dokument = dokument
    teilnahme.interesse_bekundet_am = interesse_bekundet_am
    teilnahme.beigetreten_am = beigetreten_am
    teilnahme.bemerkung = bemerkung
    teilnahme.full_clean()
    teilnahme.save()
    return teilnahme


def _stichtag(stelle: TeilhabeStelle) -> datetime.date:
    """The day the quota and the joining of a position are judged on: the start of its F6 application, else today
    (the funding is decided for the application's period, never backwards)."""
    return stelle.antrag.beginn if stelle.antrag_id else timezone.localdate()


def _quote_setzen(stelle: TeilhabeStelle) -> None:
    stelle.foerderquote_prozent = foerderquote(
        kommune_id=stelle.kommune_id,
        tag=_stichtag(stelle),
        baustein=stelle.antrag.baustein if stelle.antrag_id else None,
    )


@transaction.atomic
def haushaltssicherung_speichern(
    *,
    kommune: Kommune,
    gueltig_ab: datetime.date,
    gueltig_bis: datetime.date | None = None,
    grundlage: str = "",
    haushaltssicherung: Haushaltssicherung | None = None,
    by: User,
) -> Haushaltssicherung:
    """Records (or corrects) a period of budget consolidation of a Kommune: while it is valid, its
    Teilhabemanagement positions are funded at 90 % instead of 80 %. Periods of one Kommune never overlap.
    The quota of the Kommune's positions is computed anew."""
    # Lock the Kommune: the overlap check of two concurrent saves must see each other.
    Kommune.objects.select_for_update().filter(pk=kommune.pk).first()
    if haushaltssicherung is None:
        haushaltssicherung = Haushaltssicherung(buendnis_id=kommune.buendnis_id, kommune=kommune)
        require_perm(by, "foerderung.add_haushaltssicherung", haushaltssicherung)
    else:
        require_perm(by, "foerderung.change_haushaltssicherung", haushaltssicherung)
        if haushaltssicherung.kommune_id != kommune.pk:
            raise ValidationError(_("Die Haushaltssicherung gehört zu einer anderen Kommune."))
    haushaltssicherung.gueltig_ab = gueltig_ab
    haushaltssicherung.gueltig_bis = gueltig_bis
    haushaltssicherung.grundlage = grundlage
    haushaltssicherung.full_clean()
    haushaltssicherung.save()
    for stelle in (
        TeilhabeStelle.objects.select_for_update(of=("self",))
        .filter(kommune=kommune)
        .select_related("antrag")
    ):
        alt = stelle.foerderquote_prozent
        _quote_setzen(stelle)
        if stelle.foerderquote_prozent != alt:
            stelle.save(update_fields=["foerderquote_prozent", "updated_at"])
    return haushaltssicherung


@transaction.atomic
def teilhabestelle_speichern(*, stelle: TeilhabeStelle, by: User) -> TeilhabeStelle:
    """Saves a Teilhabemanagement position (new or changed, not yet written) with its computed funding quota.

    Refused: a position in a Kommune that has not joined "Gemeinsam klappt's" (by the start of its F6
    application, else today); a position at the Kreis (no Kommune) by anyone but the coordination."""
    if stelle.pk:
        bisher = TeilhabeStelle.objects.select_for_update(of=("self",)).get(pk=stelle.pk)
        require_perm(by, "foerderung.change_teilhabestelle", bisher)
    else:
        require_perm(by, "foerderung.add_teilhabestelle", stelle)
    if stelle.kommune_id is None:
        require_perm(by, "foerderung.kreisstelle_teilhabestelle", stelle)
    else:
        # The position as it will be must be the user's to write too (a Kommune user stays in its Kommune).
        require_perm(by, "foerderung.change_teilhabestelle", stelle)
        tag = _stichtag(stelle)
        teilnahme = KommuneTeilnahme.objects.filter(kommune_id=stelle.kommune_id).first()
        if teilnahme is None or teilnahme.beigetreten_am is None:
            raise ValidationError(
                {
                    "kommune": _(
                        "%(k)s ist „Gemeinsam klappt’s“ nicht beigetreten; Teilhabemanagement (Förderbaustein "
                        "F6) gibt es nur in beigetretenen Kommunen."
                    )
                    % {"k": stelle.kommune}
                }
            )
        if not teilnahme.beigetreten_zum(tag):
            raise ValidationError(
                {
                    "kommune": _(
                        "%(k)s ist „Gemeinsam klappt’s“ erst am %(d)s beigetreten; Teilhabemanagement "
                        "(Förderbaustein F6) gibt es erst ab dem Beitritt."
                    )
                    % {"k": stelle.kommune, "d": teilnahme.beigetreten_am.strftime("%d.%m.%Y")}
                }
            )
    _quote_setzen(stelle)
    stelle.full_clean()
    stelle.save()
    return stelle
