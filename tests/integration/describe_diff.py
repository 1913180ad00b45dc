"""Differential testing of describe text: kubectl (the oracle) against kubectl-py, on the same objects.

``assert_same_describe(kubectl, kind, name, namespace, context)`` runs ``kubectl describe`` and
``kubectl py-describe`` (through kubectl's plugin dispatch, as a user runs it), then
requires the same text after :func:`normalise`:

- ages become ``<age>`` where kubectl prints ages: the Age column of the events table (whole cell, so
  ``3m2s (x4 over 10m)`` too) and of a node's pod table, and ``Terminating (lasts 5s)``;
- times that the cluster changes on its own between the two reads (the node Lease's ``RenewTime``,
  node condition heartbeats) become ``<time>`` (these keep their width, so alignment is still checked);
- nothing else: labels, order, values and the tabwriter's padding must match exactly.

Because the two tools read the cluster a moment apart, a mismatch is retried (twice) before it fails,
and the failure shows a unified diff. ``loose=True`` also collapses padding (for tables whose width
depends on an age column, such as node pod tables and events).
"""

from __future__ import annotations

import difflib
import re
import time

_AGE = r"(?:\d+y\d+d|\d+y|\d+d\d+h|\d+d|\d+h\d+m|\d+h|\d+m\d+s|\d+m|\d+s|<invalid>|<unknown>)"
_LASTS = re.compile(rf"\(lasts {_AGE}\)")
_EVENTS_HEADER = re.compile(r"^  Type +Reason +Age +From +Message$")
_PODS_HEADER = re.compile(r"^  Namespace +Name +CPU Requests +CPU Limits +Memory Requests +Memory Limits +Age$")
_RFC1123Z = r"[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}"
_VOLATILE_LINE = re.compile(r"^\s*(RenewTime:|Ready |MemoryPressure |DiskPressure |PIDPressure |NetworkUnavailable )")
_PADDING = re.compile(r" {2,}")


def _mask(line: str, start: int, end: int | None) -> str:
    """Replace a column's cell with ``<age>``, keeping the line's width."""
    end = len(line) if end is None else end
    width = max(end - start, 0)
    return line[:start] + "<age>".ljust(width if width > 5 else 5) + line[end:]


def normalise(text: str, loose: bool = False) -> str:
    """Mask what legitimately differs between two reads a moment apart (see the module docstring).

    Ages are masked only where kubectl prints ages: the Age column of the events table and of a node's
    pod table, and ``Terminating (lasts ...)``; so a quantity like ``100m`` is never mistaken for one.
    """
    out = []
    table = None  # (age column start, end or None) while inside an events or node-pods table
    for line in text.split("\n"):
        if table is not None and not (line.startswith("  ") and line.strip()):
            table = None
        if _EVENTS_HEADER.match(line):
            table = (line.index("Age"), line.index("From"))
        elif _PODS_HEADER.match(line):
            table = (line.rindex("Age"), None)
        elif table is not None and not line.lstrip().startswith("---"):
            line = _mask(line, *table)
        line = _LASTS.sub("(lasts <age>)", line)
        if _VOLATILE_LINE.match(line):
            line = re.sub(_RFC1123Z, "<time>".ljust(31), line)
        if loose:
            line = _PADDING.sub("  ", line.rstrip(" ") if line.strip() else line)
        out.append(line)
    return "\n".join(out)


def validate_document(doc: dict) -> None:
    """Validate one document against its kind's JSON Schema (``kubectl_py/describe/schemas``)."""
    import json

    import jsonschema
    from referencing import Registry, Resource

    from kubectl_py.describe import SCHEMA_DIR, group_of, schema_file

    global _REGISTRY
    if _REGISTRY is None:
        schemas = [json.loads(p.read_text()) for p in sorted(SCHEMA_DIR.glob("*.json"))]
        _REGISTRY = Registry().with_resources([(s["$id"], Resource.from_contents(s)) for s in schemas])
    schema = json.loads(schema_file(group_of(doc.get("apiVersion")), doc.get("kind")).read_text())
    jsonschema.Draft202012Validator(schema, registry=_REGISTRY).validate(doc)


