"""kubectl's JSONPath template dialect (``kubectl get -o jsonpath=...``).

A pure-Python reimplementation of ``k8s.io/client-go/util/jsonpath`` as used
by kubectl, reproducing its output byte for byte and its error messages::

    render("{.metadata.name}", obj)                      # one-off
    t = compile("{range .items[*]}{.metadata.name}{'\\n'}{end}")
    t.render(obj)                                        # parse once, run many
    evaluate("{.metadata.labels}", obj)                  # results as Python values

``obj`` is plain ``json.loads`` data. Errors are :class:`JSONPathError`
(``kind`` is ``"parse"`` or ``"execute"``). Modules: ``parser`` (template text
to nodes), ``evaluator`` (nodes to closures, client-go's range loop),
``formatting`` (Go's printing of values).
"""

from __future__ import annotations

from .errors import JSONPathError
from .evaluator import Fail, compile_template, find_results
from .evaluator import render as _render
from .formatting import NOVALUE
from .parser import parse

__all__ = ["JSONPathError", "Template", "compile", "render", "evaluate", "relaxed"]


class Template:
    """A parsed template; :meth:`render` it on any number of objects."""

    __slots__ = ("source", "_items")

    def __init__(self, source: str):
        self.source = source
        self._items = compile_template(parse(source))

    def find_results(self, obj, allow_missing_keys: bool = True) -> list:
        """One list of values per action/text piece, as client-go's
        ``FindResults`` (Go's invalid value appears as ``None``)."""
        try:
            results = find_results(self._items, obj, not allow_missing_keys)
        except Fail as e:
            raise JSONPathError(e.message, "execute") from None
        except RecursionError:
            raise JSONPathError("template or object nested too deeply", "execute") from None
        return [[None if v is NOVALUE else v for v in r] for r in results]

    def render(self, obj, allow_missing_keys: bool = True) -> str:
        """The text kubectl prints (no trailing newline is added)."""
        try:
            return _render(self._items, obj, not allow_missing_keys)
        except Fail as e:
            raise JSONPathError(e.message, "execute") from None
        except RecursionError:
            raise JSONPathError("template or object nested too deeply", "execute") from None

    def __repr__(self) -> str:
        return "Template(%r)" % (self.source,)


_cache: dict = {}


def compile(template: str) -> Template:  # noqa: A001 - mirrors re.compile
    """Parse ``template`` once (cached); raises ``JSONPathError(kind="parse")``."""
    t = _cache.get(template)
    if t is None:
        try:
            t = Template(template)
        except RecursionError:
            raise JSONPathError("template nested too deeply", "parse") from None
        if len(_cache) >= 256:
            _cache.clear()
        _cache[template] = t
    return t


def render(template: str, obj, allow_missing_keys: bool = True) -> str:
    """Render ``template`` on ``obj`` the way kubectl does."""
    return compile(template).render(obj, allow_missing_keys)


def evaluate(expression: str, obj, allow_missing_keys: bool = True) -> list:
    """The values a single expression selects, as Python values (for
    ``--sort-by`` and custom-columns). ``expression`` may be ``{.a.b}`` or a
    bare ``.a.b``; the results of all its pieces are concatenated."""
    expr = expression if "{" in expression else "{" + expression + "}"
    out: list = []
    for results in compile(expr).find_results(obj, allow_missing_keys):
        out.extend(results)
    return out


def relaxed(path: str) -> str:
    """kubectl's RelaxedJSONPathExpression: ``.a.b``, ``a.b`` and ``{.a.b}`` all mean ``{.a.b}``."""
    path = path.strip()
    if path.startswith("{") and path.endswith("}"):
        return path
    if not path.startswith("."):
        path = "." + path
    return "{" + path + "}"
