"""The shape every describer shares, and the joins (extra API reads) they make.

A describer is three functions, kept apart on purpose:
- ``gather(objects, joins) -> list[dict]``: the extra reads for a set of objects of one kind (events,
  pods, EndpointSlices, ...), one dict per object. All I/O goes through ``joins``.
- ``build(obj, gathered) -> dict``: pure; the object plus what was gathered becomes the document.
- ``render(doc, writer)``: the document becomes kubectl's text (lives in ``describe/text/``).

A join that is forbidden or fails never fails the describe: ``joins`` returns None for it and records a
warning, and the document's field is null. A join whose kind the offline input files do not hold is
null too, with a warning, but has no error: the text shows it as kubectl shows an empty join.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from ..errors import ApiError, KubectlPyError, NotInDump, UnknownResource

_SERVER_PREFIX = re.compile(r"^Error from server \([^)]*\): ")
_NAMESPACE_HINT = re.compile(r"; try -n NAMESPACE: .*$")  # kube.cluster.namespace_hint's, for the user's lists


def strip_server_prefix(message: str) -> str:
    """kubectl prints a Go StatusError as the server's message alone, where a join's result would be; offline,
    the same words (a NotFound of the files, ``... not found in the input files``, prints as kubectl's)."""
    from ..kube.offline import IN_THE_FILES

    message = _SERVER_PREFIX.sub("", message)
    return message[: -len(IN_THE_FILES)] if message.endswith(IN_THE_FILES) else message


@dataclass(frozen=True)
class Settings:
    show_events: bool = True
    chunk_size: int = 500


@dataclass(frozen=True)
class Describer:
    gather: Callable  # (objects: list[dict], joins: Joins) -> list[dict]
    build: Callable  # (obj: dict, gathered: dict) -> dict
    render: Callable  # (doc: dict, writer, now=None) -> None


def text_renderer(module: str, function: str) -> Callable:
    """The ``render`` of a Describer: ``describe/text/<module>.<function>``, imported only when text is
    asked for (structured output never pays for it)."""

    def render(doc: dict, writer, now=None) -> None:
        from importlib import import_module

        getattr(import_module(f"{__package__}.text.{module}"), function)(doc, writer, now)

    return render


@dataclass
class Joins:
    """Extra reads for describers, through a source (a Cluster or an offline Dump).

    When many objects are described at once (``batch``), each list is fetched once per (type,
    namespace) and filtered here with the same label/field selector semantics the server applies, so a
    set of 2,000 pods costs one events list, not 2,000.
    """

    source: object
    settings: Settings = field(default_factory=Settings)
    batch: bool = False
    warnings: list = field(default_factory=list)
    not_in_input: set = field(default_factory=set)  # the ``what`` of joins the input files hold nothing for
    _cache: dict = field(default_factory=dict)

    def list(
        self,
        type_name: str,
        namespace: str | None = None,
        label_selector: str | None = None,
        field_selector: str | None = None,
        what: str | None = None,
    ):
        """Items of a type, or None (with a warning naming ``what``) when the read is not allowed or fails."""
        from ..kube import selectors

        try:
            info = self.source.resolve(type_name)
            if not self.batch:  # the same list asked twice (a node's two event searches) is read once
                return self.memo(
                    (info.qualified, namespace, label_selector, field_selector),
                    lambda: self.source.list(info, namespace, label_selector, field_selector),
                )
            items = self.memo((info.qualified, namespace), lambda: self.source.list(info, namespace))
            return selectors.filter_items(items, label_selector, field_selector)
        except (ApiError, UnknownResource, KubectlPyError) as exc:
            self.warn(what or type_name, exc)
            return None

    def memo(self, key, compute: Callable):
        """``compute()`` once per key for the whole set being described (a list, an index of it)."""
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    def get(self, type_name: str, name: str, namespace: str | None = None, what: str | None = None):
        try:
            info = self.source.resolve(type_name)
            return self.source.get(info, name, namespace)
        except (ApiError, UnknownResource, KubectlPyError) as exc:
            self.warn(what or f"{type_name}/{name}", exc)
            return None

    def failure(self, what: str) -> str:
        """The error recorded for the join named ``what`` (its last one), or ``unknown error``."""
        for message in reversed(self.warnings):
            if message.startswith(what + ": "):
                return message[len(what) + 2 :]
        return "unknown error"

    def error(self, what: str) -> str | None:
        """What to show for the failed join named ``what``: its error without the ``Error from server``
        prefix, or None when it failed only because the input files hold no objects of its kind."""
        if what in self.not_in_input:
            return None
        return strip_server_prefix(self.failure(what))

    def warn(self, what: str, exc: Exception) -> None:
        if isinstance(exc, NotInDump):
            self.not_in_input.add(what)
        # a join is a read the describer chose, not the user's: -n would not change it (a node's pods)
        message = f"{what}: {_NAMESPACE_HINT.sub('', str(exc))}"
        if message not in self.warnings:
            self.warnings.append(message)


# -- overlapped joins -------------------------------------------------------------------------------


def send_joins_ahead(source, describer: Describer, objects: list, settings: Settings, batch: bool):
    """Send at once every join ``describer`` will make for ``objects``, so that they share one round trip
    (pipelined on the context's connection), and return the source the real gather should read from.

    How the joins are found: the describer's gather runs once with a source that sends each read and
    then fails it as if forbidden. Every join that depends on the objects alone is reached that way;
    a join that depends on another join's answer is not (its gather skips it on a failure) and is
    read later, by the real gather, as before. Offline dumps need no requests and are left as they are.

    ``objects`` may be stand-ins that hold only a kind, a name and a namespace (:func:`stand_in`), sent
    before the object itself is read: the joins that need no more (events, a Service's EndpointSlices,
    a node's pods and lease) then share the object's own round trip. Called again with the real object
    on the source it returned, it sends only what is new."""
    if not source.sends_requests:
        return source
    if isinstance(source, _Answering):
        source, sent = source._source, source._sent
    else:
        sent = {}
    try:
        describer.gather(objects, Joins(source=_Sending(source, sent), settings=settings, batch=batch))
    except Exception:  # noqa: BLE001 - only a head start: what the dry run trips on, the real gather reports
        pass
    return _Answering(source, sent) if sent else source


def stand_in(info, name: str, namespace: str | None) -> dict:
    """An object known only by its type, name and namespace, for sending joins before it is read."""
    metadata = {"name": name, "namespace": namespace} if info.namespaced else {"name": name}
    return {"kind": info.kind, "apiVersion": info.api_version, "metadata": metadata}


class _JoinNotRead(KubectlPyError):
    """What the dry run's reads raise: the request is on its way, its answer is not read yet."""


def _list_key(info, namespace, label_selector=None, field_selector=None) -> tuple:
    return "list", info.qualified, namespace, label_selector or None, field_selector or None


def _get_key(info, name, namespace) -> tuple:
    return "get", info.qualified, namespace, name


class _Sending:
    """The dry run's source: sends each read (once) and fails it."""

    def __init__(self, source, sent: dict):
        self._source, self._sent = source, sent

    def resolve(self, type_name: str):
        return self._source.resolve(type_name)

    def list(self, info, namespace=None, label_selector=None, field_selector=None):
        key = _list_key(info, namespace, label_selector, field_selector)
        if key not in self._sent:
            self._sent[key] = self._source.list_later(info, namespace, label_selector, field_selector)
        raise _JoinNotRead("not read yet")

    def get(self, info, name, namespace=None):
        key = _get_key(info, name, namespace)
        if key not in self._sent:
            self._sent[key] = self._source.get_later(info, name, namespace)
        raise _JoinNotRead("not read yet")


class _Answering:
    """The real gather's source: reads answer from the requests sent ahead, others go to the source."""

    def __init__(self, source, sent: dict):
        self._source, self._sent = source, sent

    def __getattr__(self, name):
        return getattr(self._source, name)

    def list(self, info, namespace=None, label_selector=None, field_selector=None):
        read = self._sent.pop(_list_key(info, namespace, label_selector, field_selector), None)
        return read() if read else self._source.list(info, namespace, label_selector, field_selector)

    def get(self, info, name, namespace=None):
        read = self._sent.pop(_get_key(info, name, namespace), None)
        return read() if read else self._source.get(info, name, namespace)
