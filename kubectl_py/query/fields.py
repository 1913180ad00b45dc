"""The field index: every path present in a set of items (plain dicts), built once, object by object.

One tree of paths per kind, each node holding how many items have the path, the JSON types seen there and
one example. Paths are written in kubectl's JSONPath dialect, ready for ``-o jsonpath='{...}'``: ``.key``
segments with the characters that end a key (``.``, ``[``, ``]``, space, ...) escaped by a backslash
(``.metadata.labels.app\\.kubernetes\\.io/name``; kubectl reads ``['a.b']`` as ``.a.b``, so the bracket form
cannot escape), and ``[*]`` for list elements.

Examples are secret-safe: in items of a Secret-like kind, the Secret values (:mod:`kubectl_py.secret_values`'
rule: the values of the top-level ``data``/``stringData``, and the ``last-applied-configuration`` annotation
where ``kubectl apply`` keeps the whole manifest) are replaced by describe's ``<hidden: N bytes>`` before
anything is indexed, so they are never examples nor frequent values. Examples are cut to ``EXAMPLE_WIDTH``
characters, control characters escaped.
"""

from __future__ import annotations

import json
from collections import namedtuple

from ..secret_values import LAST_APPLIED, hide_values, is_secret_like

Child = namedtuple("Child", "key count types example")
Field = namedtuple("Field", "path kind count types example")

EXAMPLE_WIDTH = 60
ITEMS = "[*]"  # the path segment of a list's elements

# what ends a bare key in kubectl's JSONPath (client-go's parser): escaped with a backslash in paths
_TERMINATORS = frozenset(" \t\r\n.,[]$@{}")


class _Hidden(str):
    """A Secret value replaced by its size: shown as an example, never offered as a value."""


class _Items:
    """The key under which a node keeps its list elements (never equal to a JSON key)."""


_ITEMS_KEY = _Items()

_TYPE_NAMES = {
    dict: "object",
    list: "array",
    str: "string",
    _Hidden: "string",
    int: "integer",
    float: "number",
    bool: "boolean",
    type(None): "null",
}
_TYPE_ORDER = ("object", "array", "string", "integer", "number", "boolean", "null")


class _Node:
    __slots__ = ("children", "count", "last", "types", "leaf", "example")

    def __init__(self):
        self.children = {}  # JSON key (or _ITEMS_KEY) -> _Node, in first-seen order
        self.count = 0  # items that have this path
        self.last = -1  # serial of the last item counted, so an item counts once under [*]
        self.types = set()  # Python types seen
        self.leaf = False  # seen as a scalar, null or an empty map or list
        self.example = None  # display text of the first non-null value


