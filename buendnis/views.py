from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from buendnis import filters, forms, selectors, services, views_sitzung
from buendnis.generic import (
    ActionView,
    ScopedCreateView,
    ScopedDeleteView,
    ScopedDetailView,
    ScopedListView,
    ScopedMixin,
    ScopedUpdateView,
)
from buendnis.models import (
    Akteur,
    Ansprechperson,
    Aufgabe,
    Buendnis,
    Gremium,
    Kommune,
    Mitgliedschaft,
    Prioritaet,
    Sitzung,
    Tagesordnungspunkt,
    Vereinbarungsdokument,
    Verfahrensvereinbarung,
)
from buendnis.rules import KEIN_RECHT


def healthz(request):
    """200 when the database answers, 503 otherwise (for load balancers and monitoring)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        return HttpResponse(
            "Datenbank nicht erreichbar", status=503, content_type="text/plain; charset=utf-8"
        )
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


def begrenzt(queryset, n: int) -> tuple[list, bool]:
    """The first n rows of a detail page's side list, and whether there are more (one query, no count)."""
    rows = list(queryset[: n + 1])
    return rows[:n], len(rows) > n


class DashboardView(ScopedMixin, TemplateView):
    """The dashboard. In a Bündnis: its Kommunen, members by Bereich, forums, meetings, tasks, the measured state
    of the core group's nine tasks and the panels of the apps (its agreed targets among them). For the Land: its
    own work and the way to its view of all Bündnisse, nothing of a single Bündnis (`selectors.dashboard`)."""

    template_name = "buendnis/dashboard.html"

    def has_permission(self):
        return self.request.user.is_authenticated

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(selectors.dashboard(self.request.user))
        return ctx


# Bündnis ---------------------------------------------------------------------------------------------------------


class BuendnisListView(ScopedListView):
    model = Buendnis
    permission_required = "buendnis.view_buendnis"
    columns = [
        (gettext_lazy("Name"), "name"),
        (gettext_lazy("Kreisschlüssel"), "kreisschluessel"),
        (gettext_lazy("Art"), "get_art_display"),
        (gettext_lazy("Regierungsbezirk"), "get_regierungsbezirk_display"),
        (gettext_lazy("Kommunen"), "anzahl_kommunen"),
    ]
    filterset_fields = ["art", "regierungsbezirk"]

    def has_permission(self):
        # The declared permission (readers of an alliance, the state, superusers), checked without an object.
        return self.request.user.has_perm(self.permission_required)


class BuendnisDetailView(ScopedDetailView):
    model = Buendnis
    permission_required = "buendnis.view_buendnis"
    template_name = "buendnis/buendnis_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["kommunen"] = self.object.kommunen.all()
        return ctx


class BuendnisUpdateView(ScopedUpdateView):
    model = Buendnis
    form_class = forms.BuendnisForm
    permission_required = "buendnis.change_buendnis"


# Kommune ---------------------------------------------------------------------------------------------------------


class KommuneListView(ScopedListView):
    model = Kommune
    permission_required = "buendnis.view_kommune"
    filterset_class = filters.KommuneFilter
    create_url_name = "buendnis:kommune-create"
    columns = [
        (gettext_lazy("Name"), "name"),
        (gettext_lazy("Gemeindeschlüssel"), "gemeindeschluessel"),
        (gettext_lazy("Bündnis"), "buendnis"),
        (gettext_lazy("Akteure"), "anzahl_akteure"),
    ]


class KommuneDetailView(ScopedDetailView):
    model = Kommune
    permission_required = "buendnis.view_kommune"
    template_name = "buendnis/kommune_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["akteure"], ctx["mehr_akteure"] = begrenzt(self.object.akteure.select_related("bereich"), 100)
        return ctx


class KommuneCreateView(ScopedCreateView):
    model = Kommune
    form_class = forms.KommuneForm
    permission_required = "buendnis.add_kommune"


