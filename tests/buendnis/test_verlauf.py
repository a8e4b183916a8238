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
