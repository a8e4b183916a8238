"""The person's own notifications ("Benachrichtigungen") and their choice of e-mail per kind.

Every signed-in person has these pages and sees only their own rows (`Benachrichtigung.objects.visible_to`):
someone else's notification is a 404, whatever the role. The coordination also sees the e-mails of its Bündnis
that could not be delivered.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import ListView

from buendnis import benachrichtigungen
from buendnis.choices import Rolle
from buendnis.models import (
    Benachrichtigung,
    BenachrichtigungArt,
    Benachrichtigungseinstellung,
    Zustellung,
)


class BenachrichtigungListView(LoginRequiredMixin, ListView):
    """The person's notifications, newest first; `?nur=ungelesen` shows the unread ones only."""

    model = Benachrichtigung
    paginate_by = 25
    template_name = "buendnis/benachrichtigung_list.html"

    def nur_ungelesen(self) -> bool:
        return self.request.GET.get("nur") == "ungelesen"

    def get_queryset(self):
        qs = Benachrichtigung.objects.visible_to(self.request.user).order_by("-erstellt_am", "-pk")
        return qs.ungelesen() if self.nur_ungelesen() else qs

    def paginate_queryset(self, queryset, page_size):
        # A page past the end (after "alle gelesen" under the unread filter) shows the last page, not a 404.
        try:
            return super().paginate_queryset(queryset, page_size)
        except Http404:
            self.kwargs[self.page_kwarg] = "last"
            return super().paginate_queryset(queryset, page_size)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["nur_ungelesen"] = self.nur_ungelesen()
        ctx["anzahl_ungelesen"] = Benachrichtigung.objects.visible_to(user).ungelesen().count()
        ctx["unzustellbar"] = list(benachrichtigungen.unzustellbare_mails(user))
        ctx["zeigt_unzustellbar"] = user.rolle == Rolle.KOORDINATION and bool(user.buendnis_id)
        return ctx


@login_required
@require_POST
def benachrichtigung_oeffnen(request, pk):
    """Marks the notification read and goes to what it is about (only ever a page of this site)."""
    benachrichtigung = get_object_or_404(Benachrichtigung.objects.visible_to(request.user), pk=pk)
    benachrichtigungen.benachrichtigung_gelesen(benachrichtigung=benachrichtigung, by=request.user)
    link = benachrichtigung.link
    if link and link.startswith("/") and url_has_allowed_host_and_scheme(link, allowed_hosts=None):
        return redirect(link)
    if link:
        messages.warning(
            request, _("Dieser Link führt nicht zu einer Seite der Anwendung und wird nicht geöffnet.")
        )
    return redirect("buendnis:benachrichtigung-list")


@login_required
@require_POST
def benachrichtigungen_alle_gelesen(request):
    anzahl = benachrichtigungen.alle_gelesen(by=request.user)
    messages.success(
        request,
        _("%(n)d Benachrichtigung(en) als gelesen markiert.") % {"n": anzahl}
        if anzahl
        else _("Es gibt keine ungelesenen Benachrichtigungen."),
    )
    return redirect("buendnis:benachrichtigung-list")


class EinstellungenForm(forms.Form):
    """One choice per kind of notification: at once, daily digest or no e-mail."""

    def __init__(self, *args, arten: list[str], gewaehlt: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        for art in arten:
            self.fields[art] = forms.ChoiceField(
                label=BenachrichtigungArt(art).label,
                choices=Zustellung.choices,
                initial=gewaehlt.get(art, Zustellung.SOFORT),
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
            )


@login_required
def benachrichtigung_einstellungen(request):
    """Which notifications the person receives by e-mail, per kind (all stay in the list regardless)."""
    user = request.user
    arten = benachrichtigungen.arten_fuer(user)
    gewaehlt = dict(
        Benachrichtigungseinstellung.objects.filter(benutzer=user).values_list("art", "zustellung")
    )
    form = EinstellungenForm(request.POST or None, arten=arten, gewaehlt=gewaehlt)
    if request.method == "POST" and form.is_valid():
        benachrichtigungen.einstellungen_speichern(zustellungen=form.cleaned_data, by=user)
        messages.success(request, _("Einstellungen gespeichert."))
        return redirect("buendnis:benachrichtigung-einstellungen")
    return render(
        request,
        "buendnis/benachrichtigung_einstellungen.html",
        {"form": form, "zustellungen": Zustellung.choices},
    )
