"""``py-query TYPE -w``: list, then follow every change, in every selected context at once.

One thread per context lists the type and watches it, and puts what it sees on one queue; the main thread
prints, so lines never interleave. Each context keeps what was last printed of every object (its
resourceVersion and its row or object): the watch resumes from the last resourceVersion it saw when the
server ends it normally (``timeoutSeconds``; bookmarks keep that version fresh), and when a watch expires
(410 Gone, or an ERROR event) or the context fails, the type is listed again and only the differences
with what was printed become lines: synthetic ADDED, MODIFIED and DELETED events, as client-go's
reflector does. Nothing is printed twice and nothing is lost.
"""

from __future__ import annotations

import math
import queue
import random
import threading
import time
from dataclasses import dataclass

from .. import notices
from .. import query as engine
from ..errors import ApiError, KubectlPyError, Timeout, Unreachable

# a watch lasts a random 5 to 10 minutes, then is resumed (client-go's reflector: minWatchTimeout x [1, 2))
WATCH_SECONDS = (300, 600)
FIRST_TABLE_WAIT = 5.0  # seconds the first table waits for slower contexts once one context was listed
RETRY_FIRST, RETRY_MAX = 0.8, 10.0  # seconds between attempts to reach a failed context (doubling)
TABLE_ACCEPT = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"
EVENT_TYPES = ("ADDED", "MODIFIED", "DELETED")


@dataclass
class Change:
    """One line to print: ``payload`` is a table row (cells, namespace) or an object."""

    context: str
    type: str
    payload: object


class _Expired(Exception):
    """The watch's resourceVersion is too old (410): list again."""


class Known:
    """What was last printed of each object of one context, by uid: (resourceVersion, payload)."""

    def __init__(self):
        self.objects = {}

    def event(self, kind: str, meta: dict, payload) -> bool:
        """Record a watch event; False when it repeats what was printed already."""
        uid, version = _identity(meta)
        seen = self.objects.get(uid)
        if kind == "DELETED":
            self.objects.pop(uid, None)
            return True
        if seen is not None and seen[0] == version:
            return False
        self.objects[uid] = (version, payload)
        return True

    def replace(self, listed: list) -> list:
        """Take a fresh list [(metadata, payload)] as the truth; return the (type, payload) that tell
        the difference with what was printed: deletions first, then additions and changes in list order."""
        fresh = {}
        changes = []
        for meta, payload in listed:
            uid, version = _identity(meta)
            fresh[uid] = (version, payload)
            seen = self.objects.get(uid)
            if seen is None:
                changes.append(("ADDED", payload))
            elif seen[0] != version:
                changes.append(("MODIFIED", payload))
        gone = [("DELETED", payload) for uid, (_, payload) in self.objects.items() if uid not in fresh]
        self.objects = fresh
        return gone + changes


def _identity(meta: dict) -> tuple:
    meta = meta or {}
    return meta.get("uid") or (meta.get("namespace"), meta.get("name")), meta.get("resourceVersion")


