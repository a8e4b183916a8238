"""Accounts by the coordination: invitations by e-mail with a one-time link, role and assignment, deactivation;
never beyond the inviter's own Bündnis, never the state's role, never a superuser."""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from buendnis import konten
from buendnis.choices import Rolle
from buendnis.models import Akteur, AkteurStatus, Kalenderabo, Mailversand, User, token_hash
from tests.factories import AkteurFactory, UserFactory
from tests.sicherheit.helpers import snapshot

PASSWORT = "Sonnen-Blume-2024!"


def einladen(client, **daten):
    werte = {"vorname": "Nora", "nachname": "Neu", "email": "nora.neu@example.org", "rolle": Rolle.KOMMUNE}
    werte.update(daten)
    return client.post(reverse("buendnis:konto-create"), {k: v for k, v in werte.items() if v is not None})


def einladungslink(smtp_server, adresse: str) -> str:
    """The path of the one-time link in the (last) invitation to this address."""
    nachrichten = smtp_server.an(adresse)
    assert nachrichten, f"no e-mail to {adresse}"
    text = smtp_server.text(nachrichten[-1])
    treffer = re.search(r"https?://\S+/konto/einladung/\S+/\S+/", text)
    assert treffer, text
    return urlparse(treffer.group(0)).path


def passwort_setzen(link: str, passwort: str = PASSWORT):
    client = Client()
    seite = client.get(link, follow=True)
    assert seite.status_code == 200
    assert "Passwort festlegen" in seite.content.decode()
    # Django moves the token out of the address (into the session) before showing the form.
    return client, client.post(
        seite.redirect_chain[-1][0], {"new_password1": passwort, "new_password2": passwort}, follow=True
    )


def anmelden(username: str, passwort: str = PASSWORT):
    return Client().post(reverse("login"), {"username": username, "password": passwort})


# The invitation end to end --------------------------------------------------------------------------------------


def test_coordination_invites_kommune_staff_who_sets_a_password_and_signs_in(scenario, smtp_server):
    client = scenario.client("koordination")
    response = einladen(client, email="Nora.Neu@Example.org", kommune=scenario.a1.pk)
    assert response.status_code == 302
    assert response["Location"] == reverse("buendnis:konto-list")

    konto = User.objects.get(username="nora.neu@example.org")
    assert (konto.rolle, konto.buendnis, konto.kommune) == (Rolle.KOMMUNE, scenario.a, scenario.a1)
    assert konto.email == "nora.neu@example.org"
    assert (konto.first_name, konto.last_name) == ("Nora", "Neu")
    assert not konto.has_usable_password()
    assert not konto.is_staff and not konto.is_superuser
    assert "Einladung offen" in client.get(reverse("buendnis:konto-list")).content.decode()

    # The e-mail went through the queue and a real SMTP server, recorded for the Bündnis.
    [nachricht] = smtp_server.an("nora.neu@example.org")
    assert "Rhein-Kreis Test" in nachricht["Subject"]
    text = smtp_server.text(nachricht)
    assert "nora.neu@example.org" in text
    assert Mailversand.objects.get(empfaenger="nora.neu@example.org").buendnis_id == scenario.a.pk

    link = einladungslink(smtp_server, "nora.neu@example.org")
    _client, gesetzt = passwort_setzen(link)
    assert gesetzt.redirect_chain[-1][0] == reverse("login")
    assert "Ihr Passwort ist gesetzt" in gesetzt.content.decode()
    konto.refresh_from_db()
    assert konto.has_usable_password()

    assert anmelden("nora.neu@example.org").status_code == 302
    # The address as the mail program shows it, with capitals and a stray space, signs in too.
    assert anmelden(" Nora.Neu@Example.org").status_code == 302
    assert anmelden("nora.neu@example.org", "falsch").status_code == 200


def test_the_link_works_only_once(scenario, smtp_server):
    einladen(scenario.client("koordination"), kommune=scenario.a1.pk)
    link = einladungslink(smtp_server, "nora.neu@example.org")
    passwort_setzen(link)

    zweiter_versuch = Client().get(link, follow=True)
    text = zweiter_versuch.content.decode()
    assert "Dieser Link ist abgelaufen oder wurde schon benutzt" in text
    assert "new_password1" not in text


