"""Pages of the settlement of approved applications: the deadlines list (Fristen) and what the application page
shows of drawdowns per cost line and of the proof of use with its reconciliation."""

from __future__ import annotations

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import ListView

from buendnis.generic import ScopedMixin

from . import abrechnung, forms, selectors
from .models import AntragStatus, Foerderantrag


class FristenView(ScopedMixin, ListView):
    """The open deadlines of the applications the user may see: proofs of use due (end of the funding period
    + 6 months) and repayment claims confirmed by the review (due 30 days after it), earliest first."""

    model = Foerderantrag
    permission_required = "foerderung.view_foerderantrag"
    template_name = "foerderung/fristen.html"
    paginate_by = 25

    def get_permission_object(self):
        return None

    def get_queryset(self):
        self.heute = timezone.localdate()
        return selectors.fristen(self.request.user, heute=self.heute)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = _("Fristen")
        ctx["heute"] = self.heute
        ctx["rueckforderung_frist_tage"] = abrechnung.RUECKFORDERUNG_FRIST_TAGE
        return ctx


def abrechnung_kontext(antrag: Foerderantrag, ctx: dict) -> dict:
    """The settlement parts of the application page: per cost line what was planned, drawn and what remains;
    the drawdown and proof-of-use forms (only where the user may use them); the statement per line of a proof
    of use with its reconciliation; the deadlines. A fixed number of queries, whatever the number of drawdowns."""
    kostenstand = []
    if antrag.bewilligt_betrag is not None:
        zeilen = antrag.kostenpositionen.select_related("regel").annotate(
            abgerufen_betrag=selectors.summe("mittelabrufe__betrag"),
            abgerufen_einheiten=Sum("mittelabrufe__einheiten"),
        )
        for k in zeilen:
            k.pauschale = abrechnung.ist_pauschale(k)
            k.einheit_text = abrechnung.einheit(k)
            k.foerderung_bewilligt = abrechnung.foerderung(k)
            k.abgerufen_betrag = k.abgerufen_betrag.quantize(abrechnung.CENT)  # SQLite sums carry float noise
            k.rest_betrag = k.foerderung_bewilligt - k.abgerufen_betrag
            k.rest_einheiten = (
                abrechnung.geplante_einheiten(k) - (k.abgerufen_einheiten or 0) if k.pauschale else None
            )
            kostenstand.append(k)
    vn = ctx.get("verwendungsnachweis")
    heute = timezone.localdate()
    return {
        "kostenstand": kostenstand,
        "abruf_form": forms.MittelabrufForm(antrag=antrag) if ctx.get("darf_abrufen") else None,
        "vn_form": forms.VerwendungsnachweisForm(antrag=antrag) if ctx.get("darf_vn") else None,
        "vn_positionen": list(vn.positionen.select_related("kostenposition__regel")) if vn else [],
        "vn_frist": antrag.vn_frist if antrag.status == AntragStatus.BEWILLIGT else None,
        "vn_frist_ueberfaellig": antrag.status == AntragStatus.BEWILLIGT and antrag.vn_frist < heute,
        "rueckforderung_offen": antrag.status == AntragStatus.VN_GEPRUEFT
        and vn is not None
        and vn.rueckforderung > 0,
        "rueckforderung_frist_tage": abrechnung.RUECKFORDERUNG_FRIST_TAGE,
    }
