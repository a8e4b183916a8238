"""The account page shows the edited account in its body and the signed-in person in the page frame: the edited
User must not take the template's `user` (Django's default context name for a User object)."""

from __future__ import annotations

import re

from django.urls import reverse


def _kopfname(html: str) -> str:
    treffer = re.search(r'<span class="konto-name">([^<]*)</span>', html)
    assert treffer, "the person's menu in the header is missing"
    return treffer.group(1).strip()


def test_header_names_the_signed_in_coordination_not_the_edited_account(scenario):
    koordination, anderer = scenario.users["koordination"], scenario.users["kommune_a2"]
    koordination.first_name, koordination.last_name = "Karla", "Koordinatorin"
    koordination.save()
    anderer.first_name, anderer.last_name = "Otto", "Ortsverwaltung"
    anderer.save()
    client = scenario.client("koordination")
    html = client.get(reverse("buendnis:konto-update", args=[anderer.pk])).content.decode()
    assert _kopfname(html) == "Karla Koordinatorin"
    assert "Konto von Otto Ortsverwaltung" in html
    # The menus are the coordination's own (the Kommune's role may not manage accounts or import offers).
    assert reverse("buendnis:konto-list") in html