def test_an_expired_link_shows_the_german_page(scenario, smtp_server, settings):
    einladen(scenario.client("koordination"), kommune=scenario.a1.pk)
    link = einladungslink(smtp_server, "nora.neu@example.org")
    settings.PASSWORD_RESET_TIMEOUT = -1  # every token is older than this
    text = Client().get(link, follow=True).content.decode()
    assert "Dieser Link ist abgelaufen oder wurde schon benutzt" in text


def test_a_forged_link_sets_no_password(scenario, smtp_server):
    einladen(scenario.client("koordination"), kommune=scenario.a1.pk)
    link = einladungslink(smtp_server, "nora.neu@example.org")
    gefaelscht = link.rstrip("/").rsplit("/", 1)[0] + "/abc-0123456789abcdef/"
    text = Client().get(gefaelscht, follow=True).content.decode()
    assert "Dieser Link ist abgelaufen oder wurde schon benutzt" in text
    assert not User.objects.get(username="nora.neu@example.org").has_usable_password()


def test_resending_makes_the_old_link_invalid(scenario, smtp_server):
    client = scenario.client("koordination")
    einladen(client, kommune=scenario.a1.pk)
    alt = einladungslink(smtp_server, "nora.neu@example.org")
    konto = User.objects.get(username="nora.neu@example.org")

    response = client.post(reverse("buendnis:konto-erneut-einladen", args=[konto.pk]), follow=True)
    assert "erneut unterwegs" in response.content.decode()
    assert len(smtp_server.an("nora.neu@example.org")) == 2
    neu = einladungslink(smtp_server, "nora.neu@example.org")
    assert neu != alt

    assert "Dieser Link ist abgelaufen" in Client().get(alt, follow=True).content.decode()
    passwort_setzen(neu)
    assert anmelden("nora.neu@example.org").status_code == 302


def test_resending_is_refused_once_the_password_is_set(scenario, smtp_server):
    konto = scenario.users["kommune"]
    konto.email = "kom@example.org"
    konto.save()
    response = scenario.client("koordination").post(
        reverse("buendnis:konto-erneut-einladen", args=[konto.pk]), follow=True
    )
    assert "hat schon ein Passwort gesetzt" in response.content.decode()
    assert smtp_server.an("kom@example.org") == []


def test_the_link_of_a_deactivated_account_no_longer_works(scenario, smtp_server):
    client = scenario.client("koordination")
    einladen(client, kommune=scenario.a1.pk)
    link = einladungslink(smtp_server, "nora.neu@example.org")
    konto = User.objects.get(username="nora.neu@example.org")
    client.post(reverse("buendnis:konto-deaktivieren", args=[konto.pk]))
    assert "Dieser Link ist abgelaufen" in Client().get(link, follow=True).content.decode()


def test_invited_member_staff_and_coordination_get_their_assignment(scenario, smtp_server):
    client = scenario.client("koordination")
    einladen(client, email="traeger@example.org", rolle=Rolle.MITGLIED, akteur=scenario.akteur_a.pk)
    einladen(client, email="kollegin@example.org", rolle=Rolle.KOORDINATION)
    mitglied = User.objects.get(username="traeger@example.org")
    assert (mitglied.rolle, mitglied.akteur, mitglied.kommune) == (Rolle.MITGLIED, scenario.akteur_a, None)
    kollegin = User.objects.get(username="kollegin@example.org")
    # The coordination works in the admin too, as its accounts always have; nobody becomes superuser.
    assert kollegin.is_staff and not kollegin.is_superuser
    assert kollegin.buendnis == scenario.a


