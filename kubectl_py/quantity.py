"""Kubernetes resource quantities (``100m``, ``128Mi``, ``1e3``): parse to exact numbers, print the
canonical form of apimachinery's ``Quantity.String()``.

Documents carry a quantity as ``{"value": <as written>, "base": <number in base units>}`` (cpu in
cores, memory and storage in bytes, everything else in its own unit); :func:`record` builds that.
"""

from __future__ import annotations

import re
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, InvalidOperation, localcontext
from functools import lru_cache

_BINARY = {"Ki": 1, "Mi": 2, "Gi": 3, "Ti": 4, "Pi": 5, "Ei": 6}
_DECIMAL = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
_DECIMAL_SUFFIX = {v: k for k, v in _DECIMAL.items()}
_BINARY_SUFFIX = {0: "", **{v: k for k, v in _BINARY.items()}}
_RE = re.compile(r"^([+-]?(?:\d+\.?\d*|\.\d+))(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$")
_NANO = Decimal("1e-9")

DECIMAL_SI = "DecimalSI"
BINARY_SI = "BinarySI"
DECIMAL_EXPONENT = "DecimalExponent"


class QuantityError(ValueError):
    pass


_MAX_INT64 = 2**63 - 1


def _split(text) -> tuple:
    if isinstance(text, bool):
        raise QuantityError(f"quantities must match the regular expression: {text!r}")
    if isinstance(text, (int, float)):
        text = repr(text) if isinstance(text, float) else str(text)
    text = str(text).strip()
    m = _RE.match(text)
    if not m:
        raise QuantityError(
            f"quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$': {text!r}"
        )
    return text, m.group(1), m.group(2) or ""


@lru_cache(maxsize=4096)  # describing a node parses the same few strings for each of its pods
def parse_full(text) -> tuple:
    """``(value: Decimal, format, cached)`` like ``resource.ParseQuantity``: the value rounded up to nano
    units (binary values capped at 2^63-1), and ``cached`` the string itself when Go keeps it as the
    quantity's ``String()`` (input already in a canonical-looking form), else None."""
    text, number, suffix = _split(text)
    if text == "0":
        return Decimal(0), DECIMAL_SI, "0"
    sign = -1 if number.startswith("-") else 1
    digits = number.lstrip("+-")
    num, _, denom = digits.partition(".")
    with localcontext() as ctx:
        ctx.prec = 200
        try:
            value = Decimal(number)
        except InvalidOperation as exc:  # pragma: no cover - the regexp guards this
            raise QuantityError(text) from exc
        if suffix in _BINARY:
            fmt, exponent = BINARY_SI, _BINARY[suffix] * 10
            value = value * (Decimal(2) ** exponent)
        elif suffix in _DECIMAL:
            fmt, exponent = DECIMAL_SI, _DECIMAL[suffix]
            value = value.scaleb(exponent)
        else:
            fmt, exponent = DECIMAL_EXPONENT, int(suffix[1:])
            value = value.scaleb(exponent)
        cached = None
        # Go's int64 fast path keeps the string when it already looks canonical
        if fmt == BINARY_SI:
            precision = 15 - len(num) - int(exponent * 3 / 10) - 1 if not denom else -1
            scale = 0
        else:
            precision = 18 - (len(num) + len(denom))
            scale = exponent
        if precision >= 0:
            scale -= len(denom)
            shifted = num + denom
            if scale >= -9 and shifted and abs(int(shifted)) < 2**63:
                if fmt == BINARY_SI:
                    if exponent % 10 == 0 and int(shifted) & 7 != 0:
                        cached = text
                elif scale % 3 == 0 and not shifted.endswith("000") and shifted[0] != "0":
                    cached = text
                if abs(int(shifted) * (2**exponent if fmt == BINARY_SI else 1)) >= 2**63:
                    cached = None
        # more precise than nano: round up (away from zero), as Go does
        rounding = ROUND_FLOOR if value < 0 else ROUND_CEILING
        if value != value.quantize(_NANO, rounding=rounding):
            value = value.quantize(_NANO, rounding=rounding)
        if fmt == BINARY_SI and abs(value) > _MAX_INT64 and cached is None:
            value = Decimal(_MAX_INT64) * sign
        if fmt == BINARY_SI and 0 < abs(value) < 1:
            fmt = DECIMAL_SI
    return value, fmt, cached


def parse(text) -> tuple:
    """``(value: Decimal, format)`` of a quantity string (or a JSON number)."""
    value, fmt, _ = parse_full(text)
    return value, fmt


def canonical(text) -> str:
    """``Quantity.String()`` of a quantity as written (``0.5`` -> ``500m``, ``2000`` -> ``2k``)."""
    value, fmt, cached = parse_full(text)
    return cached if cached is not None else format_value(value, fmt)


def format_value(value: Decimal, fmt: str = DECIMAL_SI) -> str:
    if value == 0:
        return "0"
    if fmt == BINARY_SI:
        if -1024 < value < 1024 or value != value.to_integral_value():
            fmt = DECIMAL_SI
        else:
            amount, exp = int(value), 0
            while amount % 1024 == 0 and exp < 6:
                amount //= 1024
                exp += 1
            return f"{amount}{_BINARY_SUFFIX[exp]}"
    # decimal: integer mantissa * 10^exp, exp a multiple of 3, as large as possible, >= -9
    with localcontext() as ctx:
        ctx.prec = 200
        exp = -9
        mantissa = int(value.scaleb(9))
        while mantissa % 10 == 0:
            mantissa //= 10
            exp += 1
        rem = exp % 3  # Python's modulo floors, which is what Go's two switch cases do
        mantissa *= 10**rem
        exp -= rem
    if fmt == DECIMAL_EXPONENT:
        return f"{mantissa}" + (f"e{exp}" if exp else "")
    if exp in _DECIMAL_SUFFIX:
        return f"{mantissa}{_DECIMAL_SUFFIX[exp]}"
    # beyond E: Go cannot build a suffix either; keep the number exact
    return f"{mantissa}e{exp}"


def to_number(value: Decimal):
    """A JSON number: an int when integral, else a float."""
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def base(text):
    """The quantity in base units as a JSON number, or None when it does not parse."""
    try:
        return to_number(parse(text)[0])
    except QuantityError:
        return None


def record(text) -> dict | None:
    """``{"value": "100m", "base": 0.1}``; ``None`` for a missing quantity."""
    if text is None:
        return None
    return {"value": text if isinstance(text, str) else str(text), "base": base(text)}


def resource_list(resources: dict | None) -> dict:
    """A ResourceList (``{"cpu": "100m", ...}``) as quantity records, keys sorted."""
    return {name: record(resources[name]) for name in sorted(resources or {})}


def milli_value(text) -> int:
    """``Quantity.MilliValue()``: rounded up to an integer number of milli-units."""
    value, _ = parse(text)
    return int((value * 1000).to_integral_value(rounding=ROUND_CEILING if value >= 0 else ROUND_FLOOR))


def value(text) -> int:
    """``Quantity.Value()``: rounded up to an integer."""
    val, _ = parse(text)
    return int(val.to_integral_value(rounding=ROUND_CEILING if val >= 0 else ROUND_FLOOR))
