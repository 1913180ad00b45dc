"""Text helpers every describe renderer shares: times, labels, annotations, taints, tolerations,
selectors, quantities and the ``Events:`` table, each as kubectl prints it.
"""

from __future__ import annotations

from datetime import datetime, timezone

from .. import quantity

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
MAX_ANNOTATION_LEN = 140
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


# -- times --------------------------------------------------------------------------------------

def parse_time(value) -> datetime | None:
    """An RFC 3339 string (or a datetime) as an aware datetime; None for empty or unparsable values."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    text = str(value).strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    if "." in text:  # Python < 3.11 takes at most 6 fraction digits
        head, _, rest = text.partition(".")
        digits = ""
        while rest and rest[0].isdigit():
            digits, rest = digits + rest[0], rest[1:]
        text = f"{head}.{(digits + '000000')[:6]}{rest}"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    if parsed.year <= 1:  # Go's zero time
        return None
    return parsed


def _as_datetime(now) -> datetime:
    """``now`` as an aware datetime: a datetime, epoch seconds, or an RFC 3339 string."""
    if isinstance(now, datetime):
        return now if now.tzinfo else now.replace(tzinfo=timezone.utc)
    if isinstance(now, str):
        parsed = parse_time(now)
        if parsed is None:
            raise ValueError(f"not a time: {now!r}")
        return parsed
    return datetime.fromtimestamp(float(now), tz=timezone.utc)


def human_duration(seconds: float) -> str:
    """apimachinery ``duration.HumanDuration``."""
    secs = int(seconds)  # truncates toward zero, like Go's int(d.Seconds())
    if secs < -1:
        return "<invalid>"
    if secs < 0:
        return "0s"
    if secs < 60 * 2:
        return f"{secs}s"
    minutes = secs // 60
    if minutes < 10:
        s = secs % 60
        return f"{minutes}m" if s == 0 else f"{minutes}m{s}s"
    if minutes < 60 * 3:
        return f"{minutes}m"
    hours = secs // 3600
    if hours < 8:
        m = minutes % 60
        return f"{hours}h" if m == 0 else f"{hours}h{m}m"
    if hours < 48:
        return f"{hours}h"
    if hours < 24 * 8:
        h = hours % 24
        return f"{hours // 24}d" if h == 0 else f"{hours // 24}d{h}h"
    if hours < 24 * 365 * 2:
        return f"{hours // 24}d"
    if hours < 24 * 365 * 8:
        dy = (hours // 24) % 365
        return f"{hours // 24 // 365}y" if dy == 0 else f"{hours // 24 // 365}y{dy}d"
    return f"{hours // 24 // 365}y"


def since(timestamp, now) -> float | None:
    """Seconds from ``timestamp`` to ``now`` (None when the timestamp is empty)."""
    when = parse_time(timestamp)
    if when is None:
        return None
    return (_as_datetime(now) - when).total_seconds()


def age(timestamp, now) -> str:
    """``translateTimestampSince``: HumanDuration since the timestamp, ``<unknown>`` when empty."""
    seconds = since(timestamp, now)
    if seconds is None:
        return "<unknown>"
    return human_duration(seconds)


def rfc1123z(timestamp) -> str:
    """Go ``time.RFC1123Z`` in the local time zone: ``Mon, 02 Jan 2006 15:04:05 -0700``.

    A zero or empty time prints as Go prints its zero time in UTC.
    """
    when = parse_time(timestamp)
    if when is None:
        return "Mon, 01 Jan 0001 00:00:00 +0000"
    local = when.astimezone()
    offset = local.utcoffset()
    total = int(offset.total_seconds()) if offset is not None else 0
    sign = "-" if total < 0 else "+"
    total = abs(total)
    return (f"{_DAYS[local.weekday()]}, {local.day:02d} {_MONTHS[local.month - 1]} {local.year:04d} "
            f"{local.hour:02d}:{local.minute:02d}:{local.second:02d} {sign}{total // 3600:02d}{total % 3600 // 60:02d}")


# -- labels, annotations, taints, tolerations ---------------------------------------------------

def write_labels(w, level: int, title: str, labels: dict | None, skip=()) -> None:
    """``printLabelsMultilineWithIndent``: sorted ``k=v``, one per line under the value column."""
    indent = "  " * level
    keys = sorted(k for k in (labels or {}) if k not in skip)
    w.write(0, f"{indent}{title}:\t")
    if not keys:
        w.write(0, "<none>\n")
        return
    for i, key in enumerate(keys):
        if i:
            w.write(0, f"{indent}\t")
        w.write(0, f"{key}={labels[key]}\n")


def _shorten(text: str, limit: int) -> str:
    raw = text.encode("utf-8")
    if len(raw) > limit:
        return raw[:limit].decode("utf-8", errors="ignore") + "..."
    return text


def write_annotations(w, level: int, title: str, annotations: dict | None) -> None:
    """``printAnnotationsMultiline``: sorted ``key: value``; last-applied skipped; long or multi-line
    values go below the key, each line cut at 138 bytes with ``...``."""
    prefix = "  " * level
    w.write(0, f"{prefix}{title}:\t")
    keys = sorted(k for k in (annotations or {}) if k != LAST_APPLIED)
    if not keys:
        w.write(0, "<none>\n")
        return
    for i, key in enumerate(keys):
        if i:
            w.write(0, "\t")
        value = annotations[key]
        value = "" if value is None else str(value)
        if value.endswith("\n"):
            value = value[:-1]
        if len(value.encode("utf-8")) + len(key.encode("utf-8")) + 2 > MAX_ANNOTATION_LEN or "\n" in value:
            w.write(0, f"{key}:\n")
            for part in value.split("\n"):
                w.write(0, f"\t  {_shorten(part, MAX_ANNOTATION_LEN - 2)}\n")
        else:
            w.write(0, f"{key}: {value}\n")


def taint_str(taint: dict) -> str:
    """core/v1 ``Taint.ToString``."""
    key, value, effect = taint.get("key") or "", taint.get("value") or "", taint.get("effect") or ""
    if not effect:
        return key if not value else f"{key}={value}:"
    return f"{key}:{effect}" if not value else f"{key}={value}:{effect}"


def write_taints(w, level: int, title: str, taints: list | None) -> None:
    indent = "  " * level
    w.write(0, f"{indent}{title}:\t")
    if not taints:
        w.write(0, "<none>\n")
        return
    ordered = sorted(taints, key=lambda t: f"{t.get('effect') or ''},{t.get('key') or ''}")
    for i, taint in enumerate(ordered):
        if i:
            w.write(0, f"{indent}\t")
        w.write(0, taint_str(taint) + "\n")


def toleration_str(tol: dict) -> str:
    key, value, effect = tol.get("key") or "", tol.get("value") or "", tol.get("effect") or ""
    out = key
    if value:
        out += f"={value}"
    if effect:
        out += f":{effect}"
    if tol.get("operator") == "Exists" and not value:
        out += " op=Exists" if (key or effect) else "op=Exists"
    if tol.get("tolerationSeconds") is not None:
        out += f" for {tol['tolerationSeconds']}s"
    return out


def write_tolerations(w, level: int, title: str, tolerations: list | None) -> None:
    """``printTolerationsMultilineWithIndent``: sorted by key."""
    indent = "  " * level
    w.write(0, f"{indent}{title}:\t")
    if not tolerations:
        w.write(0, "<none>\n")
        return
    ordered = sorted(tolerations, key=lambda t: t.get("key") or "")
    for i, tol in enumerate(ordered):
        if i:
            w.write(0, f"{indent}\t")
        w.write(0, toleration_str(tol) + "\n")


# -- selectors and quantities ---------------------------------------------------------------------

def format_labels(labels: dict | None) -> str:
    """``labels.FormatLabels``: sorted ``k=v,k2=v2`` or ``<none>``."""
    if not labels:
        return "<none>"
    return ",".join(f"{k}={labels[k]}" for k in sorted(labels))


_OPS = {"In": "in", "NotIn": "notin", "Exists": "exists", "DoesNotExist": "!"}


def selector_string(selector: dict | None) -> str | None:
    """``LabelSelectorAsSelector(sel).String()``: ``""`` for nil or empty, None when invalid."""
    if not selector:
        return ""
    reqs = []
    for key, value in (selector.get("matchLabels") or {}).items():
        reqs.append((key, f"{key}={value}"))
    for expr in selector.get("matchExpressions") or []:
        key, op = expr.get("key") or "", expr.get("operator")
        values = sorted(expr.get("values") or [])
        if op in ("In", "NotIn"):
            if not values:
                return None
            reqs.append((key, f"{key} {_OPS[op]} ({','.join(values)})"))
        elif op == "Exists":
            reqs.append((key, key))
        elif op == "DoesNotExist":
            reqs.append((key, f"!{key}"))
        else:
            return None
    reqs.sort(key=lambda r: r[0])
    return ",".join(r[1] for r in reqs)


def format_label_selector(selector: dict | None) -> str:
    """``metav1.FormatLabelSelector``: ``<none>`` when empty, ``<error>`` when invalid."""
    text = selector_string(selector)
    if text is None:
        return "<error>"
    return text or "<none>"


def quantity_str(q) -> str:
    """``Quantity.String()`` of a quantity record (``{"value", "base"}``) or a string."""
    if q is None:
        return "0"
    if isinstance(q, dict):
        q = q.get("value")
    try:
        return quantity.canonical(q)
    except quantity.QuantityError:
        return str(q)


def write_resource_list(w, level: int, title: str, resources: dict | None) -> None:
    """``Limits:``/``Requests:``-style block: title line, then sorted ``name:\\tqty`` one level deeper."""
    w.line(level, f"{title}:")
    for name in sorted(resources or {}):
        w.line(level + 1, f"{name}:\t{quantity_str(resources[name])}")


# -- events ---------------------------------------------------------------------------------------

def _event_key(event: dict):
    when = parse_time(event.get("lastTimestamp"))
    return when.timestamp() if when is not None else float("-inf")


def sort_events(events: list) -> list:
    """``event.SortableEvents``: by lastTimestamp ascending, missing ones first."""
    return sorted(events, key=_event_key)


def event_age(event: dict, now) -> str:
    first = age(event.get("eventTime"), now) if event.get("eventTime") else age(event.get("firstTimestamp"), now)
    series = event.get("series")
    if series:
        return f"{age(series.get('lastObservedTime'), now)} (x{series.get('count') or 0} over {first})"
    count = event.get("count") or 0
    if count > 1:
        return f"{age(event.get('lastTimestamp'), now)} (x{count} over {first})"
    return first


def event_message(event: dict) -> str:
    message = (event.get("message") or "").strip()
    if event.get("fieldPath"):
        message = f"{event['fieldPath']}: {message}"
    return message


def write_events(w, events: list | None, now) -> None:
    """``DescribeEvents``: ``Events:\\t<none>`` (no flush) or flush + the sorted table."""
    if not events:
        w.line(0, "Events:\t<none>")
        return
    w.flush()
    w.write(0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n")
    w.line(1, "----\t------\t----\t----\t-------")
    for event in sort_events(events):
        w.line(1, "\t".join([event.get("type") or "", event.get("reason") or "", event_age(event, now),
                             event.get("from") or "", event_message(event)]))



# -- Go value formatting --------------------------------------------------------------------------

_GO_ESCAPES = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v",
               "\\": "\\\\", '"': '\\"'}


def go_quote(text: str) -> str:
    """Go ``strconv.Quote`` (``%q``) for ordinary strings."""
    out = []
    for ch in text:
        if ch in _GO_ESCAPES:
            out.append(_GO_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\x{ord(ch):02x}")
        elif not ch.isprintable() and ord(ch) > 0x7F:
            out.append(f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def go_bool(value) -> str:
    """``%v``/``%t`` of a bool."""
    return "true" if value else "false"


def go_list(values) -> str:
    """``%v`` of a []string: ``[a b c]``."""
    return "[" + " ".join(str(v) for v in values or []) + "]"


def bool_title(value) -> str:
    """kubectl ``printBool``: ``True``/``False``."""
    return "True" if value else "False"
