"""Completion from the data: where the cursor is in a template, and what the loaded items offer there.

Pure functions over text and a :class:`~kubectl_py.query.fields.FieldIndex`; the UI wraps them in a
prompt_toolkit completer. Paths are kubectl JSONPath without braces, from the root of the document the
template sees (``.items[*].spec``), and are turned into the index's paths (from an item) by :class:`Source`.
"""

from __future__ import annotations

from dataclasses import dataclass

KEY, INDEX, VALUE = "key", "index", "value"
ELEMENTS = "[*]"
# filters offered after "[": the most frequent values of one scalar key of the elements, of those kubectl
# filters usually test the one most elements have (a key costs one pass over the loaded items, the first time)
FILTER_KEYS = (".name", ".type", ".kind", ".key")
FILTER_VALUES = 6


@dataclass(frozen=True)
class Spot:
    """The cursor's place: ``path`` is the node whose children (``key``), elements (``index``) or values
    (``value``, inside a filter: ``path`` is then the compared field) are offered; ``kind`` None when nothing
    is to be completed there. ``start`` is where the replaced text begins; ``partial`` what is typed of it."""

    path: str
    kind: str | None
    partial: str = ""
    start: int = 0
    close_filter: bool = False  # a value inside a filter not yet closed: the candidate closes it with ")]"
    can_start: bool = False  # an empty expression, where "range" and "end" may also start


@dataclass(frozen=True)
class Candidate:
    text: str  # replaces template[spot.start:cursor]
    display: str
    meta: str = ""


def find_spot(template: str, cursor: int, actions: bool = True) -> Spot | None:
    """The Spot of ``cursor`` in ``template``; None outside an action or where no path is being written.
    ``actions=False``: the whole text is one path (jsonpath-ng's ``$.items[*].metadata``)."""
    text = template[:cursor]
    if not actions:
        return _spot_in_action(text, 0, "")
    scopes = [""]  # the range stack: the path each {range} iterates over, from the document root
    pos = 0
    while True:
        brace = text.find("{", pos)
        if brace < 0:
            return None
        end = _action_end(text, brace + 1)
        if end is None:
            return _spot_in_action(text, brace + 1, scopes[-1])
        body = text[brace + 1 : end - 1].strip()
        if body.startswith("range ") or body.startswith("range\t"):
            ranged = _resolve(body[len("range") :].strip(), scopes[-1])
            scopes.append(ranged if ranged is not None else scopes[-1])
        elif body == "end" and len(scopes) > 1:
            scopes.pop()
        pos = end


def _action_end(text: str, pos: int) -> int | None:
    """The offset after the ``}`` closing the action whose body starts at ``pos``; None if unclosed."""
    n = len(text)
    while pos < n:
        ch = text[pos]
        if ch in "\"'":
            close = _quote_end(text, pos)
            if close is None:
                return None
            pos = close
            continue
        if ch == "}":
            return pos + 1
        pos += 1
    return None


def _quote_end(text: str, pos: int) -> int | None:
    quote, i = text[pos], pos + 1
    while i < len(text):
        if text[i] == quote and text[i - 1] != "\\":
            return i + 1
        i += 1
    return None


def _resolve(expression: str, scope: str) -> str | None:
    """The path an expression selects, from the document root; None for what cannot be followed."""
    spot = _walk(expression, 0, scope, open_end=False)
    return spot.path if spot is not None and spot.kind is None else None


def _spot_in_action(text: str, body_start: int, scope: str) -> Spot | None:
    """The cursor is at the end of ``text``, inside the action whose body starts at ``body_start``."""
    start, i, depth, n = body_start, body_start, 0, len(text)
    while i < n:  # the expression under the cursor starts after the last space outside brackets
        ch = text[i]
        if ch in "\"'":
            close = _quote_end(text, i)
            if close is None:
                break
            i = close
            continue
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth = max(0, depth - 1)
        elif ch == " " and depth == 0:
            start = i + 1
        i += 1
    expression = text[start:]
    if not expression:
        previous = text[body_start:start].strip()
        return Spot(scope, KEY, "", len(text), can_start=previous == "")
    return _walk(expression, start, scope)


def _key_end(text: str, pos: int) -> int:
    n = len(text)
    while pos < n and text[pos] not in " \t\r\n.,[]$@{}()=!<>\"'":
        pos += 2 if text[pos] == "\\" else 1
    return min(pos, n)


