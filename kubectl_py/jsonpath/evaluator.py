"""Evaluation of a parsed template, compiled into small Python closures.

Every node becomes ``step(values, ctx) -> values``: it maps the list of
current values (plain ``json.loads`` data) to a new list. An action runs its
steps in sequence. Semantics follow client-go's ``jsonpath.go``:

* a step on an empty list gives an empty list (and never a missing-key error);
* ``None`` (a JSON null) is skipped by field, index, ``*`` and ``..`` steps,
  but a filter on it fails (``<nil> is not array or slice ...``);
* errors carry the values client-go returns alongside them, because an
  existence filter ``[?(@.x[9])]`` ignores the error and keeps the element
  whenever that value is non-empty;
* ``range``/``end`` are identifiers that bump shared counters; the template
  loop (:func:`run_template`) reacts to them after each action, exactly like
  client-go's ``FindResults`` (so a missing ``{end}`` re-runs the rest of the
  template on the outer value).
"""

from __future__ import annotations

from .formatting import INT64_MAX, INT64_MIN, NOVALUE, GoUint8, format_results, go_sprint_v, go_type_name, utf8
from .nodes import Bool, Field, Filter, Identifier, Number, Recursive, Slice, Text, Union, Wildcard


class Fail(Exception):
    """An execution error; ``partial`` is what client-go returns with it."""

    def __init__(self, message: str, partial: list):
        super().__init__(message)
        self.message = message
        self.partial = partial


class Context:
    """Per-execution state: strict mode and client-go's range counters."""

    __slots__ = ("strict", "raw", "begin", "inside", "ends", "last_end")

    def __init__(self, strict: bool, raw: bool = False):
        self.strict = strict
        self.raw = raw  # collect value lists instead of printed text
        self.begin = 0  # "range" seen, loop not started yet
        self.inside = 0  # ranges being iterated
        self.ends = 0  # "end" seen, not yet handled
        self.last_end = -1  # index of the last template node that ended a range


def run_steps(steps, values: list, ctx: Context) -> list:
    for step in steps:
        values = step(values, ctx)
    return values


# --- step builders -------------------------------------------------------------------


def _field(name: str):
    def field(values, ctx):
        if not values:
            return values
        out = []
        for v in values:
            if isinstance(v, dict) and name in v:
                out.append(v[name])
        if not out and ctx.strict:
            # strict: an error only when *no* current value has the key
            raise Fail(name + " is not found", out)
        return out

    return field


def _field_chain(names: list):
    """Fast path for ``.a.b.c``: same result as chained :func:`_field` steps."""
    steps = [_field(name) for name in names]

    def chain(values, ctx):
        if len(values) == 1:
            # the common case, one current value: walk the keys directly
            v = values[0]
            for name in names:
                if isinstance(v, dict) and name in v:
                    v = v[name]
                elif ctx.strict:
                    raise Fail(name + " is not found", [])
                else:
                    return []
            return [v]
        for step in steps:
            values = step(values, ctx)
        return values

    return chain


def _bytes_of(s: str) -> list:
    return [GoUint8(b) for b in utf8(s)]


def _children(v):
    """What ``.*`` lists: map values, list items, string bytes."""
    if isinstance(v, dict):
        return list(v.values())
    if isinstance(v, (list, tuple)):
        return list(v)
    if isinstance(v, str):
        return _bytes_of(v)
    return ()


def _wildcard(values, ctx):
    out = []
    for v in values:
        out.extend(_children(v))
    return out


def _recursive(values, ctx):
    # depth first, each node before its descendants; only nodes that have
    # children (non-empty maps, lists, strings) are listed
    out = []
    for v in values:
        kids = _children(v)
        if kids:
            out.append(v)
            out.extend(_recursive(kids, ctx))
    return out


