"""Pages of the Land's decisions: grant notices to the Kreise (Zuwendungsbescheide) and the state-wide calls of
the Innovationsfonds (Förderaufrufe). Thin views; every write goes through one service."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView

from buendnis.generic import ActionView, ScopedDetailView, ScopedListView, ScopedMixin, fehler_ins_formular

from . import services, zuwendung
from .forms_land import AufrufStatusForm, FoerderaufrufForm, ZuwendungsbescheidForm
from .models import BEWILLIGTE_STATUS, AufrufStatus, Foerderantrag, Foerderaufruf, Zuwendungsbescheid


class ServiceFormView(ScopedMixin, FormView):
    """A create page whose form one service records; a refusal comes back on the form (status 400)."""

    success_message = ""

    def get_permission_object(self):
        return None

    def perform(self, form):
        raise NotImplementedError

    def form_valid(self, form):
        try:
            self.result = self.perform(form)
        except ValidationError as exc:
            fehler_ins_formular(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, str(self.success_message))
        return redirect(self.get_success_url())

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


# Zuwendungsbescheide -------------------------------------------------------------------------------------------


class ZuwendungsbescheidListView(ScopedListView):
    """The Land sees every notice; the coordination of a Kreis reads its own."""

    model = Zuwendungsbescheid
    permission_required = "foerderung.view_zuwendungsbescheid"
    filterset_fields = ["baustein", "jahr"]
    create_url_name = "foerderung:zuwendungsbescheid-create"
    template_name = "foerderung/zuwendungsbescheid_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["summe"] = self.object_list.order_by().aggregate(s=Sum("betrag"))["s"] or Decimal("0.00")
        return ctx


class ZuwendungsbescheidCreateView(ServiceFormView):
    permission_required = "foerderung.add_zuwendungsbescheid"
    form_class = ZuwendungsbescheidForm
    template_name = "foerderung/zuwendungsbescheid_form.html"
    success_message = gettext_lazy("Zuwendungsbescheid erlassen.")

    def perform(self, form):
        return services.zuwendungsbescheid_erlassen(by=self.request.user, **form.cleaned_data)

    def get_success_url(self):
        return reverse("foerderung:zuwendungsbescheid-list")


# Förderaufrufe (Innovationsfonds) ------------------------------------------------------------------------------


def _mit_bewilligt(qs):
    # Over every Bündnis: how much of the call's volume is used is the same figure for everyone.
    return qs.annotate(
        summe_bewilligt=Sum("antraege__bewilligt_betrag", filter=Q(antraege__status__in=BEWILLIGTE_STATUS)),
        anzahl_antraege=Count("antraege"),
    )


class FoerderaufrufListView(ScopedListView):
    model = Foerderaufruf
    permission_required = "foerderung.view_foerderaufruf"
    filterset_fields = ["status"]
    create_url_name = "foerderung:aufruf-create"
    template_name = "foerderung/foerderaufruf_list.html"

    def get_queryset(self):
        return _mit_bewilligt(super().get_queryset().select_related("baustein")).order_by(
            "-einreichung_bis", "pk"
        )


class FoerderaufrufCreateView(ServiceFormView):
    permission_required = "foerderung.add_foerderaufruf"
    form_class = FoerderaufrufForm
    template_name = "foerderung/foerderaufruf_form.html"
    success_message = gettext_lazy("Förderaufruf eröffnet.")

    def perform(self, form):
        return services.aufruf_eroeffnen(by=self.request.user, **form.cleaned_data)

    def get_success_url(self):
        return reverse("foerderung:aufruf-detail", args=[self.result.pk])


class FoerderaufrufDetailView(ScopedDetailView):
    """A call with its volume and what is approved from it, and the applications the user may see."""

    model = Foerderaufruf
    permission_required = "foerderung.view_foerderaufruf"
    template_name = "foerderung/foerderaufruf_detail.html"
    paginate_by = 25

    def get_queryset(self):
        return super().get_queryset().select_related("baustein")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        aufruf, user = self.object, self.request.user
        bewilligt = zuwendung.aufruf_bewilligt(aufruf)
        antraege = Foerderantrag.objects.visible_to(user).filter(aufruf=aufruf).for_list().order_by("pk")
        seite = Paginator(antraege, self.paginate_by).get_page(self.request.GET.get("page"))
        ctx.update(
            {
                "bewilligt": bewilligt,
                "verfuegbar": aufruf.volumen - bewilligt,
                "page_obj": seite,
                "antraege": seite.object_list,
                "uebergaenge": [
                    (t.target, AufrufStatus(t.target).label)
                    for t in services.AUFRUF_UEBERGAENGE.available(aufruf, user)
                ],
            }
        )
        return ctx


class AufrufStatusView(ActionView):
    model = Foerderaufruf
    permission_required = "foerderung.change_foerderaufruf"
    form_class = AufrufStatusForm
    object_name = "aufruf"
    invalid_message = gettext_lazy("Unbekannter Zielstatus.")
    service = services.aufruf_status_setzen

    def get_success_message(self, result):
        return _("Status des Förderaufrufs: %(s)s.") % {"s": result.get_status_display()}

    def get_success_url(self):
        return reverse("foerderung:aufruf-detail", args=[self.object.pk])


zuwendungsbescheid_list = ZuwendungsbescheidListView.as_view()
zuwendungsbescheid_create = ZuwendungsbescheidCreateView.as_view()
aufruf_list = FoerderaufrufListView.as_view()
aufruf_create = FoerderaufrufCreateView.as_view()
aufruf_detail = FoerderaufrufDetailView.as_view()
aufruf_status = AufrufStatusView.as_view()