class KommuneUpdateView(ScopedUpdateView):
    model = Kommune
    form_class = forms.KommuneForm
    permission_required = "buendnis.change_kommune"


# Akteur ----------------------------------------------------------------------------------------------------------


class AkteurListView(ScopedListView):
    model = Akteur
    permission_required = "buendnis.view_akteur"
    filterset_class = filters.AkteurFilter
    create_url_name = "buendnis:akteur-create"
    template_name = "buendnis/akteur_list.html"  # adds "Träger vorschlagen" for the Kommunen
    columns = [
        (gettext_lazy("Name"), "name"),
        (gettext_lazy("Typ"), "get_typ_display"),
        (gettext_lazy("Bereich"), "bereich"),
        (gettext_lazy("Kommune"), "kommune"),
        (gettext_lazy("Status"), "get_status_display"),
    ]


class AkteurDetailView(ScopedDetailView):
    model = Akteur
    permission_required = "buendnis.view_akteur"
    template_name = "buendnis/akteur_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("bereich", "kommune")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["personen"] = self.object.ansprechpersonen.all()
        ctx["mitgliedschaften"] = self.object.mitgliedschaften.select_related("gremium")
        ctx["aufgaben"], ctx["mehr_aufgaben"] = begrenzt(self.object.aufgaben.offen().for_list(), 50)
        return ctx


class AkteurCreateView(ScopedCreateView):
    model = Akteur
    form_class = forms.AkteurForm
    permission_required = "buendnis.add_akteur"


class AkteurUpdateView(ScopedUpdateView):
    model = Akteur
    form_class = forms.AkteurForm
    permission_required = "buendnis.change_akteur"


class ParentMixin:
    """Child rows (persons, memberships, agenda items) are created under a parent the user may change."""

    parent_model = None
    parent_perm = ""
    parent_field = ""
    owner_field = None

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.parent = get_object_or_404(
            self.parent_model.objects.visible_to(request.user), pk=kwargs["parent_pk"]
        )
        if not request.user.has_perm(self.parent_perm, self.parent):
            raise PermissionDenied(KEIN_RECHT)
        return super().dispatch(request, *args, **kwargs)

    def has_permission(self):
        return True

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        setattr(form.instance, self.parent_field, self.parent)
        return form

    def get_success_url(self):
        return self.parent.get_absolute_url()


class AnsprechpersonCreateView(ParentMixin, ScopedCreateView):
    model = Ansprechperson
    form_class = forms.AnsprechpersonForm
    parent_model = Akteur
    parent_perm = "buendnis.change_akteur"
    parent_field = "akteur"


class AnsprechpersonUpdateView(ScopedUpdateView):
    model = Ansprechperson
    form_class = forms.AnsprechpersonForm
    permission_required = "buendnis.change_ansprechperson"
    template_name = "buendnis/ansprechperson_form.html"  # the form, and the way to erase the person

    def get_success_url(self):
        return self.object.akteur.get_absolute_url()


class AnsprechpersonDeleteView(ScopedDeleteView):
    """Erases a contact person with its change history (DSGVO Art. 17), after a confirmation that says so."""

    model = Ansprechperson
    permission_required = "buendnis.delete_ansprechperson"
    template_name = "buendnis/ansprechperson_confirm_delete.html"

    def get_queryset(self):
        return super().get_queryset().select_related("akteur")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["verwendungen"] = selectors.ansprechperson_verwendungen(self.object)
        return ctx

    def form_valid(self, form):
        try:
            akteur = services.ansprechperson_loeschen(person=self.object, by=self.request.user)
        except ValidationError as exc:
            messages.error(self.request, " ".join(exc.messages))
            return redirect(self.object.akteur.get_absolute_url())
        messages.success(self.request, _("Die Ansprechperson ist gelöscht, auch aus dem Änderungsverlauf."))
        return redirect(akteur.get_absolute_url())


