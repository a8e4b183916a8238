"""The per-person cache of every signed-in page (`buendnis.personencache`): the header's menus, the model backend's
permissions and "has no second factor". Cached or not, every person sees exactly their own header, changes show on
the next request, a device set up anywhere forces the code at once, and a failing cache changes nothing."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from buendnis import personencache
from buendnis.choices import Rolle

SEITE = reverse("buendnis:prioritaet-list")
VERIFY = reverse("konto:otp-verify")
ROLLEN = [
    "koordination",
    "kommune",
    "kommune_a2",
    "mitglied",
    "auswertung",
    "land",
    "admin",
    "koordination_b",
]


@pytest.fixture
def mit_personencache(monkeypatch):
    """The cache as outside a transaction (tests run inside one, where it stays off)."""
    monkeypatch.setattr(personencache, "_cache_erlaubt", lambda: True)
    cache.clear()
    yield
    cache.clear()


def kopf(client: Client, url: str = SEITE) -> str:
    """The page header (menus and the person's menu) with the CSRF token of the sign-out form masked."""
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    teil = html[html.index("<header>") : html.index("</header>")]
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken" value=""', teil)


def ungecacht(scenario, rolle: str, monkeypatch, **cookies) -> str:
    with monkeypatch.context() as m:
        m.setattr(personencache, "_cache_erlaubt", lambda: False)
        client = scenario.client(rolle)
        for name, wert in cookies.items():
            client.cookies[name] = wert
        return kopf(client)


def menue_gespeichert(user) -> bool:
    return isinstance(cache.get(personencache.menue_schluessel(user)), dict)


# The header ------------------------------------------------------------------------------------------------------


def test_cached_header_equals_the_rendered_one_for_every_role(scenario, mit_personencache, monkeypatch):
    """All roles one after another on the same cache: each gets its own header, the same as rendered afresh."""
    erwartet = {rolle: ungecacht(scenario, rolle, monkeypatch) for rolle in ROLLEN}
    assert len(set(erwartet.values())) == len(ROLLEN)  # every role's header differs from the others
    for _durchgang in range(2):  # the first fills the cache, the second reads it
        for rolle in ROLLEN:
            assert kopf(scenario.client(rolle)) == erwartet[rolle], rolle
    from django.utils import translation

    with translation.override("de"):
        assert all(menue_gespeichert(scenario.users[rolle]) for rolle in ROLLEN)


def test_the_menu_of_one_person_never_reaches_another(scenario, mit_personencache):
    koordination = kopf(scenario.client("koordination"))
    assert reverse("buendnis:konto-list") in koordination
    assert reverse("buendnis:buendnis-detail", args=[scenario.a.pk]) in koordination
    mitglied = kopf(scenario.client("mitglied"))
    assert reverse("buendnis:konto-list") not in mitglied
    andere = kopf(scenario.client("koordination_b"))
    assert reverse("buendnis:buendnis-detail", args=[scenario.b.pk]) in andere
    assert reverse("buendnis:buendnis-detail", args=[scenario.a.pk]) not in andere
    assert "Rhein-Kreis Test" not in andere


def test_a_page_with_another_account_as_user_stores_nothing_for_that_account(
    scenario, mit_personencache, monkeypatch
):
    """The account page puts the edited account into the context as `user`: its header is not stored under that
    account, whose own pages keep their own menus."""
    erwartet = ungecacht(scenario, "mitglied", monkeypatch)
    mitglied = scenario.users["mitglied"]
    response = scenario.client("koordination").get(reverse("buendnis:konto-update", args=[mitglied.pk]))
    assert response.status_code == 200
    assert kopf(scenario.client("mitglied")) == erwartet


def test_the_other_language_gets_its_own_menu(scenario, mit_personencache, monkeypatch):
    deutsch = kopf(scenario.client("koordination"))
    client = scenario.client("koordination")
    client.cookies["django_language"] = "en"
    englisch = kopf(client)
    assert englisch != deutsch
    assert englisch == ungecacht(scenario, "koordination", monkeypatch, django_language="en")
    assert kopf(scenario.client("koordination")) == deutsch


def test_a_new_role_shows_its_menu_at_once(scenario, mit_personencache, monkeypatch):
    client = scenario.client("koordination")
    assert reverse("buendnis:konto-list") in kopf(client)
    user = scenario.users["koordination"]
    user.rolle = Rolle.AUSWERTUNG
    user.is_staff = False
    user.save()
    nachher = kopf(client)
    assert reverse("buendnis:konto-list") not in nachher
    assert nachher == ungecacht(scenario, "koordination", monkeypatch)


def test_a_renamed_buendnis_shows_at_once(scenario, mit_personencache):
    client = scenario.client("koordination")
    assert "Rhein-Kreis Test" in kopf(client)
    scenario.a.name = "Rhein-Kreis Umbenannt"
    scenario.a.save()
    nachher = kopf(client)
    assert "Rhein-Kreis Umbenannt" in nachher
    assert "Rhein-Kreis Test" not in nachher


def test_permissions_given_by_a_group_show_at_once_and_go_at_once(scenario, mit_personencache, monkeypatch):
    """Django's model backend (the admin's groups) adds to the rules; the kept permissions follow every change."""
    foerderung = reverse("foerderung:antrag-list")
    client = scenario.client("mitglied")
    assert foerderung not in kopf(client)
    gruppe = Group.objects.create(name="Förderung lesen")
    gruppe.permissions.add(Permission.objects.get(codename="view_foerderantrag"))
    mitglied = scenario.users["mitglied"]
    mitglied.groups.add(gruppe)
    assert foerderung in kopf(client)
    assert kopf(client) == ungecacht(scenario, "mitglied", monkeypatch)
    gruppe.permissions.clear()
    assert foerderung not in kopf(client)
    gruppe.permissions.add(Permission.objects.get(codename="view_foerderantrag"))
    assert foerderung in kopf(client)
    mitglied.groups.remove(gruppe)
    assert foerderung not in kopf(client)


def test_kept_permissions_answer_without_queries(scenario, mit_personencache):
    """A permission the rules refuse asks the model backend; from the second request on it asks no database."""
    client = scenario.client("mitglied")
    kopf(client)
    kopf(client)
    with CaptureQueriesContext(connection) as abfragen:
        kopf(client)
    assert not [q for q in abfragen.captured_queries if "auth_permission" in q["sql"]]
    with CaptureQueriesContext(connection) as abfragen:
        response = client.get(reverse("bedarf:vergleich"))  # refused by the rules: asks the model backend
    assert response.status_code == 403
    assert not [q for q in abfragen.captured_queries if "auth_permission" in q["sql"]]


def _abfragen(client: Client) -> list[str]:
    with CaptureQueriesContext(connection) as abfragen:
        kopf(client)
    return [q["sql"] for q in abfragen.captured_queries]


def test_a_cheap_page_costs_session_user_and_its_own_query(
    scenario, mit_personencache, monkeypatch, django_assert_max_num_queries
):
    client = scenario.client("kommune")
    kopf(client)
    kopf(client)  # renews the session's idle limit once (a write), not again within the minute
    with monkeypatch.context() as m:
        m.setattr(personencache, "_cache_erlaubt", lambda: False)
        ohne = _abfragen(client)
    # Without the cache: the device, the model backend's two permission queries, the Kommune in the person's menu.
    assert len([q for q in ohne if "otp_" in q or "auth_permission" in q or "buendnis_kommune" in q]) == 4
    # With it: the session, the user, the page's count of its (empty) list.
    with django_assert_max_num_queries(3):
        kopf(client)
    assert len(_abfragen(client)) == len(ohne) - 4


# The second factor -----------------------------------------------------------------------------------------------


def geraet(user, confirmed: bool = True) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator-App", confirmed=confirmed)


def gezwungen(client: Client) -> bool:
    response = client.get(SEITE)
    if response.status_code == 302:
        assert response["Location"].startswith(VERIFY)
        return True
    assert response.status_code == 200
    return False


def test_no_device_is_kept_and_costs_no_query(scenario, mit_personencache):
    client = scenario.client("koordination")
    assert not gezwungen(client)
    with CaptureQueriesContext(connection) as abfragen:
        assert not gezwungen(client)
    assert not [q for q in abfragen.captured_queries if "otp_" in q["sql"]]


def test_a_device_confirmed_elsewhere_forces_the_code_in_every_session(scenario, mit_personencache):
    user = scenario.users["koordination"]
    erste, zweite = scenario.client("koordination"), scenario.client("koordination")
    assert not gezwungen(erste)
    assert not gezwungen(zweite)
    neu = geraet(user, confirmed=False)  # being set up in a third session
    assert not gezwungen(erste)
    neu.confirmed = True
    neu.save(update_fields=["confirmed"])
    assert gezwungen(erste)
    assert gezwungen(zweite)


def test_a_deleted_device_no_longer_forces_the_code(scenario, mit_personencache):
    user = scenario.users["koordination"]
    vorhanden = geraet(user)
    client = scenario.client("koordination")
    assert gezwungen(client)
    TOTPDevice.objects.filter(pk=vorhanden.pk).delete()
    assert not gezwungen(client)
    assert not gezwungen(client)


def test_a_request_that_read_before_the_change_cannot_keep_no_device(scenario, mit_personencache):
    """After a change of a device the entry says "ask the database"; a request that had counted no device before
    the change committed cannot overwrite it."""
    user = scenario.users["koordination"]
    vorher = personencache.Personencache(user)  # reads the entries, as a request running meanwhile
    geraet(user)
    assert cache.get(personencache.otp_schluessel(user.pk)) is False
    TOTPDevice.objects.filter(user=user).delete()  # its rows as that request may have read them
    assert vorher.hat_bestaetigtes_geraet() is False
    assert cache.get(personencache.otp_schluessel(user.pk)) is False


class KaputterCache:
    def __getattr__(self, name):
        def fehler(*args, **kwargs):
            raise ConnectionError("Cache nicht erreichbar")

        return fehler


def test_a_failing_cache_neither_locks_out_nor_lets_anyone_skip_the_code(
    scenario, mit_personencache, monkeypatch, caplog
):
    mitglied = scenario.client("mitglied")
    koordination = scenario.client("koordination")
    assert not gezwungen(koordination)  # "no device" is kept
    monkeypatch.setattr(personencache, "cache", KaputterCache())
    geraet(scenario.users["koordination"])  # the cache cannot be told
    assert gezwungen(koordination)
    assert not gezwungen(mitglied)
    assert kopf(mitglied)
    assert "Personen-Cache nicht erreichbar" in caplog.text


def test_a_failing_cache_renders_the_same_header(scenario, mit_personencache, monkeypatch):
    erwartet = ungecacht(scenario, "kommune", monkeypatch)
    monkeypatch.setattr(personencache, "cache", KaputterCache())
    assert kopf(scenario.client("kommune")) == erwartet