def _slice(node: Slice):
    def index(values, ctx):
        out = []
        for v in values:
            if v is None:
                continue
            if not isinstance(v, (list, tuple)):
                if v is NOVALUE:
                    raise Fail("<invalid reflect.Value> is not array or slice", values)
                raise Fail(go_type_name(v) + " is not array or slice", values)
            length = len(v)
            start = node.start or 0
            if start < 0:
                start += length
            stop = length if node.end is None else node.end
            if stop < 0 or (stop == 0 and node.end_derived):
                stop += length
            if start == stop:
                # asking for nothing is always fine, but client-go returns
                # at once, dropping any later values
                return out
            # no clamping: out-of-range bounds are errors
            if start >= length or start < 0:
                raise Fail("array index out of bounds: index %d, length %d" % (start, length), values)
            if stop > length or stop < 0:
                raise Fail("array index out of bounds: index %d, length %d" % (stop - 1, length), values)
            if start > stop:
                raise Fail("starting index %d is greater than ending index %d" % (start, stop), values)
            step = 1
            if node.step is not None:
                if node.step <= 0:
                    raise Fail("step must be > 0", values)
                step = node.step
            out.extend(v[start:stop:step])
        return out

    return index


def _union(node: Union):
    members = [compile_steps(m) for m in node.members]

    def union(values, ctx):
        # results grouped by member, not by element
        out = []
        for steps in members:
            try:
                out.extend(run_steps(steps, values, ctx))
            except Fail as e:
                raise Fail(e.message, values) from None
        return out

    return union


def _constant(value):
    def constant(values, ctx):
        return [value] * len(values)  # one copy per current value

    return constant


def _text(text: str):
    def literal(values, ctx):
        return [text]  # regardless of the current values, even none

    return literal


def _identifier(name: str):
    if name == "range":

        def begin_range(values, ctx):
            ctx.begin += 1
            return values

        return begin_range
    if name == "end":

        def end_range(values, ctx):
            if ctx.inside > 0:
                ctx.ends += 1
                return []
            raise Fail("not in range, nothing to end", [])

        return end_range

    def unknown(values, ctx):
        raise Fail("unrecognized identifier " + name, values)

    return unknown


# --- filters -------------------------------------------------------------------------

_BAD_TYPE = "invalid type for comparison"
_INCOMPATIBLE = "incompatible types for comparison"


def _kind(v):
    """Go template's basic kind of a value, or None (not comparable)."""
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        if isinstance(v, GoUint8):
            return "uint"
        return "int" if INT64_MIN <= v <= INT64_MAX else "float"
    if isinstance(v, float):
        return "float"
    if isinstance(v, str):
        return "string"
    return None


def _kinds(a, b, partial):
    ka, kb = _kind(a), _kind(b)
    if ka is None or kb is None:
        raise Fail(_BAD_TYPE, partial)
    if ka != kb:
        # int64 vs float64 never compare; signed vs unsigned ints do
        if {ka, kb} == {"int", "uint"}:
            return "int"
        raise Fail(_INCOMPATIBLE, partial)
    if ka == "float":
        return "float"
    return ka


def _less(a, b, partial) -> bool:
    k = _kinds(a, b, partial)
    if k == "bool":
        raise Fail(_BAD_TYPE, partial)
    if k == "float":
        return float(a) < float(b)
    return a < b  # str: code point order == UTF-8 byte order


def _equal(a, b, partial) -> bool:
    k = _kinds(a, b, partial)
    if k == "float":
        return float(a) == float(b)
    return a == b


def _compare(op: str, a, b, partial) -> bool:
    # same derivations as Go's text/template lt/le/gt/ge
    if op == "==":
        return _equal(a, b, partial)
    if op == "!=":
        return not _equal(a, b, partial)
    if op == "<":
        return _less(a, b, partial)
    if op == "<=":
        return _less(a, b, partial) or _equal(a, b, partial)
    if op == ">":
        return not (_less(a, b, partial) or _equal(a, b, partial))
    if op == ">=":
        return not _less(a, b, partial)
    raise Fail("unrecognized filter operator " + op, partial)