# Gremium ---------------------------------------------------------------------------------------------------------


class GremiumListView(ScopedListView):
    model = Gremium
    permission_required = "buendnis.view_gremium"
    filterset_class = filters.GremiumFilter
    create_url_name = "buendnis:gremium-create"
    columns = [
        (gettext_lazy("Name"), "name"),
        (gettext_lazy("Art"), "get_art_display"),
        (gettext_lazy("Arbeitsform"), "get_format_display"),
        (gettext_lazy("Status"), "get_status_display"),
        (gettext_lazy("Leitung"), "leitung"),
        (gettext_lazy("Mitglieder"), "anzahl_mitglieder"),
    ]


class GremiumDetailView(ScopedDetailView):
    model = Gremium
    permission_required = "buendnis.view_gremium"
    template_name = "buendnis/gremium_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("leitung", "leitung_person")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["mitgliedschaften"] = self.object.mitgliedschaften.for_list()
        ctx["sitzungen"], ctx["mehr_sitzungen"] = begrenzt(self.object.sitzungen.all(), 20)
        ctx["beschluesse"], ctx["mehr_beschluesse"] = begrenzt(
            self.object.beschluesse.select_related("sitzung"), 20
        )
        ctx["aufgaben"], ctx["mehr_aufgaben"] = begrenzt(self.object.aufgaben.offen().for_list(), 50)
        return ctx


class GremiumCreateView(ScopedCreateView):
    model = Gremium
    form_class = forms.GremiumForm
    permission_required = "buendnis.add_gremium"


class GremiumUpdateView(ScopedUpdateView):
    model = Gremium
    form_class = forms.GremiumForm
    permission_required = "buendnis.change_gremium"


class MitgliedschaftCreateView(ParentMixin, ScopedCreateView):
    model = Mitgliedschaft
    form_class = forms.MitgliedschaftForm
    parent_model = Gremium
    parent_perm = "buendnis.change_gremium"
    parent_field = "gremium"


class MitgliedschaftDeleteView(ScopedDeleteView):
    model = Mitgliedschaft
    permission_required = "buendnis.delete_mitgliedschaft"

    def get_success_url(self):
        return self.object.gremium.get_absolute_url()


# Sitzung ---------------------------------------------------------------------------------------------------------


class SitzungListView(ScopedListView):
    model = Sitzung
    permission_required = "buendnis.view_sitzung"
    filterset_class = filters.SitzungFilter
    create_url_name = "buendnis:sitzung-create"
    columns = [
        (gettext_lazy("Titel"), "titel"),
        (gettext_lazy("Gremium"), "gremium"),
        (gettext_lazy("Beginn"), "beginn"),
        (gettext_lazy("Ort"), "ort"),
        (gettext_lazy("Status"), "get_status_display"),
    ]


class SitzungDetailView(ScopedDetailView):
    model = Sitzung
    permission_required = "buendnis.view_sitzung"
    template_name = "buendnis/sitzung_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("gremium", "protokoll_genehmigt_in")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(views_sitzung.detail_kontext(self.object, self.request.user))
        return ctx


class SitzungCreateView(ScopedCreateView):
    model = Sitzung
    form_class = forms.SitzungForm
    permission_required = "buendnis.add_sitzung"

    def get_initial(self):
        initial = super().get_initial()
        if self.request.GET.get("gremium", "").isdigit():
            initial["gremium"] = self.request.GET["gremium"]
        return initial


class SitzungUpdateView(ScopedUpdateView):
    model = Sitzung
    form_class = forms.SitzungForm
    permission_required = "buendnis.change_sitzung"

    def get(self, request, *args, **kwargs):
        if self.get_object().protokoll_gesperrt:
            return views_sitzung.gesperrt_umleiten(request, self.get_object())
        return super().get(request, *args, **kwargs)

    def save(self, form):
        return services.sitzung_aendern(sitzung=form.instance, by=self.request.user)


