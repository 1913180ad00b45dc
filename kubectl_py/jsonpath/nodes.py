"""Parse tree of a kubectl JSONPath template (mirrors client-go's node kinds).

A template is a list of :class:`Text` and :class:`Action` (one per ``{...}``).
An action holds a sequence of nodes, each applied to the previous one's results.
"""

from __future__ import annotations


class Node:
    __slots__ = ()

    def __repr__(self) -> str:
        args = ", ".join(repr(getattr(self, s)) for s in self.__slots__)
        return "%s(%s)" % (type(self).__name__, args)

    def __eq__(self, other) -> bool:
        return type(self) is type(other) and all(getattr(self, s) == getattr(other, s) for s in self.__slots__)

    def __hash__(self) -> int:
        return hash((type(self).__name__,) + tuple(repr(getattr(self, s)) for s in self.__slots__))


class Text(Node):
    """Literal text: outside ``{}``, or a quoted string inside one."""

    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text


class Field(Node):
    """``.name``: a map key (backslashes already removed)."""

    __slots__ = ("name",)

    def __init__(self, name: str):
        self.name = name


class Wildcard(Node):
    """``.*``: every value of a map, item of a list, byte of a string."""

    __slots__ = ()


class Recursive(Node):
    """``..``: the node and every non-empty container/string below it."""

    __slots__ = ()


class Slice(Node):
    """``[n]``, ``[a:b:c]``, ``[*]``; ``None`` = not given. ``end_derived``
    marks an ``[n]`` index, whose end is ``n+1`` (``[-1]`` -> end 0 -> len)."""

    __slots__ = ("start", "end", "step", "end_derived")

    def __init__(self, start, end, step, end_derived: bool):
        self.start = start
        self.end = end
        self.step = step
        self.end_derived = end_derived


class Union(Node):
    """``[a,b,...]``: each member is its own node sequence (a list)."""

    __slots__ = ("members",)

    def __init__(self, members: list):
        self.members = members


class Filter(Node):
    """``[?(left OP right)]``; ``op`` is ``"exists"`` for ``[?(path)]``."""

    __slots__ = ("left", "op", "right")

    def __init__(self, left: list, op: str, right: list):
        self.left = left
        self.op = op
        self.right = right


class Number(Node):
    """An int (:class:`~.formatting.LitInt`) or float literal."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value


class Bool(Node):
    __slots__ = ("value",)

    def __init__(self, value: bool):
        self.value = value


class Identifier(Node):
    """A bare word: ``range``, ``end``, or else an execution error."""

    __slots__ = ("name",)

    def __init__(self, name: str):
        self.name = name


class Action(Node):
    """One ``{...}``: its nodes, applied in sequence."""

    __slots__ = ("nodes",)

    def __init__(self, nodes: list):
        self.nodes = nodes
