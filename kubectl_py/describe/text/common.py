"""Text helpers every describe renderer shares: times, labels, annotations, taints, tolerations,
selectors, quantities and the ``Events:`` table, each as kubectl prints it.
"""

from __future__ import annotations

from datetime import datetime, timezone

from ... import quantity
from ...kube.selectors import label_selector_string

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
    return (
        f"{_DAYS[local.weekday()]}, {local.day:02d} {_MONTHS[local.month - 1]} {local.year:04d} "
        f"{local.hour:02d}:{local.minute:02d}:{local.second:02d} {sign}{total // 3600:02d}{total % 3600 // 60:02d}"
    )


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


def shorten(text: str, limit: int) -> str:
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
                w.write(0, f"\t  {shorten(part, MAX_ANNOTATION_LEN - 2)}\n")
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


def format_label_selector(selector: dict | None) -> str:
    """``metav1.FormatLabelSelector``: ``<none>`` when empty, ``<error>`` when invalid."""
    try:
        return label_selector_string(selector) or "<none>"
    except ValueError:
        return "<error>"


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
    """``sort.Sort(event.SortableEvents)``: by lastTimestamp ascending, missing ones first; equal times
    keep the (unstable) order Go's sort leaves them in."""
    keys = [(_event_key(e), i) for i, e in enumerate(events)]
    order = go_sort(keys, lambda x, y: x[0] < y[0])
    return [events[i] for _, i in order]


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
        w.line(
            1,
            "\t".join(
                [
                    event.get("type") or "",
                    event.get("reason") or "",
                    event_age(event, now),
                    event.get("from") or "",
                    event_message(event),
                ]
            ),
        )


# -- Go value formatting --------------------------------------------------------------------------

_GO_ESCAPES = {
    "\a": "\\a",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\v": "\\v",
    "\\": "\\\\",
    '"': '\\"',
}


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


# -- Go's sort.Sort ---------------------------------------------------------------------------------
# kubectl sorts events with sort.Sort, which is not stable: with more than 12 events, those with equal
# lastTimestamp come out in the order Go's pattern-defeating quicksort leaves them. The functions below
# follow that algorithm step by step so the order matches kubectl's exactly.

_MASK64 = (1 << 64) - 1


def go_sort(items: list, less) -> list:
    """A copy of ``items`` in the order Go's ``sort.Sort`` gives for ``less(a, b)``."""
    data = list(items)
    n = len(data)
    if n > 1:
        _GoSorter(data, less).pdqsort(0, n, n.bit_length())
    return data