class Follower:
    """Lists and watches one type in one context, forever. Puts on ``out``: ("list", context, (columns,
    namespaced), changes) once, then ("changes", context, changes), ("notice", text) and ("failed",
    context, error, final); a final failure ends it, any other is retried with a growing pause."""

    def __init__(self, source, spec: engine.QuerySpec, table: bool, out: queue.Queue):
        self.source, self.spec, self.table, self.out = source, spec, table, out
        self.watch_seconds = None  # --request-timeout bounds each watch too (known once connected)
        self.known = Known()
        self.version = None
        self.listed = False

    def run(self) -> None:
        context = self.source.name
        self.info = None
        self.selectors = _selectors(self.spec)
        delay = RETRY_FIRST
        failing = False
        while True:
            try:
                if self.info is None:
                    timeout = self.source.conn.timeout
                    self.watch_seconds = max(1, math.ceil(timeout)) if timeout else None
                    self._resolve()
                self._list(first=not self.listed)
                if failing:
                    self.out.put(("notice", f'warning: watching {self.info.resource} again (context "{context}")'))
                failing, delay = False, RETRY_FIRST
                self._watch()
            except _Expired:
                self.out.put(
                    (
                        "notice",
                        f"warning: the watch of {self.info.resource} expired (410 Gone); listed "
                        f'again from a fresh resourceVersion (context "{context}")',
                    )
                )
            except KubectlPyError as exc:
                retry = _transient(exc)
                if not failing or not retry:
                    self.out.put(("failed", context, exc, not retry))
                if not retry:
                    return
                failing = True
                self.source.close()  # the next attempt starts on a fresh connection
                time.sleep(delay)
                delay = min(delay * 2, RETRY_MAX)
            except Exception as exc:  # a bug: say it and end this context, never leave the others waiting
                self.out.put(("failed", context, KubectlPyError(f"internal error: {type(exc).__name__}: {exc}"), True))
                return

    def _resolve(self) -> None:
        infos, warnings = engine.resolve_types(self.source, self.spec)
        if not infos:
            from ..errors import UnknownResource

            raise UnknownResource(self.spec.resources[0]) if not warnings else KubectlPyError(warnings[0])
        if len(infos) > 1:  # a category: kubectl watches one type
            from ..errors import UsageError

            raise UsageError("you may only specify a single resource type")
        self.info = infos[0]
        self.namespace = engine.namespace_for(self.source, self.info, self.spec)
        self.path = self.info.path(self.namespace)

    def _list(self, first: bool) -> None:
        from ..kube.cluster import namespace_hint

        query = dict(self.selectors)
        if self.table:
            query["includeObject"] = "Metadata"
        accept = TABLE_ACCEPT if self.table else "application/json"
        client = self.source.client
        listed, columns, version = [], None, None
        with namespace_hint(self.info, self.namespace):
            for page in client.list_pages(self.path, query, self.source.chunk_size, accept):
                columns = columns or page.get("columnDefinitions")
                version = version or (page.get("metadata") or {}).get("resourceVersion")
                listed.extend(self._entries(page))
        self.version = version
        changes = [Change(self.source.name, kind, payload) for kind, payload in self.known.replace(listed)]
        self.out.put(
            ("list", self.source.name, (columns or [], self.info.namespaced), changes)
            if first
            else ("changes", self.source.name, changes)
        )
        self.listed = True

    def _entries(self, page: dict, event: bool = False) -> list:
        """[(metadata, payload)] of a list page, or of a watch event's object (a Table of one row, or the
        object itself)."""
        if self.table:
            return [((row.get("object") or {}).get("metadata") or {}, _row(row)) for row in page.get("rows") or []]
        items = [page] if event else page.get("items") or []
        for item in items:
            item.setdefault("apiVersion", self.info.api_version)
            item.setdefault("kind", self.info.kind)
        return [(item.get("metadata") or {}, item) for item in items]

    def _watch(self) -> None:
        """Follow changes from the last version seen; each time the server ends the watch, resume it."""
        while True:
            seconds = self.watch_seconds or random.randint(*WATCH_SECONDS)  # the server ends the watch then
            query = dict(
                self.selectors,
                watch="true",
                resourceVersion=self.version,
                allowWatchBookmarks="true",
                timeoutSeconds=str(seconds),
            )
            if self.table:
                query["includeObject"] = "Metadata"
            try:
                events = self.source.client.watch(self.path, query, TABLE_ACCEPT if self.table else "application/json")
                for event in events:
                    self._event(event)
            except ApiError as exc:
                if exc.status == 410:
                    raise _Expired() from None
                raise

    def _event(self, event: dict) -> None:
        kind, obj = event.get("type"), event.get("object") or {}
        if kind == "ERROR":
            if obj.get("code") == 410 or obj.get("reason") in ("Expired", "Gone"):
                raise _Expired()
            raise ApiError(
                f"Error from server ({obj.get('reason') or 'InternalError'}): {obj.get('message')}",
                int(obj.get("code") or 500),
            )
        entries = self._entries(obj, event=True)
        if kind == "BOOKMARK" or kind not in EVENT_TYPES:
            version = (entries[0][0] if entries else (obj.get("metadata") or {})).get("resourceVersion")
            self.version = version or self.version
            return
        changes = []
        for meta, payload in entries:
            self.version = meta.get("resourceVersion") or self.version
            if self.known.event(kind, meta, payload):
                changes.append(Change(self.source.name, kind, payload))
        if changes:
            self.out.put(("changes", self.source.name, changes))


