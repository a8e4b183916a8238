"""The distribution key: exact to the cent, proportional within one cent (largest-remainder method)."""

from decimal import Decimal
from fractions import Fraction

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from foerderung.verteilung import exakter_anteil, verteile

CENT = Decimal("0.01")
betraege = st.decimals(
    min_value=0, max_value=Decimal("100000000"), places=2, allow_nan=False, allow_infinity=False
)
indikatoren = st.lists(
    st.decimals(min_value=0, max_value=Decimal("100000"), places=3, allow_nan=False, allow_infinity=False),
    min_size=1,
    max_size=60,
).filter(lambda werte: sum(werte) > 0)


@settings(max_examples=300, deadline=None)
@given(total=betraege, werte=indikatoren)
def test_distribution_sums_exactly_and_is_proportional_within_one_cent(total, werte):
    keys = {f"B{i}": w for i, w in enumerate(werte)}
    ergebnis = verteile(total, keys)
    assert sum(ergebnis.values()) == total
    exakt = exakter_anteil(total, keys)
    for key, teil in ergebnis.items():
        assert isinstance(teil, Decimal)
        assert teil == teil.quantize(CENT)
        assert abs(Fraction(teil) - exakt[key]) < Fraction(1, 100)


@settings(max_examples=200, deadline=None)
@given(
    werte=indikatoren,
    sockel=st.decimals(
        min_value=0, max_value=Decimal("1000"), places=2, allow_nan=False, allow_infinity=False
    ),
    rest=betraege,
)
def test_distribution_with_base_amount_gives_everyone_the_base_first(werte, sockel, rest):
    keys = {i: w for i, w in enumerate(werte)}
    total = sockel * len(keys) + rest
    ergebnis = verteile(total, keys, sockel)
    assert sum(ergebnis.values()) == total
    exakt = exakter_anteil(total, keys, sockel)
    for key, teil in ergebnis.items():
        assert teil >= sockel
        assert abs(Fraction(teil) - exakt[key]) < Fraction(1, 100)


def test_leftover_cents_go_to_largest_remainders():
    # 100.00 / 3 = 33.333…: one cent left over, it goes to the first of equal remainders.
    assert verteile(Decimal("100.00"), {"a": 1, "b": 1, "c": 1}) == {
        "a": Decimal("33.34"),
        "b": Decimal("33.33"),
        "c": Decimal("33.33"),
    }
    # Remainders .6 (b) beat .4 (a).
    assert verteile(Decimal("0.10"), {"a": 2, "b": 3}) == {"a": Decimal("0.04"), "b": Decimal("0.06")}


def test_zero_indicators_with_money_left_is_refused_in_german():
    with pytest.raises(ValidationError, match="Indikatorwerte ergeben zusammen 0"):
        verteile(Decimal("10.00"), {"a": 0, "b": 0})


def test_base_amounts_above_total_are_refused():
    with pytest.raises(ValidationError, match="Sockelbeträge"):
        verteile(Decimal("10.00"), {"a": 1, "b": 1}, Decimal("6.00"))


def test_float_input_is_rejected():
    with pytest.raises(TypeError):
        verteile(10.0, {"a": 1})  # money must never be float
    with pytest.raises(TypeError):
        verteile(Decimal("10.00"), {"a": 0.5})


def test_negative_indicator_is_refused():
    with pytest.raises(ValidationError, match="nicht negativ"):
        verteile(Decimal("10.00"), {"a": -1, "b": 2})


@settings(max_examples=200, deadline=None)
@given(
    daten=st.lists(
        st.tuples(
            st.decimals(
                min_value=0, max_value=Decimal("100000"), places=3, allow_nan=False, allow_infinity=False
            ),
            st.decimals(
                min_value=0, max_value=Decimal("5000"), places=2, allow_nan=False, allow_infinity=False
            ),
        ),
        min_size=1,
        max_size=60,
    ).filter(lambda d: sum(w for w, _s in d) > 0),
    rest=betraege,
)
def test_distribution_with_a_base_amount_per_recipient_sums_exactly(daten, rest):
    """The service passes one stored base amount per Bündnis; the parts still add up and stay within a cent."""
    werte = {i: w for i, (w, _s) in enumerate(daten)}
    sockel = {i: s for i, (_w, s) in enumerate(daten)}
    total = sum(sockel.values(), Decimal("0")) + rest
    ergebnis = verteile(total, werte, sockel)
    assert sum(ergebnis.values()) == total
    summe = sum((Fraction(w) for w in werte.values()), Fraction(0))
    for key, teil in ergebnis.items():
        assert isinstance(teil, Decimal) and teil >= sockel[key]
        exakt = Fraction(sockel[key]) + Fraction(rest) * Fraction(werte[key]) / summe
        assert abs(Fraction(teil) - exakt) < Fraction(1, 100)
