"""Kubernetes quantities: parsing to base units and Go's ``Quantity.String()``.

The expected strings, MilliValue() and Value() were produced once by k8s.io/apimachinery v0.37.2's
``resource.ParseQuantity`` (Go is not needed to run these tests)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kubectl_py import quantity
from kubectl_py.describe.nodes import Q

# (written, String(), MilliValue(), Value())
GO = [
    ("100m", "100m", 100, 1),
    ("0.5", "500m", 500, 1),
    ("2000", "2k", 2000000, 2000),
    ("1Gi", "1Gi", 1073741824000, 1073741824),
    ("1.5Gi", "1536Mi", 1610612736000, 1610612736),
    ("512Mi", "512Mi", 536870912000, 536870912),
    ("1024", "1024", 1024000, 1024),
    ("16384256Ki", "16384256Ki", 16777478144000, 16777478144),
    ("1e3", "1e3", 1000000, 1000),
    ("0", "0", 0, 0),
    ("1500m", "1500m", 1500, 2),
    ("129M", "129M", 129000000000, 129000000),
    ("0.1n", "1n", 1, 1),
    ("1.5", "1500m", 1500, 2),
    ("100Ki", "100Ki", 102400000, 102400),
    ("3.5e3", "3500", 3500000, 3500),
    ("1E3", "1E3", 1000000, 1000),
    ("0.0001", "100u", 1, 1),
    ("1.000000001", "1.000000001", 1001, 2),
    ("123456789", "123456789", 123456789000, 123456789),
    ("12e6", "12e6", 12000000000, 12000000),
    ("1k", "1k", 1000000, 1000),
    ("1000k", "1M", 1000000000, 1000000),
    ("1000000", "1M", 1000000000, 1000000),
    ("1024Ki", "1Mi", 1048576000, 1048576),
    ("1025Ki", "1025Ki", 1049600000, 1049600),
    ("0.5Ki", "512", 512000, 512),
    ("1.5Ki", "1536", 1536000, 1536),
    ("-100m", "-100m", -100, -1),
    ("-1Gi", "-1Gi", -1073741824000, -1073741824),
    ("2.5E-3", "2500e-6", 3, 1),
    ("1e-9", "1e-9", 1, 1),
    ("1e-10", "1e-9", 1, 1),
    ("+1", "+1", 1000, 1),
    ("5.", "5.", 5000, 5),
    ("999999999999999999", "999999999999999999", None, 999999999999999999),
    ("9223372036854775807", "9223372036854775807", None, 9223372036854775807),
    ("1Ei", "1Ei", None, 1152921504606846976),
    ("1024Ei", "9223372036854775807", None, 9223372036854775807),
]


@pytest.mark.parametrize("text,string,milli,value", GO, ids=[g[0] for g in GO])
def test_matches_go(text, string, milli, value):
    assert quantity.canonical(text) == string
    assert quantity.value(text) == value
    if milli is not None:
        assert quantity.milli_value(text) == milli


@pytest.mark.parametrize(
    "text,base",
    [("100m", 0.1), ("128Mi", 134217728), ("1G", 10**9), ("2", 2), ("1.5", 1.5), ("0", 0), ("100Ki", 102400)],
)
def test_record_base_units(text, base):
    rec = quantity.record(text)
    assert rec == {"value": text, "base": base}
    assert type(rec["base"]) is type(base)


def test_bad_quantities():
    for bad in ("", "abc", "1.2.3", "1Kb", True):
        with pytest.raises(quantity.QuantityError):
            quantity.parse(bad)
    assert quantity.base("nope") is None
    assert quantity.record(None) is None


def test_sums_keep_the_first_format_like_go():
    # Go: 0 + 64Mi + 100M -> "167108864"; 100M + 64Mi -> "167108864"; 100m + 1 -> "1100m"
    a = Q()
    a.add(Q.of("64Mi"))
    a.add(Q.of("100M"))
    assert a.string() == "167108864" and a.fmt == quantity.BINARY_SI
    b = Q.of("100M")
    b.add(Q.of("64Mi"))
    assert b.string() == "167108864"
    c = Q.of("100m")
    c.add(Q.of("1"))
    assert c.string() == "1100m"
    d = Q.of("1E3")
    assert d.string() == "1E3" and d.copy().string() == "1E3"
    d.add(Q.of("0"))
    assert d.string() == "1e3"
    assert Q().string() == "0" and Q(Decimal("0.25")).record() == {"value": "250m", "base": 0.25}
