"""A residence status' legal basis is shown once: not again after a name that cites it already."""

from __future__ import annotations

from django.urls import reverse

from angebote.models import Aufenthaltsstatus


def status(bezeichnung: str, rechtsgrundlage: str) -> Aufenthaltsstatus:
    return Aufenthaltsstatus(bezeichnung=bezeichnung, rechtsgrundlage=rechtsgrundlage)


def test_legal_basis_cited_in_the_name_is_not_repeated():
    assert (
        status("Aufenthaltserlaubnis § 25 Abs. 5 AufenthG", "§ 25 Abs. 5 AufenthG").rechtsgrundlage_zusatz
        == ""
    )
    assert (
        status("Aufenthaltserlaubnis § 25a/§ 25b AufenthG", "§ 25a, § 25b AufenthG").rechtsgrundlage_zusatz
        == ""
    )


def test_legal_basis_not_in_the_name_is_shown():
    assert status("Duldung", "§ 60a AufenthG").rechtsgrundlage_zusatz == "§ 60a AufenthG"
    humanitaer = status("Aufenthaltserlaubnis aus humanitären Gründen", "§ 25 Abs. 1–3 AufenthG")
    assert humanitaer.rechtsgrundlage_zusatz == "§ 25 Abs. 1–3 AufenthG"
    # A name citing another paragraph does not swallow the basis.
    assert status("Erlaubnis § 25 Abs. 5", "§ 25 Abs. 1–3 AufenthG").rechtsgrundlage_zusatz != ""
    assert status("sonstiger Status", "").rechtsgrundlage_zusatz == ""


def test_offer_form_and_access_matrix_show_the_legal_basis_once(scenario):
    doppelt = "§ 25 Abs. 5 AufenthG § 25 Abs. 5 AufenthG"
    client = scenario.client("koordination")
    for url in (reverse("angebote:zugangsmatrix"), reverse("angebote:angebot-create")):
        response = client.get(url)
        assert response.status_code == 200, url
        text = " ".join(response.content.decode().replace('<small class="text-muted">', "").split())
        assert "Aufenthaltserlaubnis § 25 Abs. 5 AufenthG" in text
        assert doppelt not in text
        assert "(§ 25 Abs. 5 AufenthG)" not in text
