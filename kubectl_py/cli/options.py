"""Turn flag values into frozen option objects, validated once, before any work runs."""

from __future__ import annotations

import functools
import inspect
import re
from dataclasses import dataclass

from ..errors import UsageError
from . import flags, flagtable


@dataclass(frozen=True)
class ConnectionOptions:
    """Where to read from: kubeconfig contexts (with kubectl's overrides) or offline files."""

    overrides: object  # kube.kubeconfig.Overrides
    contexts: tuple = ()
    all_contexts: bool = False
    exclude_contexts: tuple = ()
    parallel: int | None = None  # contexts read at once; None: kube.fanout's default
    chunk_size: int = flagtable.flag("--chunk-size").default
    filenames: tuple = ()


@dataclass(frozen=True)
class Scope:
    """Which objects: namespace, selectors."""

    namespace: str | None = None
    all_namespaces: bool = False
    label_selector: str | None = None
    field_selector: str | None = None


def parse_duration(value: str) -> float | None:
    """kubectl's --request-timeout: '0' means none, a bare integer is seconds, else Go durations."""
    value = (value or "0").strip()
    if re.fullmatch(r"\d+", value):
        seconds = float(value)
    else:
        parts = re.findall(r"(\d+(?:\.\d+)?)(ms|s|m|h)", value)
        if not parts or "".join(n + u for n, u in parts) != value:
            raise UsageError(
                f'invalid argument "{value}" for "--request-timeout" flag: time: invalid duration "{value}"'
            )
        scale = {"ms": 0.001, "s": 1, "m": 60, "h": 3600}
        seconds = sum(float(n) * scale[u] for n, u in parts)
    return seconds or None


def parse_bool(value: str, flag: str) -> bool:
    lowered = (value or "").strip().lower()
    if lowered in ("true", "1", "t", "yes"):
        return True
    if lowered in ("false", "0", "f", "no"):
        return False
    raise UsageError(
        f'invalid argument "{value}" for "{flag}" flag: strconv.ParseBool: parsing "{value}": invalid syntax'
    )


# The connection flags, as (parameter name, annotated type, default), from the flag table: added to every
# command by @connection_flags.
_CONNECTION_PARAMS = tuple(
    (entry.param, flags.annotated(entry.long), entry.default) for entry in flagtable.connection_flags()
)


def _connection_from(values: dict) -> ConnectionOptions:
    if values["chunk_size"] < 0:
        raise UsageError("--chunk-size must be 0 or greater")
    if values["parallel"] is not None and values["parallel"] < 1:
        raise UsageError("--parallel must be 1 or greater")
    overrides = flagtable.overrides(
        lambda entry: values[entry.param], request_timeout=parse_duration(values["request_timeout"])
    )
    if values["all_contexts"] and values["context"]:
        raise UsageError("--context and --all-contexts cannot be used together")
    return ConnectionOptions(
        overrides=overrides,
        contexts=tuple(values["context"] or ()),
        all_contexts=values["all_contexts"],
        exclude_contexts=tuple(values["exclude_context"] or ()),
        parallel=values["parallel"],
        chunk_size=values["chunk_size"],
        filenames=tuple(values["filename"] or ()),
    )


def connection_flags(command):
    """Decorator: give ``command`` every connection flag; it receives them as one ``connection`` argument
    (a :class:`ConnectionOptions`)."""
    signature = inspect.signature(command)
    own = [p for p in signature.parameters.values() if p.name != "connection"]
    added = [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation)
        for name, annotation, default in _CONNECTION_PARAMS
    ]

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        values = {name: kwargs.pop(name) for name, _, _ in _CONNECTION_PARAMS}
        return command(*args, connection=_connection_from(values), **kwargs)

    wrapper.__signature__ = signature.replace(parameters=own + added)
    annotations = {p.name: p.annotation for p in own + added}
    wrapper.__annotations__ = annotations
    return wrapper
