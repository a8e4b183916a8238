"""`manage.py demo_data`: the alliance part of the demo (issue 2), idempotent, refused without DEBUG."""

import datetime

import pytest
from django.core.management import CommandError, call_command

from buendnis.models import Bereich, Buendnis, Gremium, Kommune, Sitzung, User
from buendnis.models.gremien import GremiumArt, GremiumStatus

NEUSS_KOMMUNEN = {
    "Neuss",
    "Dormagen",
    "Grevenbroich",
    "Meerbusch",
    "Kaarst",
    "Korschenbroich",
    "Jüchen",
    "Rommerskirchen",
}
DEMO_USERS = {
    "koordination": ("koordination", "Rhein-Kreis Neuss"),
    "kommune-neuss": ("kommune", "Rhein-Kreis Neuss"),
    "kommune-dormagen": ("kommune", "Rhein-Kreis Neuss"),
    "mitglied": ("mitglied", "Rhein-Kreis Neuss"),
    "auswertung": ("auswertung", "Rhein-Kreis Neuss"),
    "koordination-duesseldorf": ("koordination", "Stadt Düsseldorf"),
    "land": ("land", None),
}


def counts():
    return {m.__name__: m.objects.count() for m in (Buendnis, Kommune, Bereich, Gremium, Sitzung, User)}


@pytest.mark.django_db
def test_demo_data_builds_the_neuss_alliance_and_duesseldorf_and_is_idempotent(settings):
    settings.DEBUG = True
    call_command("demo_data", verbosity=0)
    neuss = Buendnis.objects.get(name="Rhein-Kreis Neuss")
    assert set(neuss.kommunen.values_list("name", flat=True)) == NEUSS_KOMMUNEN
    assert Bereich.objects.count() == 4
    duesseldorf = Buendnis.objects.get(name="Stadt Düsseldorf")
    assert duesseldorf.kommunen.exists()

    tage = {s.beginn.date() for s in Sitzung.objects.filter(gremium__buendnis=neuss)}
    assert {datetime.date(2019, 3, 13), datetime.date(2019, 6, 27)} <= tage
    foren = Gremium.objects.filter(buendnis=neuss, art=GremiumArt.FORUM)
    assert foren.filter(status=GremiumStatus.EINGERICHTET).count() == 3
    assert foren.filter(status=GremiumStatus.IN_DISKUSSION).count() == 2
    assert Gremium.objects.filter(buendnis=neuss, art=GremiumArt.KERNGRUPPE).count() == 1

    for username, (rolle, buendnis) in DEMO_USERS.items():
        user = User.objects.get(username=username)
        assert user.check_password(settings.DEMO_PASSWORD), username
        assert user.rolle == rolle
        assert (user.buendnis.name if user.buendnis else None) == buendnis
    assert User.objects.get(username="kommune-dormagen").kommune.name == "Dormagen"
    assert User.objects.get(username="admin").is_superuser

    # The public catalogue (issue 16): every published offer names a way to take part, several are translated,
    # and the Kommunen have a centre for "near you".
    from angebote.models import Angebot

    veroeffentlicht = list(Angebot.objects.veroeffentlicht().select_related("ansprechperson"))
    assert len(veroeffentlicht) >= 30
    assert {
        a.kennung: a.fehlende_teilnahmewege() for a in veroeffentlicht if a.fehlende_teilnahmewege()
    } == {}
    uebersetzt = Angebot.objects.veroeffentlicht().filter(uebersetzungen__isnull=False).distinct()
    assert uebersetzt.count() >= 8
    assert not neuss.kommunen.filter(breite__isnull=True).exists()

    vorher = counts()
    call_command("demo_data", verbosity=0)
    assert counts() == vorher


@pytest.mark.django_db
def test_demo_data_refuses_without_debug_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="nur mit DEBUG=True oder mit --force"):
        call_command("demo_data", verbosity=0)
    assert not Buendnis.objects.exists()


@pytest.mark.django_db
def test_every_demo_user_signs_in_through_the_login_page_and_reaches_its_dashboard(settings):
    from django.test import Client

    settings.DEBUG = True
    call_command("demo_data", verbosity=0)
    settings.DEBUG = False
    for username in [*DEMO_USERS, "admin"]:
        client = Client()
        response = client.post(
            "/anmelden/", {"username": username, "password": settings.DEMO_PASSWORD}, follow=True
        )
        assert response.status_code == 200
        assert response.wsgi_request.user.username == username
        dashboard = client.get("/", follow=True)
        assert dashboard.status_code == 200
        body = dashboard.content.decode()
        erwartet = DEMO_USERS.get(username, (None, None))[1] or "Alle Bündnisse"
        assert f"{erwartet} – Übersicht" in body, (username, dashboard.redirect_chain)
        if DEMO_USERS.get(username, (None, None))[1]:
            assert "Aufgaben der Bündniskerngruppe" in body
        else:
            assert "Steuerung aller Bündnisse" in body
