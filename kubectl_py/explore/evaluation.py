"""The live result of py-explore: the template being typed, evaluated on the loaded List, latest wins.

Evaluation runs in one worker thread, never on the UI's event loop. Every keystroke submits a new request
with a higher generation; a result is published only while its generation is the newest, so a slow stale
evaluation can never overwrite a newer one. Stale work is abandoned: templates of the form
``{range .items[*]}BODY{end}`` are rendered item by item (the first screenful is published before the rest
is counted) and check between items; any other jsonpath render is interrupted with an asynchronous
exception (CPython's ``PyThreadState_SetAsyncExc``), as threads cannot be killed (see :class:`LatestWins`).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

# imported here, not in the worker: an interrupt must never land in the import machinery's locks
from .. import jsonpath
from ..errors import KubectlPyError
from ..jsonpath.nodes import Action, Field, Filter, Slice
from ..query import split_items_range

try:
    import ctypes

    _SET_ASYNC_EXC = ctypes.pythonapi.PyThreadState_SetAsyncExc
except (ImportError, AttributeError):  # not CPython: stale results are only dropped, never interrupted
    _SET_ASYNC_EXC = None

JSONPATH, JSONPATH_NG = "jsonpath", "jsonpath-ng"


class Lines:
    """Output text whose line starts are found lazily, only as far down as the screen asks."""

    __slots__ = ("text", "count", "_starts")

    def __init__(self, text: str):
        self.text = text
        self.count = text.count("\n") + (1 if text and not text.endswith("\n") else 0)
        self._starts = [0]

    def line(self, index: int) -> str:
        starts, text = self._starts, self.text
        while len(starts) <= index:
            newline = text.find("\n", starts[-1])
            if newline < 0:
                return ""
            starts.append(newline + 1)
        end = text.find("\n", starts[index])
        return text[starts[index] :] if end < 0 else text[starts[index] : end]


EMPTY = Lines("")


@dataclass(frozen=True)
class Request:
    generation: int
    template: str
    mode: str  # JSONPATH or JSONPATH_NG


@dataclass(frozen=True)
class Preview:
    """What one evaluation gave: the output so far (``complete`` once every item is rendered), or an error
    (``caret``: its column in the template, for parse errors)."""

    request: Request
    output: Lines = EMPTY
    complete: bool = True
    error: str = ""
    caret: int | None = None
    elapsed_ms: float = 0.0

    @property
    def generation(self) -> int:
        return self.request.generation


def error_column(template: str) -> int:
    """Where a template that does not parse goes wrong: the start of the piece the parser was reading
    (found in the parser's frames, as its errors carry no position), else the end of the template."""
    try:
        jsonpath.compile(template)
    except jsonpath.JSONPathError as exc:
        tb = exc.__traceback__
        while tb is not None:
            frame_locals = tb.tb_frame.f_locals
            # the parser's reading functions take the whole template as ``s`` and their position as ``pos``;
            # the outermost one is at the start of the piece that failed (nested re-parses of union members
            # and filter operands read other strings)
            if frame_locals.get("s") is template and isinstance(frame_locals.get("pos"), int):
                return max(0, min(frame_locals["pos"], len(template)))
            tb = tb.tb_next
    return len(template)


class Evaluator:
    """Renders templates on one document (the List py-query's templates see, or a single object)."""

    def __init__(self, document, render_ng=None, first_lines: int = 200):
        self.document = document
        self.render_ng = render_ng  # (expression, document) -> text, py-query's -o jsonpath-ng
        self.first_lines = first_lines

    def quick(self, request: Request) -> Preview | None:
        """The Preview of a template that needs no work on the items (it does not parse, or it is empty),
        at once; None for the others, which :meth:`run` evaluates off the event loop."""
        if request.mode != JSONPATH:
            return None
        if not request.template:
            return Preview(request)
        start = time.perf_counter()
        try:
            jsonpath.compile(request.template)
        except jsonpath.JSONPathError as exc:
            return Preview(
                request,
                error=str(exc),
                caret=error_column(request.template),
                elapsed_ms=(time.perf_counter() - start) * 1000,
            )
        return None

    def run(self, request: Request, is_current):
        """Yield Previews for ``request``: maybe a first screenful, then the whole output or an error.
        Stops early when ``is_current()`` turns false."""
        start = time.perf_counter()

        def done(text: str = "", error: str = "", caret=None, complete: bool = True) -> Preview:
            return Preview(
                request,
                Lines(text) if not error else EMPTY,
                complete,
                error,
                caret,
                (time.perf_counter() - start) * 1000,
            )

        if request.mode == JSONPATH_NG:
            if not request.template.strip():
                yield done()
                return
            try:
                yield done(self.render_ng(request.template, self.document))
            except KubectlPyError as exc:
                yield done(error=str(exc))
            return
        try:
            template = jsonpath.compile(request.template)
        except jsonpath.JSONPathError as exc:
            yield done(error=str(exc), caret=error_column(request.template))
            return
        split = self._item_wise(request.template)
        try:
            if split is None:
                items = self.document.get("items")
                if self._prefix_first(request.template) and len(items) > self.first_lines:
                    # the first items' output is the start of the whole output: on screen before the rest
                    first = dict(self.document, items=items[: self.first_lines])
                    yield done(template.render(first), complete=False)
                yield done(template.render(self.document))
                return
            pre, body, post = split
            body_template = jsonpath.compile(body)
            pieces, lines, shown = [pre], pre.count("\n"), False
            for index, item in enumerate(self.document["items"]):
                piece = body_template.render(item)
                pieces.append(piece)
                lines += piece.count("\n")
                if index % 64 == 63 and not is_current():
                    return
                if not shown and lines >= self.first_lines:
                    shown = True
                    yield done("".join(pieces), complete=False)
            pieces.append(post)
            yield done("".join(pieces))
        except jsonpath.JSONPathError as exc:
            yield done(error=str(exc))

    def _prefix_first(self, template: str) -> bool:
        """Whether the template is one action over the items one by one (``{.items[*]...}``,
        ``{.items[?(...)]...}``), whose output on the first items is the start of its whole output."""
        if not isinstance(self.document.get("items"), list):
            return False
        nodes = jsonpath.parse(template)
        if len(nodes) != 1 or type(nodes[0]) is not Action:
            return False
        steps = nodes[0].nodes
        return (
            len(steps) >= 2
            and steps[0] == Field("items")
            and (steps[1] == Slice(None, None, None, False) or type(steps[1]) is Filter)
        )

    def _item_wise(self, template: str):
        if not isinstance(self.document.get("items"), list):
            return None
        return split_items_range(template)


class _Superseded(BaseException):
    """Raised inside the worker thread to abandon a stale evaluation (a BaseException, so that no
    ``except Exception`` of the evaluated code swallows it)."""


def _interrupt(thread_id: int) -> None:
    _SET_ASYNC_EXC(ctypes.c_ulong(thread_id), ctypes.py_object(_Superseded))


class LatestWins:
    """Runs ``work(request, is_current)`` (a generator of Previews) in one worker thread for the newest
    request only; publishes a Preview only while its request is the newest, then calls ``on_update()``.

    ``shown`` is the newest published Preview; ``good`` the newest one without an error (the UI keeps
    showing it while a template does not parse or a new one is being evaluated).

    A stale jsonpath evaluation is interrupted. The interrupt may only land while the worker runs the
    evaluator (pure Python that takes no lock): a lock held when it lands would never be released. So the
    worker "arms" a one-slot list before each step and disarms it after, both by an atomic ``list.pop``;
    whoever pops the token first wins: the submitter then fires the interrupt, and a worker that lost waits
    for it to land in a loop of its own. jsonpath-ng (which imports and logs) is never interrupted.
    """

    def __init__(self, work, on_update=lambda: None, quick=None):
        self._work, self._on_update = work, on_update
        self._quick = quick  # (request) -> Preview or None: answered at once, in the caller's thread
        self._lock = threading.Condition()
        self._newest = 0
        self._pending: Request | None = None
        self._armed: list = []  # one token while the running step may be interrupted
        self._closed = False
        self._thread: threading.Thread | None = None
        self.shown: Preview | None = None
        self.good: Preview | None = None

    def submit(self, template: str, mode: str = JSONPATH) -> int:
        """A new request, newer than every other (call it from one thread: the UI's)."""
        with self._lock:
            self._newest += 1
            request = Request(self._newest, template, mode)
        answer = self._quick(request) if self._quick else None
        with self._lock:
            if answer is not None:
                self._pending = None
                self.shown = answer
                if not answer.error:
                    self.good = answer
            else:
                self._pending = request
                if self._thread is None:
                    self._thread = threading.Thread(target=self._loop, name="py-explore-eval", daemon=True)
                    self._thread.start()
                self._lock.notify()
        try:
            self._armed.pop()  # the running step is stale from now on
        except IndexError:
            return request.generation
        _interrupt(self._thread.ident)
        return request.generation

    @property
    def waiting(self) -> bool:
        """True until the newest request has published something."""
        with self._lock:
            return self.shown is None or self.shown.generation != self._newest

    @property
    def busy(self) -> bool:
        with self._lock:
            shown = self.shown
            return self._pending is not None or shown is None or shown.generation != self._newest or not shown.complete

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._lock.notify()

    def _is_current(self, request: Request) -> bool:
        return request.generation == self._newest and not self._closed  # no lock: evaluation calls it

    def _publish(self, preview: Preview) -> bool:
        with self._lock:
            if not self._is_current(preview.request):
                return False
            self.shown = preview
            if not preview.error:
                self.good = preview
        self._on_update()
        return True

    def _next(self) -> Request | None:
        with self._lock:
            while self._pending is None and not self._closed:
                self._lock.wait()
            if self._closed:
                return None
            request, self._pending = self._pending, None
            return request

    def _step(self, previews, request: Request):
        """The next Preview of an evaluation, or None when it is over (or stale)."""
        if not self._is_current(request):
            return None
        interruptible = request.mode == JSONPATH and _SET_ASYNC_EXC is not None
        if interruptible:
            self._armed.append(request.generation)
        landed = False
        try:
            return next(previews, None)
        except _Superseded:
            landed = True
            raise
        finally:
            if interruptible and not landed:
                try:
                    self._armed.pop()
                except IndexError:  # the submitter won: its interrupt is on the way, let it land here
                    while True:
                        pass

    def _loop(self) -> None:
        while True:
            try:
                request = self._next()
                if request is None:
                    return
                previews = self._work(request, lambda: self._is_current(request))
                while True:
                    preview = self._step(previews, request)
                    if preview is None or not self._publish(preview):
                        break
            except _Superseded:
                continue