class TopAnfuegenView(ActionView):
    """Appends an agenda item to a meeting (the small form on the meeting's page)."""

    model = Sitzung
    permission_required = "buendnis.change_sitzung"
    form_class = forms.TagesordnungspunktForm
    service = services.tagesordnungspunkt_anfuegen
    success_message = gettext_lazy("Tagesordnungspunkt angefügt.")

    def get_form_kwargs(self):
        return {"data": self.request.POST, "user": self.request.user}

    def form_invalid(self, form):
        if "titel" in form.errors and not self.request.POST.get("titel", "").strip():
            messages.error(self.request, _("Bitte geben Sie einen Titel für den Tagesordnungspunkt an."))
        else:
            for field, fehler in form.errors.items():
                label = form.fields[field].label if field in form.fields else ""
                messages.error(self.request, f"{label}: {' '.join(fehler)}")


top_anfuegen = TopAnfuegenView.as_view()


class TopUpdateView(ScopedUpdateView):
    model = Tagesordnungspunkt
    form_class = forms.TagesordnungspunktForm
    permission_required = "buendnis.change_tagesordnungspunkt"

    def get(self, request, *args, **kwargs):
        if self.get_object().sitzung.protokoll_gesperrt:
            return views_sitzung.gesperrt_umleiten(request, self.get_object().sitzung)
        return super().get(request, *args, **kwargs)

    def save(self, form):
        top = form.instance
        return services.tagesordnungspunkt_aendern(
            top=top, titel=top.titel, beschreibung=top.beschreibung, by=self.request.user
        )

    def get_success_url(self):
        return self.object.sitzung.get_absolute_url() + "#tagesordnung"


class TopDeleteView(ScopedDeleteView):
    model = Tagesordnungspunkt
    permission_required = "buendnis.delete_tagesordnungspunkt"

    def get(self, request, *args, **kwargs):
        if self.get_object().sitzung.protokoll_gesperrt:
            return views_sitzung.gesperrt_umleiten(request, self.get_object().sitzung)
        return super().get(request, *args, **kwargs)

    def form_valid(self, form):
        sitzung = self.object.sitzung
        try:
            services.tagesordnungspunkt_loeschen(top=self.object, by=self.request.user)
        except ValidationError as exc:
            messages.error(self.request, " ".join(exc.messages))
        else:
            messages.success(self.request, _("Gelöscht."))
        return redirect(sitzung.get_absolute_url() + "#tagesordnung")


# Aufgabe ---------------------------------------------------------------------------------------------------------


class AufgabeListView(ScopedListView):
    model = Aufgabe
    permission_required = "buendnis.view_aufgabe"
    filterset_class = filters.AufgabeFilter
    create_url_name = "buendnis:aufgabe-create"
    template_name = "buendnis/aufgabe_list.html"


class AufgabeDetailView(ScopedDetailView):
    model = Aufgabe
    permission_required = "buendnis.view_aufgabe"
    template_name = "buendnis/aufgabe_detail.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .for_list()
            .select_related("beschluss", "prioritaet", "verfahrensvereinbarung")
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["darf_status_setzen"] = self.request.user.has_perm("buendnis.set_status_aufgabe", self.object)
        ctx["status_form"] = forms.AufgabeStatusForm(
            initial={"status": self.object.status, "notiz": self.object.notiz}
        )
        return ctx


class AufgabeCreateView(ScopedCreateView):
    model = Aufgabe
    form_class = forms.AufgabeForm
    permission_required = "buendnis.add_aufgabe"

    def save(self, form):
        return services.aufgabe_anlegen(aufgabe=form.save(commit=False), by=self.request.user)


class AufgabeUpdateView(ScopedUpdateView):
    model = Aufgabe
    form_class = forms.AufgabeForm
    permission_required = "buendnis.change_aufgabe"

    def save(self, form):
        return services.aufgabe_aendern(aufgabe=form.save(commit=False), by=self.request.user)