class FieldIndex:
    """Every path present in a list of items (plain dicts), built once, object by object."""

    def __init__(self, kind_of=None, keep_items: bool = True):
        self._kind_of = kind_of or _kind
        self._roots = {}  # kind -> _Node
        self._serial = 0
        self._items = [] if keep_items else None  # (kind, item) for frequent_values; Secrets already hidden
        self._values_cache = {}

    @classmethod
    def build(cls, items: list, kind_of=None) -> "FieldIndex":
        index = cls(kind_of)
        index.add(items)
        return index

    # -- building ----------------------------------------------------------------------------------------

    def add(self, items) -> None:
        """Index more items (e.g. one page at a time)."""
        roots, kind_of, kept = self._roots, self._kind_of, self._items
        serial = self._serial
        for item in items:
            if not isinstance(item, dict):
                continue
            kind = kind_of(item) or ""
            if is_secret_like(kind):
                item = _hide_secret_values(item)
            root = roots.get(kind)
            if root is None:
                root = roots[kind] = _Node()
            serial += 1
            root.count += 1
            root.types.add(dict)
            _walk_dict(root, item, serial)
            if kept is not None:
                kept.append((kind, item))
        self._serial = serial
        self._values_cache.clear()

    def merge(self, other: "FieldIndex") -> None:
        """Add another index's paths (built from other items, e.g. another context's) to this one."""
        for kind, root in other._roots.items():
            mine = self._roots.get(kind)
            if mine is None:
                mine = self._roots[kind] = _Node()
            _merge(mine, root)
        if self._items is not None:
            if other._items is None:
                self._items = None
            else:
                self._items.extend(other._items)
        self._values_cache.clear()

    # -- reading -----------------------------------------------------------------------------------------

    @property
    def kinds(self) -> list:
        return list(self._roots)

    @property
    def item_count(self) -> int:
        return sum(root.count for root in self._roots.values())

    def children(self, path: str = "", kind: str | None = None) -> list:
        """[Child(key, count, types, example)] present under ``path`` (kubectl JSONPath without braces: ``""``
        is the item, ``.spec.containers[*]``; ``[0]`` or a filter stand for ``[*]``), union over kinds unless
        ``kind`` is given, most frequent first. ``key`` is the next segment as kubectl writes it: ``.name``,
        ``.app\\.kubernetes\\.io/name``, or ``[*]`` for a list's elements."""
        merged = {}
        for node in self._nodes_at(path, kind):
            for key, child in node.children.items():
                entry = merged.get(key)
                if entry is None:
                    merged[key] = [child.count, set(child.types), child.example]
                else:
                    entry[0] += child.count
                    entry[1] |= child.types
                    if entry[2] is None:
                        entry[2] = child.example
        out = [
            Child(ITEMS if key is _ITEMS_KEY else key_segment(key), count, _type_names(types), example or "")
            for key, (count, types, example) in merged.items()
        ]
        out.sort(key=lambda child: -child.count)  # stable: first seen first among equals
        return out

    def leaf_paths(self, kind: str | None = None) -> list:
        """[Field(path, kind, count, types, example)]: one per kind and path where a scalar, null or an empty
        map or list was seen, kinds in the order first seen, paths in the order of the first item that had
        them (depth first)."""
        out = []
        for name, root in self._roots.items():
            if kind is None or name == kind:
                _collect(root, "", name, out)
        return out

    def frequent_values(self, path: str, limit: int = 5) -> list:
        """[(value, count)]: the scalar values found at ``path`` in the loaded items, most frequent first
        (ties: first seen first), for building ``?(@.x=="v")`` filters. Secret values are never among them.
        Empty when the index was built without keeping its items."""
        if self._items is None:
            return []
        segments = parse_path(path)
        if segments is None:
            return []
        key = tuple(segments)
        counts = self._values_cache.get(key)
        if counts is None:
            counts = {}
            for _kind, item in self._items:
                for value in _select(item, segments):
                    if value is None or type(value) in (dict, list, _Hidden):
                        continue
                    counts[(type(value), value)] = counts.get((type(value), value), 0) + 1
            counts = self._values_cache[key] = sorted(counts.items(), key=lambda pair: -pair[1])
        return [(value, count) for (_type, value), count in counts[:limit]]

    def _nodes_at(self, path: str, kind: str | None) -> list:
        segments = parse_path(path)
        if segments is None:
            return []
        nodes = []
        for name, node in self._roots.items():
            if kind is not None and name != kind:
                continue
            for segment in segments:
                node = node.children.get(_ITEMS_KEY if segment is None else segment)
                if node is None:
                    break
            else:
                nodes.append(node)
        return nodes


# -- building --------------------------------------------------------------------------------------------


def _walk_dict(node: _Node, obj: dict, serial: int) -> None:
    children = node.children
    for key, value in obj.items():
        child = children.get(key)
        if child is None:
            child = children[key] = _Node()
        if child.last != serial:
            child.last = serial
            child.count += 1
        _visit(child, value, serial)


def _visit(node: _Node, value, serial: int) -> None:
    kind = type(value)
    node.types.add(kind)
    if kind is dict:
        if value:
            if node.example is None:
                node.example = show(value)
            _walk_dict(node, value, serial)
        else:
            node.leaf = True
    elif kind is list:
        if value:
            if node.example is None:
                node.example = show(value)
            child = node.children.get(_ITEMS_KEY)
            if child is None:
                child = node.children[_ITEMS_KEY] = _Node()
            if child.last != serial:
                child.last = serial
                child.count += 1
            for element in value:
                _visit(child, element, serial)
        else:
            node.leaf = True
    else:
        node.leaf = True
        if node.example is None and value is not None:
            node.example = show(value)


def _merge(mine: _Node, theirs: _Node) -> None:
    mine.count += theirs.count
    mine.types |= theirs.types
    mine.leaf = mine.leaf or theirs.leaf
    if mine.example is None:
        mine.example = theirs.example
    for key, child in theirs.children.items():
        target = mine.children.get(key)
        if target is None:
            target = mine.children[key] = _Node()
        _merge(target, child)


def _collect(node: _Node, path: str, kind: str, out: list) -> None:
    for key, child in node.children.items():
        child_path = path + (ITEMS if key is _ITEMS_KEY else key_segment(key))
        if child.leaf:
            example = child.example
            if example is None:
                example = (
                    "null"
                    if type(None) in child.types and len(child.types) == 1
                    else ("{}" if dict in child.types else "[]" if list in child.types else "")
                )
            out.append(Field(child_path, kind, child.count, _type_names(child.types), example))
        _collect(child, child_path, kind, out)


