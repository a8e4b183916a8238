"""The demo's data files in `demo/data/` (UTF-8): JSON for nested records, CSV for tables."""

from __future__ import annotations

import csv
import datetime
import json
from pathlib import Path
from typing import Any

ORDNER = Path(__file__).parent / "data"


def json_datei(name: str) -> Any:
    with (ORDNER / name).open(encoding="utf-8") as fh:
        return json.load(fh)


def csv_datei(name: str) -> list[dict[str, str]]:
    with (ORDNER / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def datum(text: str | None) -> datetime.date | None:
    """An ISO date ("2019-06-27"); empty or null is None."""
    return datetime.date.fromisoformat(text) if text else None


def zahl(text: str) -> int | None:
    """A whole number from a CSV cell; an empty cell is None."""
    return int(text) if text else None


def ja(text: str) -> bool:
    """A yes/no cell ("ja" or "nein")."""
    if text not in ("ja", "nein"):
        raise ValueError(f"ja oder nein erwartet, nicht {text!r}")
    return text == "ja"


def liste(text: str) -> list[str]:
    """A cell holding several values separated by semicolons; empty is the empty list."""
    return text.split(";") if text else []