aufgabe_status = ActionView.as_view(
    model=Aufgabe,
    permission_required="buendnis.set_status_aufgabe",
    form_class=forms.AufgabeStatusForm,
    invalid_message=gettext_lazy("Bitte wählen Sie einen gültigen Status."),
    service=services.aufgabe_status_setzen,
    success_message=gettext_lazy("Stand der Aufgabe gespeichert."),
)


# Priorität -------------------------------------------------------------------------------------------------------


class PrioritaetListView(ScopedListView):
    model = Prioritaet
    permission_required = "buendnis.view_prioritaet"
    create_url_name = "buendnis:prioritaet-create"
    template_name = "buendnis/prioritaet_list.html"
    filterset_fields = []


class PrioritaetCreateView(ScopedCreateView):
    model = Prioritaet
    form_class = forms.PrioritaetForm
    permission_required = "buendnis.add_prioritaet"

    def get_success_url(self):
        return reverse("buendnis:prioritaet-list")


class PrioritaetUpdateView(ScopedUpdateView):
    model = Prioritaet
    form_class = forms.PrioritaetForm
    permission_required = "buendnis.change_prioritaet"

    def get_success_url(self):
        return reverse("buendnis:prioritaet-list")


# Verfahrensvereinbarung ------------------------------------------------------------------------------------------


class VereinbarungListView(ScopedListView):
    model = Verfahrensvereinbarung
    permission_required = "buendnis.view_verfahrensvereinbarung"
    filterset_class = filters.VereinbarungFilter
    create_url_name = "buendnis:vereinbarung-create"
    columns = [
        (gettext_lazy("Titel"), "titel"),
        (gettext_lazy("Status"), "get_status_display"),
        (gettext_lazy("gültig ab"), "gueltig_ab"),
        (gettext_lazy("Parteien"), "parteien"),
        (gettext_lazy("Versionen"), "anzahl_versionen"),
    ]


class VereinbarungDetailView(ScopedDetailView):
    model = Verfahrensvereinbarung
    permission_required = "buendnis.view_verfahrensvereinbarung"
    template_name = "buendnis/vereinbarung_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["dokumente"] = self.object.dokumente.select_related("hochgeladen_von")
        ctx["parteien"] = self.object.parteien.all()
        ctx["dokument_form"] = forms.DokumentForm()
        return ctx


class VereinbarungCreateView(ScopedCreateView):
    model = Verfahrensvereinbarung
    form_class = forms.VerfahrensvereinbarungForm
    permission_required = "buendnis.add_verfahrensvereinbarung"


class VereinbarungUpdateView(ScopedUpdateView):
    model = Verfahrensvereinbarung
    form_class = forms.VerfahrensvereinbarungForm
    permission_required = "buendnis.change_verfahrensvereinbarung"


class DokumentHochladenView(ActionView):
    """Uploads a new version of an agreement's document."""

    model = Verfahrensvereinbarung
    permission_required = "buendnis.change_verfahrensvereinbarung"
    form_class = forms.DokumentForm
    service = services.dokument_hochladen
    object_name = "vereinbarung"

    def form_invalid(self, form):
        # The file's errors say what is wrong on their own; the comment's need the field named.
        for field, fehler in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for meldung in fehler:
                messages.error(self.request, f"{label}: {meldung}" if field == "kommentar" else meldung)

    def get_success_message(self, result):
        return _("Version %(v)d hochgeladen.") % {"v": result.version}


dokument_hochladen = DokumentHochladenView.as_view()


@login_required
def dokument_download(request, pk):
    dokument = get_object_or_404(Vereinbarungsdokument.objects.visible_to(request.user), pk=pk)
    if not request.user.has_perm("buendnis.view_vereinbarungsdokument", dokument):
        raise PermissionDenied(KEIN_RECHT)
    return FileResponse(dokument.datei.open("rb"), as_attachment=True, filename=dokument.dateiname)