# Limits: own Bündnis, no role above ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "daten",
    [
        {"kommune": "b1"},
        {"rolle": Rolle.MITGLIED, "akteur": "akteur_b"},
        {"rolle": Rolle.LAND},
        {"rolle": ""},
        {"rolle": "superuser"},
        {"kommune": None},  # the role Kommune needs a Kommune
    ],
    ids=["kommune_b", "akteur_b", "land", "ohne_rolle", "superuser", "kommune_fehlt"],
)
def test_invitation_outside_the_own_buendnis_or_above_its_role_is_refused(scenario, smtp_server, daten):
    werte = {"kommune": scenario.a1.pk}
    for key, value in daten.items():
        werte[key] = getattr(scenario, value).pk if value in ("b1", "akteur_b") else value
    before = snapshot()
    response = einladen(scenario.client("koordination"), **werte)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "Bitte korrigieren Sie die markierten Angaben" in response.content.decode()
    assert snapshot() == before
    assert smtp_server.nachrichten == []


def test_tampered_flags_never_make_a_superuser_or_staff(scenario, smtp_server):
    response = einladen(
        scenario.client("koordination"),
        kommune=scenario.a1.pk,
        is_superuser="on",
        is_staff="on",
        buendnis=scenario.b.pk,
        username="admin2",
    )
    assert response.status_code == 302
    konto = User.objects.get(email="nora.neu@example.org")
    assert not konto.is_superuser and not konto.is_staff
    assert konto.buendnis == scenario.a
    assert konto.username == "nora.neu@example.org"


def test_service_refuses_land_and_foreign_rows_directly(scenario):
    by = scenario.users["koordination"]
    with pytest.raises(ValidationError) as exc:
        konten.konto_einladen(email="l@example.org", vorname="L", nachname="L", rolle=Rolle.LAND, by=by)
    assert "rolle" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        konten.konto_einladen(
            email="k@example.org", vorname="K", nachname="K", rolle=Rolle.KOMMUNE, kommune=scenario.b1, by=by
        )
    assert exc.value.message_dict["kommune"] == ["Die Kommune gehört zu einem anderen Bündnis."]
    # A superuser is no Bündnis to invite into; the Bündnis argument is ignored for the coordination.
    konto = konten.konto_einladen(
        email="k@example.org", vorname="K", nachname="K", rolle=Rolle.AUSWERTUNG, buendnis=scenario.b, by=by
    )
    assert konto.buendnis == scenario.a
    with pytest.raises(PermissionDenied):
        konten.konto_einladen(
            email="x@example.org",
            vorname="X",
            nachname="X",
            rolle=Rolle.AUSWERTUNG,
            by=scenario.users["kommune"],
        )


def test_a_proposed_akteur_cannot_be_assigned(scenario):
    vorschlag = AkteurFactory(buendnis=scenario.a, name="Neuer Verein", status=AkteurStatus.VORGESCHLAGEN)
    with pytest.raises(ValidationError) as exc:
        konten.konto_einladen(
            email="v@example.org",
            vorname="V",
            nachname="V",
            rolle=Rolle.MITGLIED,
            akteur=vorschlag,
            by=scenario.users["koordination"],
        )
    assert "noch nicht" in exc.value.message_dict["akteur"][0]


def test_duplicate_email_is_refused_with_a_message(scenario, smtp_server):
    konto = scenario.users["kommune"]
    konto.email = "kom@example.org"
    konto.save()
    before = snapshot()
    response = einladen(scenario.client("koordination"), email="KOM@example.org", kommune=scenario.a1.pk)
    assert "Für diese E-Mail-Adresse gibt es schon ein Konto." in response.content.decode()
    assert snapshot() == before
    assert smtp_server.nachrichten == []


def test_superuser_names_the_buendnis_of_the_new_account(scenario, smtp_server):
    client = scenario.client("admin")
    ohne = einladen(client, kommune=scenario.b1.pk)
    assert ohne.status_code == 200
    assert "buendnis" in ohne.context["form"].errors
    response = einladen(client, kommune=scenario.b1.pk, buendnis=scenario.b.pk)
    assert response.status_code == 302
    assert User.objects.get(username="nora.neu@example.org").buendnis == scenario.b


# Who reaches the pages ---------------------------------------------------------------------------------------------

SEITEN = ["buendnis:konto-list", "buendnis:konto-create", "buendnis:konto-update"]


