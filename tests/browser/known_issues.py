"""Accessibility violations known to sit in templates this suite may not change (they belong to an app).

A page whose only violations are listed here makes its test xfail with the exact fix as reason; any other violation
fails the test. Remove an entry once the app template is fixed (the test then passes again on its own).
"""

import re
from dataclasses import dataclass

import pytest


@dataclass(frozen=True)
class KnownViolation:
    path: re.Pattern
    rule: str
    template: str
    fix: str

    def matches(self, path: str, rule: str) -> bool:
        return rule == self.rule and bool(self.path.search(path))

    def __str__(self):
        return f"{self.rule} in {self.template}: {self.fix}"


KNOWN_VIOLATIONS: list[KnownViolation] = []


def known(path: str, rule: str) -> KnownViolation | None:
    return next((k for k in KNOWN_VIOLATIONS if k.matches(path, rule)), None)


def fail_or_xfail(found: dict[str, list[tuple]], header: str, format_report) -> None:
    """`found` maps a path to (rule id, ...) tuples. Unknown violations fail; only known ones xfail."""
    unbekannt = {p: [v for v in vs if not known(p, v[0])] for p, vs in found.items()}
    unbekannt = {p: vs for p, vs in unbekannt.items() if vs}
    assert unbekannt == {}, f"{header}\n{format_report(unbekannt)}"
    if found:
        gruende = sorted({str(known(p, v[0])) for p, vs in found.items() for v in vs})
        pytest.xfail("known violations in app templates: " + " | ".join(gruende))