def _walk(expression: str, offset: int, scope: str, open_end: bool = True) -> Spot | None:
    """Follow ``expression`` (its first character at template offset ``offset``) from ``scope``. With
    ``open_end`` the cursor ends it, and a last key is the one being typed."""
    path, i, n = scope, 0, len(expression)
    if i < n and expression[i] in "@$":  # inside a range, kubectl reads even $ from the range's element
        i += 1
    while i < n:
        ch = expression[i]
        if expression.startswith("..", i):
            return None
        if ch == ".":
            end = _key_end(expression, i + 1)
            if end == n and open_end:
                return Spot(path, KEY, expression[i + 1 :], offset + i)
            path += expression[i:end]
            i = end
        elif expression.startswith("[?(", i):
            close = expression.find(")]", i)
            if close < 0:
                if not open_end:
                    return None
                return _spot_in_filter(expression[i + 3 :], offset + i + 3, path + ELEMENTS)
            path += ELEMENTS
            i = close + 2
        elif ch == "[":
            close = expression.find("]", i)
            if close < 0:
                if not open_end:
                    return None
                return Spot(path, INDEX, expression[i + 1 :], offset + i)
            inner = expression[i + 1 : close].strip()
            if len(inner) >= 2 and inner[0] == inner[-1] and inner[0] in "'\"":
                from ..query.fields import key_segment

                path += "".join(key_segment(key) for key in inner[1:-1].split("."))
            else:
                path += ELEMENTS
            i = close + 1
        else:
            return None
    return Spot(path, None, "", offset + n)


_OPERATORS = ("==", "!=", "<=", ">=", "<", ">")


def _spot_in_filter(inner: str, offset: int, element: str) -> Spot | None:
    """Inside an unclosed ``[?(``: complete ``@.`` paths from the list's element, or the value compared."""
    for operator in _OPERATORS:
        at = inner.find(operator)
        if at >= 0:
            left = inner[:at].strip()
            right_start = at + len(operator)
            right = inner[right_start:]
            stripped = right.lstrip()
            if stripped.startswith("@") or stripped.startswith("$"):
                return _walk(stripped, offset + len(inner) - len(stripped), element)
            compared = _walk(left, 0, element, open_end=False)
            if compared is None or compared.kind is not None:
                return None
            return Spot(compared.path, VALUE, stripped, offset + len(inner) - len(stripped), close_filter=True)
    stripped = inner.lstrip()
    if not stripped:
        return Spot(element, KEY, "", offset + len(inner), can_start=False)
    spot = _walk(stripped, offset + len(inner) - len(stripped), element)
    return spot


# -- what the data offers ----------------------------------------------------------------------------------


class Source:
    """The document's paths for completion: a List's own fields and its items' (from the index), or one
    object's (a single named object, printed as itself)."""

    def __init__(self, index, is_list: bool, item_count: int, list_fields=None):
        self.index = index
        self.is_list = is_list
        self.item_count = item_count
        self.list_fields = list_fields  # FieldIndex of the List without its items (apiVersion, contexts, ...)

    def children(self, path: str) -> list:
        from ..query.fields import Child

        if not self.is_list:
            return self.index.children(path) if self.index is not None else []
        if path.startswith(".items"):
            rest = path[len(".items") :]
            if not rest:
                return [Child(ELEMENTS, self.item_count, ("object",), f"{self.item_count:,} items")]
            element = _element_prefix(rest)
            if element is None or self.index is None:
                return []
            return self.index.children(rest[element:])
        own = self.list_fields.children(path) if self.list_fields is not None else []
        if path == "":
            own = [Child(".items", 1, ("array",), f"{self.item_count:,} items")] + own
        return own

    def frequent_values(self, path: str, limit: int) -> list:
        if not self.is_list:
            return self.index.frequent_values(path, limit) if self.index is not None else []
        if path.startswith(".items"):
            element = _element_prefix(path[len(".items") :])
            if element is None or self.index is None:
                return []
            return self.index.frequent_values(path[len(".items") + element :], limit)
        return self.list_fields.frequent_values(path, limit) if self.list_fields is not None else []


def _element_prefix(rest: str) -> int | None:
    """Length of the element segment that starts ``rest`` (``[*]``, ``[0]``, a filter); None if none."""
    if not rest.startswith("["):
        return None
    close = rest.find(")]") + 2 if rest.startswith("[?(") else rest.find("]") + 1
    return close if close > 0 else None