class _GoSorter:
    def __init__(self, data: list, less):
        self.data, self._less = data, less

    def less(self, i: int, j: int) -> bool:
        return self._less(self.data[i], self.data[j])

    def swap(self, i: int, j: int) -> None:
        self.data[i], self.data[j] = self.data[j], self.data[i]

    def insertion_sort(self, a: int, b: int) -> None:
        for i in range(a + 1, b):
            j = i
            while j > a and self.less(j, j - 1):
                self.swap(j, j - 1)
                j -= 1

    def sift_down(self, lo: int, hi: int, first: int) -> None:
        root = lo
        while True:
            child = 2 * root + 1
            if child >= hi:
                return
            if child + 1 < hi and self.less(first + child, first + child + 1):
                child += 1
            if not self.less(first + root, first + child):
                return
            self.swap(first + root, first + child)
            root = child

    def heap_sort(self, a: int, b: int) -> None:
        first, lo, hi = a, 0, b - a
        for i in range((hi - 1) // 2, -1, -1):
            self.sift_down(i, hi, first)
        for i in range(hi - 1, -1, -1):
            self.swap(first, first + i)
            self.sift_down(lo, i, first)

    def pdqsort(self, a: int, b: int, limit: int) -> None:
        was_balanced, was_partitioned = True, True
        while True:
            length = b - a
            if length <= 12:
                self.insertion_sort(a, b)
                return
            if limit == 0:
                self.heap_sort(a, b)
                return
            if not was_balanced:
                self.break_patterns(a, b)
                limit -= 1
            pivot, hint = self.choose_pivot(a, b)
            if hint == "decreasing":
                self.reverse_range(a, b)
                pivot = (b - 1) - (pivot - a)
                hint = "increasing"
            if was_balanced and was_partitioned and hint == "increasing":
                if self.partial_insertion_sort(a, b):
                    return
            if a > 0 and not self.less(a - 1, pivot):
                a = self.partition_equal(a, b, pivot)
                continue
            mid, already = self.partition(a, b, pivot)
            was_partitioned = already
            left, right = mid - a, b - mid
            threshold = length // 8
            if left < right:
                was_balanced = left >= threshold
                self.pdqsort(a, mid, limit)
                a = mid + 1
            else:
                was_balanced = right >= threshold
                self.pdqsort(mid + 1, b, limit)
                b = mid

    def partition(self, a: int, b: int, pivot: int) -> tuple:
        self.swap(a, pivot)
        i, j = a + 1, b - 1
        while i <= j and self.less(i, a):
            i += 1
        while i <= j and not self.less(j, a):
            j -= 1
        if i > j:
            self.swap(j, a)
            return j, True
        self.swap(i, j)
        i, j = i + 1, j - 1
        while True:
            while i <= j and self.less(i, a):
                i += 1
            while i <= j and not self.less(j, a):
                j -= 1
            if i > j:
                break
            self.swap(i, j)
            i, j = i + 1, j - 1
        self.swap(j, a)
        return j, False

    def partition_equal(self, a: int, b: int, pivot: int) -> int:
        self.swap(a, pivot)
        i, j = a + 1, b - 1
        while True:
            while i <= j and not self.less(a, i):
                i += 1
            while i <= j and self.less(a, j):
                j -= 1
            if i > j:
                return i
            self.swap(i, j)
            i, j = i + 1, j - 1

    def partial_insertion_sort(self, a: int, b: int) -> bool:
        i = a + 1
        for _ in range(5):
            while i < b and not self.less(i, i - 1):
                i += 1
            if i == b:
                return True
            if b - a < 50:
                return False
            self.swap(i, i - 1)
            if i - a >= 2:
                for j in range(i - 1, 0, -1):
                    if not self.less(j, j - 1):
                        break
                    self.swap(j, j - 1)
            if b - i >= 2:
                for j in range(i + 1, b):
                    if not self.less(j, j - 1):
                        break
                    self.swap(j, j - 1)
        return False

    def break_patterns(self, a: int, b: int) -> None:
        length = b - a
        if length < 8:
            return
        random = length & _MASK64
        modulus = 1 << length.bit_length()
        for idx in range(a + (length // 4) * 2 - 1, a + (length // 4) * 2 + 2):
            random ^= (random << 13) & _MASK64
            random ^= random >> 7
            random ^= (random << 17) & _MASK64
            other = random & (modulus - 1)
            if other >= length:
                other -= length
            self.swap(idx, a + other)

    def choose_pivot(self, a: int, b: int) -> tuple:
        length = b - a
        swaps = [0]
        i, j, k = a + length // 4 * 1, a + length // 4 * 2, a + length // 4 * 3
        if length >= 8:
            if length >= 50:
                i = self.median(i - 1, i, i + 1, swaps)
                j = self.median(j - 1, j, j + 1, swaps)
                k = self.median(k - 1, k, k + 1, swaps)
            j = self.median(i, j, k, swaps)
        if swaps[0] == 0:
            return j, "increasing"
        if swaps[0] == 12:
            return j, "decreasing"
        return j, "unknown"

    def order2(self, a: int, b: int, swaps: list) -> tuple:
        if self.less(b, a):
            swaps[0] += 1
            return b, a
        return a, b

    def median(self, a: int, b: int, c: int, swaps: list) -> int:
        a, b = self.order2(a, b, swaps)
        b, c = self.order2(b, c, swaps)
        a, b = self.order2(a, b, swaps)
        return b

    def reverse_range(self, a: int, b: int) -> None:
        i, j = a, b - 1
        while i < j:
            self.swap(i, j)
            i, j = i + 1, j - 1


def write_head(w, doc: dict) -> None:
    """The Name, Namespace, Labels and Annotations lines most kinds open with."""
    w.line(0, f"Name:\t{doc.get('name', '')}")
    w.line(0, f"Namespace:\t{doc.get('namespace', '')}")
    write_labels(w, 0, "Labels", doc.get("labels"))
    write_annotations(w, 0, "Annotations", doc.get("annotations"))


def write_head_without_namespace(w, doc: dict) -> None:
    """The Name, Labels and Annotations lines of kinds whose kubectl text has no Namespace line."""
    w.line(0, f"Name:\t{doc.get('name', '')}")
    write_labels(w, 0, "Labels", doc.get("labels"))
    write_annotations(w, 0, "Annotations", doc.get("annotations"))


def write_doc_events(w, doc: dict, now) -> None:
    """The Events section, when events were asked for (the document then has an ``events`` key)."""
    if "events" in doc:
        write_events(w, doc["events"], now)