def _filter(node: Filter):
    left = compile_steps(node.left)
    right = compile_steps(node.right)
    op = node.op

    def filt(values, ctx):
        results = []
        for v in values:
            if not isinstance(v, (list, tuple)):
                raise Fail(go_sprint_v(v) + " is not array or slice and cannot be filtered", values)
            for item in v:
                temp = [item]
                if op == "exists":
                    # present even if null/false; errors are ignored and
                    # whatever value came back with them decides
                    try:
                        lefts = run_steps(left, temp, ctx)
                    except Fail as e:
                        lefts = e.partial
                    if lefts:
                        results.append(item)
                    continue
                try:
                    lefts = run_steps(left, temp, ctx)
                except Fail as e:
                    raise Fail(e.message, values) from None
                if not lefts:
                    continue  # missing operand: element skipped, whatever the operator
                if len(lefts) > 1:
                    raise Fail("can only compare one element at a time", values)
                try:
                    rights = run_steps(right, temp, ctx)
                except Fail as e:
                    raise Fail(e.message, values) from None
                if not rights:
                    continue
                if len(rights) > 1:
                    raise Fail("can only compare one element at a time", values)
                if _compare(op, lefts[0], rights[0], results):
                    results.append(item)
        return results

    return filt


# --- compiling -----------------------------------------------------------------------


def _compile_node(node):
    t = type(node)
    if t is Field:
        return _field(node.name)
    if t is Slice:
        return _slice(node)
    if t is Wildcard:
        return _wildcard
    if t is Recursive:
        return _recursive
    if t is Filter:
        return _filter(node)
    if t is Union:
        return _union(node)
    if t is Text:
        return _text(node.text)
    if t is Number or t is Bool:
        return _constant(node.value)
    if t is Identifier:
        return _identifier(node.name)
    raise TypeError("unexpected node %r" % (node,))


def compile_steps(nodes) -> list:
    """Steps of a node sequence; runs of fields are fused into one step."""
    steps = []
    i, n = 0, len(nodes)
    while i < n:
        if type(nodes[i]) is Field:
            j = i
            while j < n and type(nodes[j]) is Field:
                j += 1
            names = [f.name for f in nodes[i:j]]
            steps.append(_field(names[0]) if len(names) == 1 else _field_chain(names))
            i = j
            continue
        steps.append(_compile_node(nodes[i]))
        i += 1
    return steps


def compile_template(tree: list) -> list:
    """Template items: ``str`` for top-level text, a step list per action."""
    out = []
    for item in tree:
        if type(item) is Text:
            out.append(item.text)
        else:
            out.append(compile_steps(item.nodes))
    return out


# --- the template loop ---------------------------------------------------------------


def run_template(items: list, start: int, current: list, ctx: Context, out) -> None:
    """client-go's ``FindResults`` from item ``start`` on ``current``.

    Appends the results of each action/text to ``out`` (formatted text, or
    the value lists when ``ctx.raw``); ``out`` is ``None`` to discard them: an
    empty range still runs its body once, on no value, to find its ``end``."""
    i, n = start, len(items)
    while i < n:
        item = items[i]
        if type(item) is str:
            results = [item]
        else:
            results = current
            for step in item:
                results = step(results, ctx)
        if ctx.ends or ctx.begin:
            if ctx.ends and ctx.ends <= ctx.inside:
                # an {end}: this range body is done
                ctx.ends -= 1
                ctx.last_end = i
                return
            if ctx.begin:
                ctx.begin -= 1
                ctx.inside += 1
                if results:
                    for value in results:
                        # the item is handed over as a bare value: a null item
                        # becomes Go's invalid value (prints "<no value>")
                        run_template(items, i + 1, [NOVALUE if value is None else value], ctx, out)
                else:
                    run_template(items, i + 1, [NOVALUE], ctx, None)
                ctx.inside -= 1
                # resume after the range's {end}; with no {end} the body's
                # items run again here, on the outer value
                if ctx.last_end > i:
                    i = ctx.last_end
                i += 1
                continue
        if out is not None:
            if ctx.raw:
                out.append(results)
            elif len(results) == 1 and type(results[0]) is str:
                out.append(results[0])
            elif results:
                out.append(format_results(results))
        i += 1


def find_results(items: list, root, strict: bool) -> list:
    """All result lists (one per action/text run) of a template on ``root`` (raises :class:`Fail`)."""
    ctx = Context(strict, raw=True)
    out: list = []
    run_template(items, 0, [NOVALUE if root is None else root], ctx, out)
    return out


def render(items: list, root, strict: bool) -> str:
    """The text kubectl prints for a template on ``root`` (raises :class:`Fail`)."""
    ctx = Context(strict, raw=False)
    out: list = []
    run_template(items, 0, [NOVALUE if root is None else root], ctx, out)
    return "".join(out)