def _selectors(spec: engine.QuerySpec) -> dict:
    fields = [spec.field_selector] if spec.field_selector else []
    if spec.names:
        fields.append(f"metadata.name={spec.names[0]}")  # one named object, as kubectl get NAME -w
    return {"labelSelector": spec.label_selector, "fieldSelector": ",".join(fields) or None}


def _row(row: dict) -> tuple:
    """(cells, namespace) of a server-rendered table row."""
    meta = (row.get("object") or {}).get("metadata") or {}
    return row.get("cells") or [], meta.get("namespace", "")


def _transient(exc: KubectlPyError) -> bool:
    """Worth trying again: the server is away, hung or overloaded; not a refusal or a bad request."""
    if isinstance(exc, (Unreachable, Timeout)):
        return True
    return isinstance(exc, ApiError) and (exc.status in (0, 408, 410, 429) or exc.status >= 500)


def follow(sources: list, spec: engine.QuerySpec, table: bool, printer) -> int:
    """Watch ``spec`` in every source until interrupted; ``printer`` prints (see cli/query.py).

    Returns 1 when no context could be listed at all (nothing to watch), as kubectl fails then."""
    out: queue.Queue = queue.Queue()
    for source in sources:
        follower = Follower(source, spec, table, out)
        threading.Thread(target=follower.run, name=f"watch-{source.name}", daemon=True).start()
    waiting = {source.name for source in sources}
    first_lists, failures, later, alive = {}, [], [], len(sources)
    deadline = None
    try:
        # the first list of every context (or its failure) makes the first table; a context still not
        # listed FIRST_TABLE_WAIT after another was is left out of it (its objects come as ADDED lines)
        while waiting:
            message = _next(out, deadline)
            if message is None:
                break
            kind, context = message[0], message[1]
            if kind == "list":
                first_lists[context] = message
                waiting.discard(context)
                deadline = deadline or time.monotonic() + FIRST_TABLE_WAIT
            elif kind == "failed":
                failures.append(message)
                waiting.discard(context)
                alive -= message[3]
            elif kind == "notice":
                _say(message[1])
            else:
                later.append(message)
        if not first_lists:  # nothing to watch: every context failed its first list, as kubectl get -w fails
            for _, context, error, _ in failures:
                _failed(("failed", context, error, True))
            return 1
        for message in failures:
            _failed(message)
        printer.listed([first_lists[s.name] for s in sources if s.name in first_lists])
        for message in later:
            printer.changes(message[2])
        while alive:
            message = _next(out)
            if message[0] == "list":  # a context that could not be listed at first
                printer.columns(message[2])
            if message[0] in ("changes", "list"):
                printer.changes(message[-1])
            elif message[0] == "failed":
                _failed(message)
                alive -= message[3]
            else:
                _say(message[1])
        return 1
    except KeyboardInterrupt:
        return 130


def _next(out: queue.Queue, deadline: float | None = None):
    """The next message, or None after ``deadline``; short waits, so that Ctrl-C is seen at once."""
    while deadline is None or time.monotonic() < deadline:
        try:
            return out.get(timeout=0.5 if deadline is None else max(0.0, min(0.5, deadline - time.monotonic())))
        except queue.Empty:
            continue
    return None


def _failed(message: tuple) -> None:
    _, context, error, final = message
    _say(
        f'{error.user_message().rstrip()} (context "{context}")'
        + ("" if final else "; listing and watching again when it answers")
    )


def _say(line: str) -> None:
    notices.say(line)