def candidates(spot: Spot | None, source: Source, in_range: bool = False) -> list:
    """What to offer at ``spot``: keys with count and example, list elements and filters, or values."""
    if spot is None or spot.kind is None:
        return []
    if spot.kind == KEY:
        return _keys(spot, source)
    if spot.kind == INDEX:
        return _elements(spot, source)
    return _values(spot, source)


def _meta(child) -> str:
    types = "/".join(child.types)
    example = child.example if child.example and "object" not in child.types and "array" not in child.types else ""
    return f"{child.count:,} {types}" + (f"  {example}" if example else "")


def _matches(text: str, partial: str) -> int | None:
    """0 for a prefix match, 1 for a case-insensitive substring match, None otherwise."""
    if text.startswith(partial):
        return 0
    if partial.lower() in text.lower():
        return 1
    return None


def _keys(spot: Spot, source: Source) -> list:
    children = source.children(spot.path)
    keys = [c for c in children if c.key != ELEMENTS]
    prefix = "."
    if not keys and any(c.key == ELEMENTS for c in children):
        # a list: offer its elements' keys through [*] (kubectl reads .containers.name as nothing)
        keys, prefix = source.children(spot.path + ELEMENTS), ELEMENTS + "."
        keys = [c for c in keys if c.key != ELEMENTS]
    ranked = []
    for order, child in enumerate(keys):
        name = child.key[1:]
        rank = _matches(name, spot.partial)
        if rank is not None:
            is_list = child.types == ("array",)
            ranked.append((rank, order, Candidate(prefix + name, name + ("[]" if is_list else ""), _meta(child))))
    out = [c for _, _, c in sorted(ranked, key=lambda r: r[:2])]
    if spot.can_start and spot.partial == "":
        if source.is_list and spot.path == "":
            out.append(Candidate("range .items[*]", "range .items[*]", "one item at a time, up to {end}"))
        if spot.path != "":
            out.append(Candidate("end", "end", "closes {range}"))
    return out


def _quote(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _elements(spot: Spot, source: Source) -> list:
    children = source.children(spot.path)
    lists = [c for c in children if c.key == ELEMENTS]
    if not lists:
        return []
    count = lists[0].count
    offered = [
        Candidate("[*]", "[*]", "every element"),
        Candidate("[0]", "[0]", "the first element"),
        Candidate("[-1:]", "[-1:]", "the last element"),
    ]
    filters = []
    scalars = [
        child.key
        for child in source.children(spot.path + ELEMENTS)
        if child.key != ELEMENTS and set(child.types) & {"string", "integer", "number", "boolean"}
    ]
    key = next((k for k in scalars if k in FILTER_KEYS), scalars[0] if scalars else None)  # most frequent first
    if key is not None:
        for value, times in source.frequent_values(spot.path + ELEMENTS + key, FILTER_VALUES):
            text = f"[?(@{key}=={_quote(value)})]"
            filters.append(Candidate(text, text, f"{times:,} of {count:,}"))
    typed = "[" + spot.partial
    return [c for c in offered + filters if c.text.startswith(typed)]


def _values(spot: Spot, source: Source) -> list:
    out = []
    for value, times in source.frequent_values(spot.path, 10):
        text = _quote(value)
        if text.startswith(spot.partial) or spot.partial.strip("\"'") in str(value):
            out.append(Candidate(text + (")]" if spot.close_filter else ""), text, f"{times:,}"))
    return out


def tree_lines(source: Source, path: str, depth: int = 2, limit: int = 400) -> list:
    """The side pane: the fields under ``path``, ``depth`` levels deep, as (level, key, count, types,
    example); a list shows as ``key[*]`` followed by its elements' fields."""
    out = []

    def walk(at: str, level: int) -> None:
        for child in source.children(at):
            if len(out) >= limit:
                return
            key, below = child.key, at + child.key
            if child.types == ("array",) and any(c.key == ELEMENTS for c in source.children(below)):
                key, below = key + ELEMENTS, below + ELEMENTS
            out.append((level, key, child.count, child.types, child.example))
            if level + 1 < depth and ("object" in child.types or "array" in child.types):
                walk(below, level + 1)

    walk(path, 0)
    return out
