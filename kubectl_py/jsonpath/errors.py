"""The one error type of the JSONPath engine."""

from __future__ import annotations

from kubectl_py.errors import KubectlPyError


class JSONPathError(KubectlPyError):
    """A template that does not parse (``kind == "parse"``) or fails on the
    data (``kind == "execute"``). ``str()`` is client-go's bare message, e.g.
    ``array index out of bounds: index 5, length 4``; kubectl wraps it as
    ``error parsing jsonpath TEMPLATE, MSG`` or ``error executing jsonpath
    "TEMPLATE": Error executing template: MSG. ...``."""

    reason = "jsonpath"

    def __init__(self, message: str, kind: str = "execute"):
        super().__init__(message)
        self.message = message
        self.kind = kind
