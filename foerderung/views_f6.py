"""Pages of Baustein F6 Teilhabemanagement: participation of the Kommunen in "Gemeinsam klappt's" with their budget
consolidation, and the F6 staffing key. Thin views; every write goes through `foerderung.teilnahme`."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, ListView, TemplateView

from buendnis.generic import ActionView, ScopedMixin, fehler_ins_formular
from buendnis.models import Kommune
from buendnis.rules import is_kommune

from .forms_f6 import HaushaltssicherungForm, TeilnahmeForm
from .models import Haushaltssicherung, KommuneTeilnahme
from .stellenschluessel import stellenschluessel
from .teilnahme import haushaltssicherung_speichern, teilnahme_speichern

SEITENGROESSE = 25


def _teilnahme_von(kommune: Kommune) -> KommuneTeilnahme:
    """The Kommune's participation row, or an unsaved one (the permission object before the first save)."""
    try:
        return kommune.teilnahme
    except KommuneTeilnahme.DoesNotExist:
        return KommuneTeilnahme(buendnis_id=kommune.buendnis_id, kommune=kommune)


class TeilnahmeListView(ScopedMixin, ListView):
    """Per Kommune: expression of interest, joining of "Gemeinsam klappt's" and budget consolidation. The
    coordination, auswertung and the Land see every Kommune they may see; a Kommune user its own row."""

    model = Kommune
    permission_required = "foerderung.view_kommuneteilnahme"
    template_name = "foerderung/teilnahme_list.html"
    paginate_by = SEITENGROESSE

    def get_permission_object(self):
        return None

    def get_queryset(self):
        qs = Kommune.objects.visible_to(self.request.user)
        if is_kommune(self.request.user):
            qs = qs.filter(pk=self.request.user.kommune_id)
        return (
            qs.select_related("buendnis", "teilnahme")
            .prefetch_related(
                Prefetch("haushaltssicherungen", queryset=Haushaltssicherung.objects.order_by("gueltig_ab"))
            )
            .order_by("buendnis__name", "name", "pk")
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        heute = timezone.localdate()
        for kommune in ctx["object_list"]:
            kommune.f6_teilnahme = _teilnahme_von(kommune)
            kommune.haushaltssicherung_heute = next(
                (
                    h
                    for h in kommune.haushaltssicherungen.all()
                    if h.gueltig_ab <= heute and (h.gueltig_bis is None or heute <= h.gueltig_bis)
                ),
                None,
            )
        ctx["heute"] = heute
        ctx["mehrere_buendnisse"] = self.request.user.sieht_alle_buendnisse
        return ctx


class KommuneMixin:
    """Fetches the Kommune of the URL among the rows the user may see (404 otherwise), once."""

    def get_kommune(self) -> Kommune:
        if not hasattr(self, "_kommune"):
            self._kommune = get_object_or_404(
                Kommune.objects.visible_to(self.request.user).select_related("buendnis", "teilnahme"),
                pk=self.kwargs["pk"],
            )
        return self._kommune


class TeilnahmeView(KommuneMixin, ScopedMixin, FormView):
    """One Kommune's participation: read by who may see it, recorded by the coordination (a Kommune records its
    own expression of interest), with the periods of budget consolidation below."""

    template_name = "foerderung/teilnahme_form.html"
    form_class = TeilnahmeForm

    def get_permission_object(self):
        return _teilnahme_von(self.get_kommune())

    def has_permission(self) -> bool:
        perm = "foerderung.view_kommuneteilnahme"
        if self.request.method == "POST":
            perm = "foerderung.change_kommuneteilnahme"
        return self.request.user.has_perm(perm, self.get_permission_object())

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        teilnahme = self.get_permission_object()
        kwargs["darf_beitritt"] = self.request.user.has_perm(
            "foerderung.beitritt_kommuneteilnahme", teilnahme
        )
        kwargs["initial"] = {
            "interesse_bekundet_am": teilnahme.interesse_bekundet_am,
            "beigetreten_am": teilnahme.beigetreten_am,
            "bemerkung": teilnahme.bemerkung,
        }
        return kwargs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        kommune = self.get_kommune()
        teilnahme = self.get_permission_object()
        ctx["kommune"] = kommune
        ctx["teilnahme"] = teilnahme
        ctx["darf_bearbeiten"] = user.has_perm("foerderung.change_kommuneteilnahme", teilnahme)
        ctx["haushaltssicherungen"] = list(kommune.haushaltssicherungen.order_by("gueltig_ab"))
        neue = Haushaltssicherung(buendnis_id=kommune.buendnis_id, kommune=kommune)
        ctx["darf_haushaltssicherung"] = user.has_perm("foerderung.add_haushaltssicherung", neue)
        ctx["hs_form"] = HaushaltssicherungForm()
        ctx["heute"] = timezone.localdate()
        return ctx

    def form_valid(self, form):
        daten = form.cleaned_data
        try:
            teilnahme_speichern(
                kommune=self.get_kommune(),
                interesse_bekundet_am=daten["interesse_bekundet_am"],
                beigetreten_am=daten["beigetreten_am"],
                dokument=daten.get("dokument") or None,
                bemerkung=daten["bemerkung"],
                by=self.request.user,
            )
        except ValidationError as exc:
            fehler_ins_formular(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Teilnahme gespeichert."))
        return HttpResponseRedirect(self.request.path)


class TeilnahmeDokumentView(KommuneMixin, ScopedMixin, TemplateView):
    """Download of the declaration of joining (never served from MEDIA directly)."""

    permission_required = "foerderung.view_kommuneteilnahme"

    def get_permission_object(self):
        return _teilnahme_von(self.get_kommune())

    def get(self, request, *args, **kwargs):
        teilnahme = self.get_permission_object()
        if not teilnahme.pk or not teilnahme.dokument:
            raise Http404
        return FileResponse(teilnahme.dokument.open("rb"), as_attachment=True)


class HaushaltssicherungAnlegenView(ActionView):
    """Adds a period of budget consolidation to a Kommune (posted from its participation page)."""

    model = Kommune
    permission_required = "foerderung.add_haushaltssicherung"
    form_class = HaushaltssicherungForm
    success_message = _("Haushaltssicherung gespeichert.")

    def get_permission_object(self):
        return Haushaltssicherung(buendnis_id=self.object.buendnis_id, kommune=self.object)

    def perform(self, form):
        return haushaltssicherung_speichern(kommune=self.object, by=self.request.user, **form.cleaned_data)

    def get_success_url(self) -> str:
        return reverse("foerderung:teilnahme-detail", args=[self.object.pk])


class HaushaltssicherungUpdateView(ScopedMixin, FormView):
    """Corrects a period of budget consolidation (e.g. sets its end)."""

    template_name = "includes/generic_form.html"
    form_class = HaushaltssicherungForm
    permission_required = "foerderung.change_haushaltssicherung"

    def get_object(self, queryset=None):
        if not hasattr(self, "_object"):
            self._object = get_object_or_404(
                Haushaltssicherung.objects.visible_to(self.request.user).select_related("kommune"),
                pk=self.kwargs["pk"],
            )
        return self._object

    def get_permission_object(self):
        return self.get_object()

    def get_initial(self):
        hs = self.get_object()
        return {"gueltig_ab": hs.gueltig_ab, "gueltig_bis": hs.gueltig_bis, "grundlage": hs.grundlage}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["object"] = self.get_object()
        return ctx

    def form_valid(self, form):
        hs = self.get_object()
        try:
            haushaltssicherung_speichern(
                kommune=hs.kommune, haushaltssicherung=hs, by=self.request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            fehler_ins_formular(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Haushaltssicherung gespeichert."))
        return HttpResponseRedirect(reverse("foerderung:teilnahme-detail", args=[hs.kommune_id]))


class StellenschluesselView(ScopedMixin, TemplateView):
    """The F6 staffing key: entitled, applied and filled VZÄ per Kommune and the Kreis (the Bündnis roles), or
    per Bündnis with the state's total (the Land)."""

    template_name = "foerderung/stellenschluessel.html"
    permission_required = "foerderung.view_stellenschluessel"

    def get_permission_object(self):
        return None

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        schluessel = stellenschluessel(self.request.user)
        seite = Paginator(schluessel.zeilen, SEITENGROESSE).get_page(self.request.GET.get("page"))
        ctx.update(schluessel=schluessel, page_obj=seite, zeilen=seite.object_list)
        ctx["darf_teilnahme"] = self.request.user.has_perm("foerderung.view_kommuneteilnahme")
        return ctx
