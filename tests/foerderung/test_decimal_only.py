"""Money is Decimal end to end: no float anywhere in the funding app."""

import ast
from pathlib import Path

from django.apps import apps
from django.db import models

APP_DIR = Path(__file__).resolve().parents[2] / "foerderung"


def test_no_float_in_foerderung_source():
    offenders = []
    for path in APP_DIR.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and node.id == "float":
                offenders.append(f"{path.name}:{node.lineno} float")
            if isinstance(node, ast.Attribute) and node.attr == "FloatField":
                offenders.append(f"{path.name}:{node.lineno} FloatField")
            if isinstance(node, ast.Constant) and isinstance(node.value, float):
                offenders.append(f"{path.name}:{node.lineno} float literal {node.value}")
    assert offenders == []


def test_every_money_field_is_decimal_14_2():
    for model in apps.get_app_config("foerderung").get_models():
        for field in model._meta.get_fields():
            assert not isinstance(field, models.FloatField), f"{model.__name__}.{field.name}"
            if isinstance(field, models.DecimalField) and "EUR" in str(field.verbose_name):
                assert (field.max_digits, field.decimal_places) == (14, 2), f"{model.__name__}.{field.name}"
