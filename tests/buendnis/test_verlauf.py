"""The change history on detail pages names related objects and choice labels, not ids and codes."""

import pytest
from django.template import Context, Template

from buendnis.models.gremien import VereinbarungStatus
from tests.factories import AkteurFactory, VereinbarungFactory


def verlauf(obj) -> str:
    return Template("{% load buendnis_tags %}{% aenderungsverlauf obj %}").render(Context({"obj": obj}))


@pytest.mark.django_db
def test_history_shows_many_to_many_and_choices_by_name(scenario):
    jobcenter = AkteurFactory(buendnis=scenario.a, name="Jobcenter Rhein-Kreis Neuss")
    kammer = AkteurFactory(buendnis=scenario.a, name="IHK Mittlerer Niederrhein")
    vv = VereinbarungFactory(buendnis=scenario.a, status=VereinbarungStatus.ENTWURF)
    vv.parteien.add(jobcenter)
    vv.status = VereinbarungStatus.IN_KRAFT
    vv.save()
    vv.parteien.add(kammer)
    vv.save()

    html = verlauf(vv)
    assert "Entwurf → in Kraft" in html
    assert "in_kraft" not in html
    assert "IHK Mittlerer Niederrhein" in html
    assert "Jobcenter Rhein-Kreis Neuss" in html
    assert f"'akteur': {jobcenter.pk}" not in html


DETAIL_EDITS = [
    ("buendnis:buendnis-update", "buendnis", "buendnis:buendnis-detail"),
    ("buendnis:kommune-update", "kommune", "buendnis:kommune-detail"),
    ("buendnis:akteur-update", "akteur", "buendnis:akteur-detail"),
    ("buendnis:gremium-update", "gremium", "buendnis:gremium-detail"),
    ("buendnis:sitzung-update", "sitzung", "buendnis:sitzung-detail"),
    ("buendnis:aufgabe-update", "aufgabe", "buendnis:aufgabe-detail"),
    ("buendnis:vereinbarung-update", "vereinbarung", "buendnis:vereinbarung-detail"),
]


@pytest.mark.parametrize(("edit", "key", "detail"), DETAIL_EDITS)
def test_every_detail_page_shows_who_changed_what_and_when(scenario, welt, edit, key, detail):
    from django.urls import reverse
    from django.utils import timezone

    from buendnis.models import User
    from tests.buendnis.test_schreibrechte import WRITES

    User.objects.filter(pk=scenario.users["koordination"].pk).update(first_name="Karla", last_name="Koordina")
    data = next(d for url, k, d in WRITES if url == edit)
    obj = welt["a"][key]
    response = scenario.client("koordination").post(reverse(edit, args=[obj.pk]), data(welt["a"], scenario))
    assert response.status_code == 302
    body = scenario.client("auswertung").get(reverse(detail, args=[obj.pk])).content.decode()
    verlauf = body.split("Änderungsverlauf", 1)[1]
    assert "Karla Koordina" in verlauf  # who, by name
    assert "Gekapert" in verlauf  # what: the new value
    assert timezone.localtime().strftime("%d.%m.%Y") in verlauf  # when


@pytest.mark.parametrize(("edit", "key", "detail"), DETAIL_EDITS)
def test_cached_history_of_every_detail_page_shows_an_edit_at_once(
    scenario, welt, mit_cache, festschreiben, edit, key, detail
):
    """The history is rendered once per object and data stamp (issue 18): an edit through the form shows on the
    next request, for the editor and for a reader of another role."""
    from django.urls import reverse

    from tests.buendnis.test_schreibrechte import WRITES

    data = next(d for url, k, d in WRITES if url == edit)
    obj = welt["a"][key]
    url = reverse(detail, args=[obj.pk])
    leser = [scenario.client("koordination"), scenario.client("auswertung")]
    for client in leser:  # fill the cache of both scopes
        for _mal in range(2):
            assert "Gekapert" not in client.get(url).content.decode().split("Änderungsverlauf", 1)[1]
    with festschreiben():
        response = scenario.client("koordination").post(
            reverse(edit, args=[obj.pk]), data(welt["a"], scenario)
        )
    assert response.status_code == 302
    for client in leser:
        assert "Gekapert" in client.get(url).content.decode().split("Änderungsverlauf", 1)[1]
