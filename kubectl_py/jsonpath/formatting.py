"""How kubectl prints values, and the Go type model behind its messages.

Values are plain ``json.loads`` data. Go's view of them (kubectl decodes into
``interface{}``):

* ``dict`` -> ``map[string]interface {}``, ``list`` -> ``[]interface {}``;
* ``int`` -> ``int64`` when it fits, else ``float64`` (kubectl decodes integer
  literals beyond int64 as floats); ``float`` -> ``float64``;
* ``None`` is a nil held in an interface: printed ``null``;
* :data:`NOVALUE` is Go's *invalid* ``reflect.Value`` (a nil range item, or the
  placeholder an empty range runs its body on): printed ``<no value>``;
* :class:`GoUint8` is one byte of a string produced by ``.*`` on a string;
* :class:`LitInt` is an integer literal of the template (Go ``int``).
"""

from __future__ import annotations

try:  # the C accelerator; importing it does not import the json package
    from _json import encode_basestring as _json_quote
except ImportError:  # pragma: no cover - non-CPython
    from json.encoder import encode_basestring as _json_quote

INT64_MIN = -(1 << 63)
INT64_MAX = (1 << 63) - 1


class _NoValue:
    """Go's zero ``reflect.Value``."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "NOVALUE"


NOVALUE = _NoValue()


class GoUint8(int):
    """A byte of a string, as ``.*`` / ``..`` over a string yields them."""

    __slots__ = ()


class LitInt(int):
    """An integer literal of the template: Go ``int`` rather than ``int64``."""

    __slots__ = ()


def utf8(s: str) -> bytes:
    """The bytes of a Go string. Raw bytes (from ``\\xHH`` escapes or
    undecodable input) are carried in ``str`` as surrogate escapes."""
    try:
        return s.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return s.encode("utf-8", "surrogatepass")


def is_float(v) -> bool:
    """True for values Go holds as float64 (floats and out-of-range ints)."""
    if type(v) is float:
        return True
    return type(v) is int and not INT64_MIN <= v <= INT64_MAX


def go_type_name(v) -> str:
    """The Go type name kubectl's error messages show for a value."""
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, GoUint8):
        return "uint8"
    if isinstance(v, LitInt):
        return "int"
    if isinstance(v, int):
        return "int64" if INT64_MIN <= v <= INT64_MAX else "float64"
    if isinstance(v, float):
        return "float64"
    if isinstance(v, str):
        return "string"
    if isinstance(v, dict):
        return "map[string]interface {}"
    if isinstance(v, (list, tuple)):
        return "[]interface {}"
    if v is None:
        return "interface {}"
    return type(v).__name__


# --- floats --------------------------------------------------------------------------


def _shortest_digits(f: float):
    """(negative, digits, point) with ``f == 0.digits * 10**point``; digits are
    the shortest round-trip digits (what both Go and Python ``repr`` use)."""
    r = repr(f)
    neg = r.startswith("-")
    if neg:
        r = r[1:]
    mant, _, exp = r.partition("e")
    ipart, _, frac = mant.partition(".")
    digits = ipart + frac
    point = len(ipart) + (int(exp) if exp else 0)
    stripped = digits.lstrip("0")
    point -= len(digits) - len(stripped)
    return neg, stripped.rstrip("0"), point


def _decimal(digits: str, point: int) -> str:
    if point <= 0:
        return "0." + "0" * -point + digits
    if point >= len(digits):
        return digits + "0" * (point - len(digits))
    return digits[:point] + "." + digits[point:]


def format_float_v(f: float) -> str:
    """Go ``%v`` of a float64 (``strconv.FormatFloat(f, 'g', -1, 64)``):
    exponent form when the decimal exponent is < -4 or >= 6 (``1e+06``),
    exponent signed and at least two digits."""
    neg, digits, point = _shortest_digits(f)
    sign = "-" if neg else ""
    if not digits:
        return sign + "0"
    x = point - 1
    if x < -4 or x >= 6:
        m = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return "%s%se%s%02d" % (sign, m, "-" if x < 0 else "+", abs(x))
    return sign + _decimal(digits, point)