@pytest.mark.parametrize(
    ("rolle", "erwartet"),
    [
        ("anonym", 302),
        ("kommune", 403),
        ("mitglied", 403),
        ("auswertung", 403),
        ("land", 403),
        ("koordination", 200),
        ("admin", 200),
    ],
)
@pytest.mark.parametrize("seite", SEITEN)
def test_account_pages_role_matrix(scenario, rolle, erwartet, seite):
    args = [scenario.users["kommune_a2"].pk] if seite == "buendnis:konto-update" else []
    response = scenario.client(rolle).get(reverse(seite, args=args))
    assert response.status_code == erwartet
    if rolle == "anonym":
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("rolle", ["anonym", "kommune", "mitglied", "auswertung", "land", "koordination_b"])
def test_roles_without_the_right_invite_nobody(scenario, smtp_server, rolle):
    before = snapshot()
    response = einladen(scenario.client(rolle), kommune=scenario.a1.pk)
    assert response.status_code in (302, 200, 403)
    if rolle == "anonym":
        assert response["Location"].startswith(reverse("login"))
    elif rolle != "koordination_b":
        assert response.status_code == 403
    assert not User.objects.filter(username="nora.neu@example.org", buendnis=scenario.a).exists()
    if rolle != "koordination_b":
        assert snapshot() == before
        assert smtp_server.nachrichten == []


def test_coordination_b_invites_only_into_b(scenario, smtp_server):
    # Kommune a1 is no choice for the coordination of b: the form refuses it and nothing is created.
    before = snapshot()
    response = einladen(scenario.client("koordination_b"), kommune=scenario.a1.pk)
    assert response.status_code == 200
    assert "kommune" in response.context["form"].errors
    assert snapshot() == before


@pytest.mark.parametrize("seite", ["buendnis:konto-update"])
def test_coordination_of_b_gets_404_for_accounts_of_a(scenario, seite):
    client = scenario.client("koordination_b")
    for konto in ("kommune", "mitglied", "koordination"):
        response = client.get(reverse(seite, args=[scenario.users[konto].pk]))
        assert response.status_code == 404
    liste = client.get(reverse("buendnis:konto-list"))
    namen = {k.username for k in liste.context["object_list"]}
    assert namen == {"koord-b", "kom-b1"}


def test_list_shows_neither_superusers_nor_the_state(scenario):
    client = scenario.client("koordination")
    namen = {k.username for k in client.get(reverse("buendnis:konto-list")).context["object_list"]}
    assert namen == {"koord", "kom-a1", "kom-a2", "mitglied", "auswertung"}
    for konto in ("admin", "land"):
        assert (
            client.get(reverse("buendnis:konto-update", args=[scenario.users[konto].pk])).status_code == 404
        )
        response = client.post(reverse("buendnis:konto-deaktivieren", args=[scenario.users[konto].pk]))
        assert response.status_code == 404
    assert User.objects.get(username="land").is_active


