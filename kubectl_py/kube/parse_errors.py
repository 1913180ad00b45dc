"""Where a file fails to parse, said as ``line L, column C: what`` (1-based), for YAML and JSON alike, so that
a malformed ``-f`` file or kubeconfig can be fixed without a parser of one's own."""

from __future__ import annotations


def yaml_problem(exc, text: str | None = None) -> str:
    """A PyYAML error (pure or libyaml) as one line: the position, the problem, and what was being parsed.
    ``text``, the parsed text, places a reader error (a control character), which knows only its offset."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None)
    if mark is None or not problem:
        first = str(exc).splitlines()[0] if str(exc) else "invalid YAML"
        position = getattr(exc, "position", None)
        if text is not None and isinstance(position, int) and 0 <= position <= len(text):
            line = text.count("\n", 0, position) + 1
            column = position - (text.rfind("\n", 0, position) + 1) + 1
            reason = getattr(exc, "reason", None) or first
            return f"line {line}, column {column}: {reason}"
        return first
    where = f"line {mark.line + 1}, column {mark.column + 1}: {problem}"
    context, context_mark = getattr(exc, "context", None), getattr(exc, "context_mark", None)
    if context:
        where += f" ({context}"
        if context_mark is not None and (context_mark.line, context_mark.column) != (mark.line, mark.column):
            where += f" at line {context_mark.line + 1}, column {context_mark.column + 1}"
        where += ")"
    return where


def json_problem(exc) -> str:
    """A ``json.JSONDecodeError`` as one line: ``line 2, column 13: Expecting property name ...``."""
    return f"line {exc.lineno}, column {exc.colno}: {exc.msg}"