def format_float_json(f: float) -> str:
    """Go ``encoding/json`` float64: plain decimal unless abs < 1e-6 or
    abs >= 1e21; exponent not zero-padded (``1e-7``, ``1e+21``)."""
    neg, digits, point = _shortest_digits(f)
    sign = "-" if neg else ""
    if not digits:
        return sign + "0"
    a = abs(f)
    if a < 1e-6 or a >= 1e21:
        x = point - 1
        m = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return "%s%se%s%d" % (sign, m, "-" if x < 0 else "+", abs(x))
    return sign + _decimal(digits, point)


# --- Go encoding/json ----------------------------------------------------------------

# Go escapes HTML-significant characters and the JS line separators; Python's
# encoder (ensure_ascii=False) already matches it on everything else, including
# \b and \f short forms (Go >= 1.22).
_HTML_ESCAPES = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))


def _json_string(s: str) -> str:
    out = _json_quote(s)
    for ch, esc in _HTML_ESCAPES:
        if ch in out:
            out = out.replace(ch, esc)
    return out


def _json_parts(v, parts: list) -> None:
    t = type(v)
    if t is str:
        parts.append(_json_string(v))
    elif t is dict or isinstance(v, dict):
        if not v:
            parts.append("{}")
            return
        sep = "{"
        for k in sorted(v):  # Go sorts map keys bytewise (= code point order)
            parts.append(sep)
            parts.append(_json_string(str(k)))
            parts.append(":")
            _json_parts(v[k], parts)
            sep = ","
        parts.append("}")
    elif t is list or isinstance(v, (list, tuple)):
        if not v:
            parts.append("[]")
            return
        sep = "["
        for item in v:
            parts.append(sep)
            _json_parts(item, parts)
            sep = ","
        parts.append("]")
    elif v is True:
        parts.append("true")
    elif v is False:
        parts.append("false")
    elif v is None or v is NOVALUE:
        parts.append("null")
    elif isinstance(v, float) or is_float(v):
        parts.append(format_float_json(float(v)))
    elif isinstance(v, int):
        parts.append(str(int(v)))
    else:
        parts.append(_json_string(str(v)))


def go_json(v) -> str:
    """Compact Go ``json.Marshal`` of a JSON value."""
    parts: list = []
    _json_parts(v, parts)
    return "".join(parts)


# --- printing results ----------------------------------------------------------------


def format_value(v) -> str:
    """One result the way kubectl's JSONPath printer writes it: maps and
    slices as Go JSON, scalars with Go ``fmt.Print``."""
    t = type(v)
    if t is str:
        return v
    if t is dict or t is list or isinstance(v, (dict, list, tuple)):
        return go_json(v)
    if v is True:
        return "true"
    if v is False:
        return "false"
    if v is None:
        return "null"
    if v is NOVALUE:
        return "<no value>"
    if t is float or is_float(v):
        return format_float_v(float(v))
    if isinstance(v, int):
        return str(int(v))
    return str(v)


def format_results(results: list) -> str:
    """The results of one node: joined by one space."""
    if len(results) == 1:
        return format_value(results[0])
    return " ".join([format_value(v) for v in results])


# --- Go %v (used in "... cannot be filtered" messages) ------------------------------


def go_sprint_v(v) -> str:
    """Go ``fmt`` ``%v`` of a value: ``map[k:v ...]`` with sorted keys,
    ``[a b]`` for slices, ``<nil>`` for nil."""
    if v is NOVALUE:
        return "<invalid reflect.Value>"
    if v is None:
        return "<nil>"
    if isinstance(v, str):
        return v
    if isinstance(v, dict):
        return "map[" + " ".join("%s:%s" % (k, go_sprint_v(v[k])) for k in sorted(v)) + "]"
    if isinstance(v, (list, tuple)):
        return "[" + " ".join(go_sprint_v(x) for x in v) + "]"
    return format_value(v)