def test_superuser_pages_leave_state_and_superusers_alone_too(scenario):
    client = scenario.client("admin")
    namen = {k.username for k in client.get(reverse("buendnis:konto-list")).context["object_list"]}
    assert "land" not in namen and "admin" not in namen
    assert client.get(reverse("buendnis:konto-update", args=[scenario.users["land"].pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        konten.konto_deaktivieren(konto=scenario.users["land"], by=scenario.users["admin"])


def test_list_filters_by_role_and_state(scenario):
    User.objects.filter(username="auswertung").update(is_active=False)
    client = scenario.client("koordination")
    nur_kommunen = client.get(reverse("buendnis:konto-list"), {"rolle": Rolle.KOMMUNE})
    assert {k.username for k in nur_kommunen.context["object_list"]} == {"kom-a1", "kom-a2"}
    deaktiviert = client.get(reverse("buendnis:konto-list"), {"is_active": "false"})
    assert {k.username for k in deaktiviert.context["object_list"]} == {"auswertung"}
    assert "deaktiviert" in deaktiviert.content.decode()


def test_list_query_count_does_not_grow_with_the_accounts(scenario, django_assert_max_num_queries):
    client = scenario.client("koordination")
    url = reverse("buendnis:konto-list")
    client.get(url)  # warm the session
    with django_assert_max_num_queries(40) as wenige:
        client.get(url)
    for i in range(20):
        UserFactory(
            username=f"person{i}",
            rolle=Rolle.MITGLIED,
            buendnis=scenario.a,
            akteur=scenario.akteur_a,
            kommune=scenario.a1 if i % 2 else None,
        )
    with django_assert_max_num_queries(len(wenige.captured_queries)):
        client.get(url)


# Changing and deactivating ----------------------------------------------------------------------------------------


def test_coordination_changes_role_and_assignment(scenario):
    konto = scenario.users["kommune"]
    response = scenario.client("koordination").post(
        reverse("buendnis:konto-update", args=[konto.pk]),
        {
            "first_name": "Kai",
            "last_name": "Kommune",
            "rolle": Rolle.MITGLIED,
            "akteur": scenario.akteur_a.pk,
        },
    )
    assert response.status_code == 302
    konto.refresh_from_db()
    assert (konto.rolle, konto.akteur, konto.kommune, konto.first_name) == (
        Rolle.MITGLIED,
        scenario.akteur_a,
        None,
        "Kai",
    )
    assert not konto.is_staff and not konto.is_superuser


def test_promotion_to_coordination_makes_staff_never_superuser(scenario):
    konto = scenario.users["auswertung"]
    konten.konto_aendern(konto=konto, rolle=Rolle.KOORDINATION, by=scenario.users["koordination"])
    konto.refresh_from_db()
    assert konto.is_staff and not konto.is_superuser


@pytest.mark.parametrize(
    "daten",
    [
        {"rolle": Rolle.LAND},
        {"rolle": Rolle.KOMMUNE, "kommune": "b1"},
        {"rolle": Rolle.MITGLIED, "akteur": "akteur_b"},
    ],
    ids=["land", "kommune_b", "akteur_b"],
)
def test_change_beyond_the_own_buendnis_or_role_is_refused(scenario, daten):
    konto = scenario.users["kommune"]
    werte = {k: (getattr(scenario, v).pk if v in ("b1", "akteur_b") else v) for k, v in daten.items()}
    before = snapshot()
    response = scenario.client("koordination").post(reverse("buendnis:konto-update", args=[konto.pk]), werte)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert snapshot() == before


def test_nobody_changes_their_own_role(scenario):
    ich = scenario.users["koordination"]
    response = scenario.client("koordination").post(
        reverse("buendnis:konto-update", args=[ich.pk]),
        {"first_name": "Kim", "last_name": "K", "rolle": Rolle.AUSWERTUNG},
    )
    assert response.status_code == 302  # the role field is fixed on the own account; the name is saved
    ich.refresh_from_db()
    assert ich.rolle == Rolle.KOORDINATION
    assert ich.first_name == "Kim"
    with pytest.raises(ValidationError):
        konten.konto_aendern(konto=ich, rolle=Rolle.AUSWERTUNG, by=ich)


def test_deactivated_person_can_no_longer_sign_in_and_is_signed_out(scenario):
    konto = scenario.users["kommune"]
    Kalenderabo.objects.create(benutzer=konto, token_hash=token_hash("geheim"))
    angemeldet = scenario.client("kommune")
    assert angemeldet.get(reverse("buendnis:dashboard")).status_code == 200
    assert anmelden("kom-a1", "test-passwort-123").status_code == 302

    response = scenario.client("koordination").post(
        reverse("buendnis:konto-deaktivieren", args=[konto.pk]), follow=True
    )
    assert "ist deaktiviert" in response.content.decode()
    konto.refresh_from_db()
    assert not konto.is_active
    assert anmelden("kom-a1", "test-passwort-123").status_code == 200  # the form again, no session
    weiter = angemeldet.get("/aufgaben/")
    assert weiter.status_code == 302 and weiter["Location"].startswith(reverse("login"))
    assert Kalenderabo.objects.get(benutzer=konto).widerrufen_am is not None
    assert (
        "deaktiviert" in scenario.client("koordination").get(reverse("buendnis:konto-list")).content.decode()
    )

    scenario.client("koordination").post(reverse("buendnis:konto-reaktivieren", args=[konto.pk]))
    konto.refresh_from_db()
    assert konto.is_active
    assert anmelden("kom-a1", "test-passwort-123").status_code == 302


def test_nobody_deactivates_themselves(scenario):
    ich = scenario.users["koordination"]
    response = scenario.client("koordination").post(
        reverse("buendnis:konto-deaktivieren", args=[ich.pk]), follow=True
    )
    assert "Ihr eigenes Konto können Sie nicht deaktivieren." in response.content.decode()
    ich.refresh_from_db()
    assert ich.is_active


@pytest.mark.parametrize(
    ("rolle", "erwartet"),
    [
        ("anonym", 302),
        ("kommune_a2", 403),
        ("mitglied", 403),
        ("auswertung", 403),
        ("land", 403),
        ("koordination_b", 404),
    ],
)
@pytest.mark.parametrize("aktion", ["konto-deaktivieren", "konto-reaktivieren", "konto-erneut-einladen"])
def test_account_actions_role_matrix_changes_nothing(scenario, smtp_server, rolle, erwartet, aktion):
    konto = scenario.users["kommune"]
    if aktion == "konto-reaktivieren":
        User.objects.filter(pk=konto.pk).update(is_active=False)
    if aktion == "konto-erneut-einladen":
        User.objects.filter(pk=konto.pk).update(password="!offen", email="kom@example.org")
    before = snapshot()
    client = Client()
    if rolle != "anonym":
        client.force_login(scenario.users[rolle])
    response = client.post(reverse(f"buendnis:{aktion}", args=[konto.pk]))
    assert response.status_code == erwartet
    if rolle == "anonym":
        assert response["Location"].startswith(reverse("login"))
    assert snapshot() == before
    assert smtp_server.nachrichten == []


def test_account_actions_answer_get_with_405(scenario):
    client = scenario.client("koordination")
    konto = scenario.users["kommune"]
    assert client.get(reverse("buendnis:konto-deaktivieren", args=[konto.pk])).status_code == 405
    konto.refresh_from_db()
    assert konto.is_active


# Display ------------------------------------------------------------------------------------------------------------


def test_hostile_names_stay_escaped(scenario, smtp_server):
    client = scenario.client("koordination")
    einladen(
        client,
        vorname="<script>alert(1)</script>",
        nachname='"><img src=x onerror=alert(1)>',
        kommune=scenario.a1.pk,
    )
    konto = User.objects.get(username="nora.neu@example.org")
    for url in (reverse("buendnis:konto-list"), reverse("buendnis:konto-update", args=[konto.pk])):
        text = client.get(url).content.decode()
        assert "<script>alert(1)" not in text
        assert "<img src=x onerror=alert(1)>" not in text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    link = einladungslink(smtp_server, "nora.neu@example.org")
    seite = Client().get(link, follow=True).content.decode()
    assert "<script>alert(1)" not in seite
    assert "&lt;script&gt;" in seite


def test_navigation_links_the_account_pages_for_the_coordination_only(scenario):
    url = reverse("buendnis:konto-list")
    assert url in scenario.client("koordination").get(reverse("buendnis:dashboard")).content.decode()
    assert url not in scenario.client("kommune").get(reverse("buendnis:dashboard")).content.decode()


def test_proposed_akteur_of_an_account_stays_choosable_when_editing(scenario):
    # An account already assigned to an Akteur keeps it in the choices even while it is a proposal.
    vorschlag = Akteur.objects.create(
        buendnis=scenario.a,
        name="Vorschlag e. V.",
        typ="sonstige",
        bereich=scenario.akteur_a.bereich,
        status=AkteurStatus.VORGESCHLAGEN,
    )
    konto = scenario.users["mitglied"]
    User.objects.filter(pk=konto.pk).update(akteur=vorschlag)
    response = scenario.client("koordination").post(
        reverse("buendnis:konto-update", args=[konto.pk]),
        {"first_name": "M", "last_name": "M", "rolle": Rolle.MITGLIED, "akteur": vorschlag.pk},
    )
    assert response.status_code == 302
