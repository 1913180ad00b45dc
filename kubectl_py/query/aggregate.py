"""py-query's ``--group-by`` with ``--count``, ``--sum``, ``--avg``, ``--min`` and ``--max``: pure logic.

Items are folded into groups page by page (:meth:`Groups.add`) and never kept, so memory holds one
accumulator per group, whatever the number of items. Each context folds its own pages into its own
:class:`Groups`; :meth:`Groups.merge` joins them in the selection's order.

Values: a JSON number adds as a number; a string adds as a Kubernetes quantity (``250m``, ``1Gi``) in base
units (``describe/quantity.py``); a describe document's ``{value, base}`` record as its quantity. Anything
else is an error naming the item. A quantity total keeps the format of the first non-zero value added, as
apimachinery's ``Quantity.Add`` does, so ``250m + 1`` prints ``1250m`` and ``128Mi + 1Gi`` prints ``1152Mi``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from .. import quantity
from ..errors import KubectlPyError, UsageError

KEYWORDS = ("context", "kind", "namespace")
FUNCTIONS = ("sum", "avg", "min", "max")
NONE = "<none>"  # what kubectl prints for a missing value
_NANO = Decimal("1e-9")
# ``node={.spec.nodeName}``: a column's name given before its template (as custom-columns' HEADER:path)
_NAMED = re.compile(r"^([A-Za-z_][\w-]*)=(.+)$", re.S)
# a plain path (``.spec.nodeName``, ``.metadata.labels['app.kubernetes.io/name']``, ``.a[*].b``) and its parts
_PATH = re.compile(r"""^(?:\.[\w-]+|\[\*\]|\[\d+\]|\['[^']*'\]|\["[^"]*"\])+$""")
_SEGMENT = re.compile(r"""\.([\w-]+)|\['([^']*)'\]|\["([^"]*)"\]""")


class BadValue(KubectlPyError):
    """A value that is neither a number nor a quantity: the item is named, nothing is silently zero."""

    reason = "badValue"


def split_keys(text: str) -> list:
    """``context,{.spec.nodeName}`` -> ``["context", "{.spec.nodeName}"]``: commas split only outside
    ``{...}`` (a template may hold commas: ``{.metadata.labels['a,b']}``, ``{range ...}``)."""
    keys, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth = max(0, depth - 1)
        elif ch == "," and depth == 0:
            keys.append(text[start:i])
            start = i + 1
    keys.append(text[start:])
    keys = [key.strip() for key in keys]
    if not all(keys):
        raise UsageError(f'invalid --group-by "{text}": an empty key')
    return keys


def _template(text: str):
    from .. import jsonpath

    # '.spec.nodeName' means '{.spec.nodeName}', as for --sort-by; text with braces is the user's template as is
    source = text if "{" in text else jsonpath.relaxed(text)
    try:
        return jsonpath.compile(source)
    except jsonpath.JSONPathError as exc:
        from ..errors import BadTemplate

        raise BadTemplate(f"error parsing jsonpath {source}, {exc}") from None


def named(text: str) -> tuple:
    """(the column name given, the rest): ``node={.spec.nodeName}`` -> ("node", "{.spec.nodeName}"),
    ``{.spec.nodeName}`` -> (None, "{.spec.nodeName}")."""
    match = _NAMED.match(text.strip())
    return (match.group(1), match.group(2).strip()) if match else (None, text)


@dataclass(frozen=True)
class Plan:
    """What to compute: group keys (keywords or templates) and (function, template) aggregates; ``names``:
    the column names given (``node={.spec.nodeName}``), None where none was, keys first, then aggregates."""

    keys: tuple
    aggregates: tuple
    count: bool
    names: tuple = ()

    @classmethod
    def build(cls, group_by: list, sums=(), avgs=(), mins=(), maxs=(), count: bool = False) -> "Plan":
        keys = [named(key) for text in group_by for key in split_keys(text)]
        names = [name for name, _ in keys]
        keys = tuple(key if key in KEYWORDS and name is None else _template(key).source for name, key in keys)
        aggregates = []
        for function, texts in zip(FUNCTIONS, (sums, avgs, mins, maxs)):
            for text in texts or ():
                name, template = named(text)
                names.append(name)
                aggregates.append((function, _template(template).source))
        # grouping alone counts; with aggregates, --count adds the count
        return cls(keys, tuple(aggregates), count or not aggregates, tuple(names))

    def headers(self) -> list:
        """Column titles: a name given (``node={.spec.nodeName}``: ``node``); else the keywords upper-case as
        kubectl's, a template's last path segment (``NODENAME``), the function around a template's:
        ``CONTEXT  NODENAME  COUNT  SUM(.spec.containers[*].resources.requests.cpu)``."""
        names = self.names or (None,) * (len(self.keys) + len(self.aggregates))
        titles = [
            name or (key.upper() if key in KEYWORDS else _title(last_segment(key)))
            for name, key in zip(names, self.keys)
        ]
        if self.count:
            titles.append("COUNT")
        titles += [
            name or f"{function.upper()}({_bare(template)})"
            for name, (function, template) in zip(names[len(self.keys) :], self.aggregates)
        ]
        return titles


def _bare(template: str) -> str:
    return template[1:-1] if template.startswith("{") and template.endswith("}") else template


def _title(segment: str) -> str:
    """A field name upper-case, as kubectl's column titles; a label key or a whole template as written."""
    return segment.upper() if re.fullmatch(r"[\w-]+", segment) else segment


def last_segment(template: str) -> str:
    """``{.spec.nodeName}`` -> ``nodeName``, ``{.metadata.labels['app.kubernetes.io/name']}`` -> its key; a
    template that is not a plain path stays as written, without braces."""
    path = _bare(template)
    if not _PATH.match(path):
        return path
    segments = [next(part for part in match.groups() if part is not None) for match in _SEGMENT.finditer(path)]
    return segments[-1] if segments else path


@dataclass
class _Accumulator:
    """One aggregate of one group: the total and count (for sum and avg), the extremes (min, max)."""

    total: Decimal = Decimal(0)
    n: int = 0
    low: tuple | None = None  # (value, format)
    high: tuple | None = None
    fmt: str | None = None  # a quantity's format; None while only numbers were added
    quantities: bool = False

    def add(self, value: Decimal, fmt: str | None) -> None:
        if fmt is not None:
            self.quantities = True
            if self.fmt is None or self.total == 0:
                self.fmt = fmt  # Quantity.Add: a zero total takes the format of what is added
        self.total += value
        self.n += 1
        if self.low is None or value < self.low[0]:
            self.low = (value, fmt)
        if self.high is None or value > self.high[0]:
            self.high = (value, fmt)

    def merge(self, other: "_Accumulator") -> None:
        if other.n == 0:
            return
        if other.fmt is not None and (self.fmt is None or self.total == 0):
            self.fmt = other.fmt
        self.quantities = self.quantities or other.quantities
        self.total += other.total
        self.n += other.n
        if self.low is None or other.low[0] < self.low[0]:
            self.low = other.low
        if self.high is None or other.high[0] > self.high[0]:
            self.high = other.high

    def result(self, function: str):
        """(value, format or None), or None when no value was seen."""
        if self.n == 0:
            return None
        if function == "sum":
            return self.total, self.fmt
        if function == "avg":
            mean = self.total / self.n
            if self.quantities:  # a quantity holds nano units at most, rounded up as Go rounds
                mean = mean.quantize(_NANO, rounding=ROUND_CEILING if mean >= 0 else ROUND_FLOOR)
            return mean, self.fmt
        value, fmt = self.low if function == "min" else self.high
        return value, (fmt or self.fmt) if self.quantities else None


@dataclass
class _Group:
    count: int = 0
    accumulators: list = field(default_factory=list)


def as_decimal(value):
    """(Decimal, quantity format or None for a plain number), or None when there is no value;
    raises ValueError for anything that is neither a number nor a quantity."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int):
        return Decimal(value), None
    if isinstance(value, float):
        return Decimal(repr(value)), None
    if isinstance(value, dict) and "value" in value:  # a describe document's {value, base}
        value = value["value"]
        if value is None:
            return None
    if isinstance(value, str):
        try:
            return quantity.parse(value)
        except quantity.QuantityError:
            raise ValueError from None
    raise ValueError


class Groups:
    """The groups of one context (or, merged, of all of them), in the order first seen."""

    def __init__(self, plan: Plan):
        self.plan = plan
        self.groups: dict = {}
        self._templates = [None if key in KEYWORDS else _template(key) for key in plan.keys]
        self._aggregates = [(function, _template(template)) for function, template in plan.aggregates]
        self.found: set = set()  # the templates (key or aggregate) that yielded something in some item

    def add(self, items: list, context: str, kind: str) -> None:
        """Fold one page of items (objects or describe documents) of one kind from one context."""
        for item in items:
            key = tuple(self._key(i, item, context, kind) for i in range(len(self._templates)))
            group = self.groups.get(key)
            if group is None:
                group = self.groups[key] = _Group(0, [_Accumulator() for _ in self._aggregates])
            group.count += 1
            for (function, template), accumulator in zip(self._aggregates, group.accumulators):
                values = _values(template, item, function, kind)
                if values:
                    self.found.add(template.source)
                for value in values:
                    try:
                        parsed = as_decimal(value)
                    except ValueError:
                        raise BadValue(
                            f"{_item_name(item, kind)}: cannot {function} {template.source}: "
                            f"{_shown(value, kind)} is neither a number nor a quantity"
                        ) from None
                    if parsed is not None:
                        accumulator.add(*parsed)

    def _key(self, index: int, item: dict, context: str, kind: str) -> str:
        template = self._templates[index]
        if template is None:
            keyword = self.plan.keys[index]
            if keyword == "context":
                return context
            if keyword == "kind":
                return kind
            return _namespace(item)
        try:
            text = template.render(item)
        except Exception as exc:  # JSONPathError: e.g. a range over a string
            raise BadValue(f"{_item_name(item, kind)}: cannot group by {template.source}: {exc}") from None
        if text:
            self.found.add(template.source)
        return text

    def merge(self, other: "Groups") -> None:
        self.found |= other.found
        for key, group in other.groups.items():
            mine = self.groups.get(key)
            if mine is None:
                self.groups[key] = group
                continue
            mine.count += group.count
            for accumulator, theirs in zip(mine.accumulators, group.accumulators):
                accumulator.merge(theirs)

    def unmatched(self) -> list:
        """Warnings for templates that found nothing in any item (``--group-by node`` for
        ``{.spec.nodeName}``, a misspelt field): every item then sits in the ``<none>`` group, or every
        aggregate is ``<none>``, which is easy to take for an answer."""
        if not self.groups:
            return []
        out = [
            f'warning: --group-by "{key}" found nothing in any item: every one is in the <none> group'
            for key, template in zip(self.plan.keys, self._templates)
            if template is not None and template.source not in self.found
        ]
        out += [
            f'warning: --{function} "{template.source}" found no value in any item'
            for function, template in self._aggregates
            if template.source not in self.found
        ]
        return out

    # -- output ----------------------------------------------------------------------------------------

    def ordered(self) -> list:
        """(key, group) sorted by the keys' text, missing values last; contexts keep the selection's order
        (the order they were merged in)."""
        rank: dict = {}
        for key in self.groups:
            for name, text in zip(self.plan.keys, key):
                if name == "context":
                    rank.setdefault(text, len(rank))

        def sort_key(pair):
            return tuple(
                (rank[text], "") if name == "context" else (text == "", text)
                for name, text in zip(self.plan.keys, pair[0])
            )

        return sorted(self.groups.items(), key=sort_key)

    def rows(self) -> list:
        """Table rows, sorted by key (see :meth:`ordered`): missing keys and values print ``<none>``,
        quantities as kubectl prints them (``1250m``, ``3Gi``)."""
        out = []
        for key, group in self.ordered():
            row = [text or NONE for text in key]
            if self.plan.count:
                row.append(str(group.count))
            for (function, _), accumulator in zip(self.plan.aggregates, group.accumulators):
                row.append(_text(accumulator.result(function)))
            out.append(row)
        return out

    def records(self) -> list:
        """json/yaml items: ``group`` holds the keys' values in --group-by order (null when missing),
        ``context``, ``kind`` and ``namespace`` are repeated by name when grouped by, ``count`` and
        ``aggregates`` ({function, template, value}) follow."""
        out = []
        for key, group in self.ordered():
            record = {"group": [text or None for text in key]}
            for name, text in zip(self.plan.keys, key):
                if name in KEYWORDS:
                    record[name] = text or None
            if self.plan.count:
                record["count"] = group.count
            record["aggregates"] = [
                {"function": function, "template": template, "value": _data(accumulator.result(function))}
                for (function, template), accumulator in zip(self.plan.aggregates, group.accumulators)
            ]
            out.append(record)
        return out

    def document(self, contexts: list) -> dict:
        return {
            "apiVersion": "kubectl-py/v1",
            "kind": "GroupList",
            "groupBy": list(self.plan.keys),
            "items": self.records(),
            "contexts": contexts,
        }


def _values(template, item, function, kind) -> list:
    try:
        results = template.find_results(item)
    except Exception as exc:  # JSONPathError
        raise BadValue(f"{_item_name(item, kind)}: cannot {function} {template.source}: {exc}") from None
    return [value for piece in results for value in piece]


def _namespace(item: dict) -> str:
    meta = item.get("metadata")
    if isinstance(meta, dict):
        return meta.get("namespace") or ""
    return item.get("namespace") or ""  # a describe document


def _item_name(item: dict, kind: str) -> str:
    meta = item.get("metadata") if isinstance(item.get("metadata"), dict) else item
    name, namespace = meta.get("name") or "", meta.get("namespace") or ""
    return f"{kind.lower()} {namespace}/{name}" if namespace else f"{kind.lower()} {name}"


def _shown(value, kind: str) -> str:
    """The offending value, cut short; never a Secret's (its data may be a token or a key)."""
    import json

    if kind == "Secret":
        return "the value (not shown: Secret data)"
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


def _text(result) -> str:
    if result is None:
        return NONE
    value, fmt = result
    if fmt is not None:
        return quantity.format_value(value, fmt)
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.quantize(Decimal("1e-6")).normalize(), "f")


def _data(result):
    """A number as a number, a quantity as describe documents carry one: ``{value, base}``."""
    if result is None:
        return None
    value, fmt = result
    if fmt is not None:
        return {"value": quantity.format_value(value, fmt), "base": quantity.to_number(value)}
    return quantity.to_number(value)