def _type_names(types) -> tuple:
    names = {_TYPE_NAMES.get(t, "string") for t in types}
    return tuple(name for name in _TYPE_ORDER if name in names)


def _kind(item: dict) -> str:
    kind = item.get("kind")
    return kind if isinstance(kind, str) else ""


# -- secrets ---------------------------------------------------------------------------------------------


def _hide_secret_values(item: dict) -> dict:
    """A shallow copy of a Secret-like item whose Secret values and last-applied annotation are sizes."""
    from ..secret_values import hidden  # the describe package is loaded only when a Secret is seen

    item = hide_values(item, lambda value, _field: _Hidden(hidden(value)))
    meta = item.get("metadata")
    annotations = meta.get("annotations") if isinstance(meta, dict) else None
    if isinstance(annotations, dict) and LAST_APPLIED in annotations:
        annotations = dict(annotations)
        annotations[LAST_APPLIED] = _Hidden(hidden(annotations[LAST_APPLIED], "may hold Secret values"))
        item["metadata"] = dict(meta, annotations=annotations)
    return item


# -- paths -----------------------------------------------------------------------------------------------


def key_segment(key: str) -> str:
    """``.key`` as kubectl's JSONPath reads it: characters that would end the key escaped; ``*`` alone is a
    wildcard, so it is escaped too."""
    if key == "*":
        return ".\\*"
    if not any(ch in _TERMINATORS for ch in key):
        return "." + key
    return "." + "".join("\\" + ch if ch in _TERMINATORS else ch for ch in key)


def parse_path(path: str):
    """The keys of a path as :meth:`FieldIndex.children` takes it (None standing for ``[*]``), or None
    for what the index cannot follow (``..``). ``[N]``, slices and filters stand for ``[*]``; ``['a.b']`` is
    ``.a.b``, as in kubectl."""
    text = path.strip()
    if text.startswith("{") and text.endswith("}"):
        text = text[1:-1].strip()
    if text.startswith("$") or text.startswith("@"):
        text = text[1:]
    segments, pos, n = [], 0, len(text)
    while pos < n:
        ch = text[pos]
        if ch == ".":
            if pos + 1 < n and text[pos + 1] == ".":
                return None
            start = pos = pos + 1
            while pos < n and text[pos] not in ".[":
                pos += 2 if text[pos] == "\\" else 1
            raw = text[start:pos]
            segments.append(raw.replace("\\", ""))
        elif ch == "[":
            if text.startswith("[?(", pos):
                end = text.find(")]", pos)
                if end < 0:
                    return None
                pos = end + 2
                segments.append(None)
                continue
            end = text.find("]", pos)
            if end < 0:
                return None
            inner = text[pos + 1 : end].strip()
            pos = end + 1
            if len(inner) >= 2 and inner[0] == inner[-1] and inner[0] in "'\"":
                segments.extend(inner[1:-1].split("."))
            else:
                segments.append(None)
        else:
            return None
    return segments


def _select(value, segments: list, start: int = 0):
    """The values at ``segments`` (None: every element of a list) under ``value``."""
    for position in range(start, len(segments)):
        segment = segments[position]
        if segment is None:
            if not isinstance(value, list):
                return
            for element in value:
                yield from _select(element, segments, position + 1)
            return
        if not isinstance(value, dict) or segment not in value:
            return
        value = value[segment]
    yield value


# -- display ---------------------------------------------------------------------------------------------

_CONTROL_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def show(value, width: int = EXAMPLE_WIDTH) -> str:
    """A value as one short line: strings as they are, other values as compact JSON; control characters
    escaped, cut to ``width`` characters (``...`` marks a cut)."""
    if isinstance(value, str):
        text = value[: width * 4]
    elif isinstance(value, (dict, list)):
        text = _compact_json(value, width * 4)
    else:
        text = json.dumps(value)
    text = printable(text)
    return text if len(text) <= width else text[: width - 3] + "..."


def printable(text: str) -> str:
    """``text`` with control and bidirectional-override characters written as escapes, so that data from a
    server cannot move the cursor or reorder what a terminal shows."""
    if text.isprintable():
        return text
    out = []
    for ch in text:
        if ch.isprintable() or ch == " ":
            out.append(ch)
        else:
            out.append(_CONTROL_ESCAPES.get(ch) or (f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}"))
    return "".join(out)


def _compact_json(value, limit: int) -> str:
    """Compact JSON of ``value``, stopping soon after ``limit`` characters (a large map is not dumped whole)."""
    encoder = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)
    pieces, size = [], 0
    for piece in encoder.iterencode(value):
        pieces.append(piece)
        size += len(piece)
        if size > limit:
            break
    return "".join(pieces)
