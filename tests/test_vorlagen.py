"""Template source checks that rendering tests would only catch on the pages they happen to visit."""

from pathlib import Path

import pytest

VORLAGEN = sorted((Path(__file__).resolve().parent.parent / "templates").rglob("*.html"))


@pytest.mark.parametrize("vorlage", VORLAGEN, ids=lambda p: str(p.relative_to(p.parents[1])))
def test_template_comments_close_on_their_line(vorlage):
    """`{# ... #}` is a one-line comment in Django: spread over lines it is printed on the page."""
    for nr, zeile in enumerate(vorlage.read_text(encoding="utf-8").splitlines(), start=1):
        rest = zeile
        while "{#" in rest:
            rest = rest[rest.index("{#") + 2 :]
            assert "#}" in rest, f"{vorlage}:{nr}: „{{#“ ohne „#}}“ auf derselben Zeile"
            rest = rest[rest.index("#}") + 2 :]