_REGISTRY = None


def ours(
    kubectl,
    kind: str,
    name: str | None,
    namespace: str | None,
    context: str | None,
    show_events: bool | None = None,
    names: list | None = None,
    label_selector: str | None = None,
    all_namespaces: bool = False,
) -> tuple:
    """kubectl-py's answer to ``describe KIND NAME``, through kubectl's plugin dispatch like a user's:
    ``(text, error lines, documents)``; the documents come from a second run with ``-o json``."""
    from tests.integration.harness import kubectl_plugin

    args = _kubectl_args(kind, name, namespace, names, label_selector, all_namespaces)[1:]
    args += [] if show_events is None else [f"--show-events={'true' if show_events else 'false'}"]
    args += ["--context", context] if context else []
    text_run = kubectl_plugin(kubectl.cluster, "py-describe", *args)
    json_run = kubectl_plugin(kubectl.cluster, "py-describe", *args, "-o", "json")
    errors = [line for line in text_run.err.splitlines() if line.startswith(("Error", "error"))]
    docs = []
    if json_run.out.strip():
        doc = json_run.json()
        docs = doc["items"] if doc.get("kind") == "List" and "contexts" in doc else [doc]
    return text_run.out, errors, docs


def _kubectl_args(kind, name, namespace, names=None, label_selector=None, all_namespaces=False, extra=()):
    args = ["describe", kind] + (list(names) if names is not None else ([name] if name else []))
    if namespace:
        args += ["-n", namespace]
    if label_selector:
        args += ["-l", label_selector]
    if all_namespaces:
        args += ["-A"]
    return args + list(extra)


def assert_same_describe(
    kubectl,
    kind: str,
    name: str | None,
    namespace: str | None = None,
    context: str | None = None,
    loose: bool = False,
    attempts: int = 3,
    names: list | None = None,
    label_selector: str | None = None,
    all_namespaces: bool = False,
    show_events: bool | None = None,
    expect_output: bool = True,
    validate: bool = True,
) -> list:
    """Describe with both tools and require the same normalised text and the same error lines;
    returns our documents.

    ``kubectl`` is the conftest fixture (``kubectl(args, context=...) -> CompletedProcess``). With ``expect_output`` (the default)
    kubectl must have described something, so that two empty outputs never pass. With ``validate``
    (the default) every document must also validate against its kind's JSON Schema.
    """
    extra = [] if show_events is None else [f"--show-events={'true' if show_events else 'false'}"]
    args = _kubectl_args(kind, name, namespace, names, label_selector, all_namespaces, extra)
    last = None
    for attempt in range(attempts):
        theirs = kubectl(args, context=context)
        text, our_errors, docs = ours(
            kubectl, kind, name, namespace, context, show_events, names, label_selector, all_namespaces
        )
        if expect_output:
            assert theirs.stdout, f"kubectl {' '.join(args)} described nothing: {theirs.stderr}"
        a, b = normalise(theirs.stdout, loose), normalise(text, loose)
        their_errors = [line for line in theirs.stderr.splitlines() if line.startswith(("Error", "error"))]
        if a == b and their_errors == our_errors:
            if validate:
                for doc in docs:
                    validate_document(doc)
            return docs
        if a == b:
            a, b = a + "\n" + "\n".join(their_errors), b + "\n" + "\n".join(our_errors)
        last = (theirs, text, a, b)
        time.sleep(1.0 + attempt)
    theirs, text, a, b = last
    diff = "\n".join(difflib.unified_diff(a.split("\n"), b.split("\n"), "kubectl", "kubectl-py", lineterm=""))
    raise AssertionError(
        f"describe {' '.join(args[1:])} (context {context}) differs:\n{diff}\n--- kubectl stderr: {theirs.stderr}"
    )
