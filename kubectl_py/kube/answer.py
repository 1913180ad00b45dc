"""Reading one HTTP/1.1 answer off a connection, bounded in time and in memory, whatever the server sends.

Everything a server says is untrusted: a hung or trickling server, a gzip bomb, endless headers, a
malformed status line or chunk, a proxy's HTML page. The bounds, the figures the README states:

- **time**: the head (status line and headers) must be complete within the idle window (15 s, or
  ``--request-timeout``) of its first read; the body must deliver :data:`STALL_FLOOR` bytes in every
  idle window, so a server that trickles a byte at a time is a stall, not a wait without end. A request's
  deadline (``--request-timeout``) caps every read on top. Watches have no idle window (a quiet watch is
  healthy), only their deadline.
- **memory**: a head line of at most :data:`MAX_LINE` bytes, a head of at most :data:`MAX_HEAD_BYTES`,
  an answer of at most :data:`MAX_ANSWER_BYTES` after decompression (gzip is inflated piece by piece with
  that budget, so a bomb stops at the bound instead of filling memory).

Lines are read with ``peek``/``read`` on the buffered reader rather than ``readline``, so that every wait
on the socket is armed anew: ``readline`` would wait the socket's timeout for each byte of a trickle.
"""

from __future__ import annotations

import socket
import time
import zlib

from ..errors import BadAnswer

STALL_FLOOR = 1024  # bytes an answer's body must deliver per idle window
MAX_LINE = 64 * 1024  # one line of the head, or one chunk-size line
MAX_HEAD_BYTES = 1024 * 1024  # the whole head (an API server sends a few hundred bytes)
MAX_ANSWER_BYTES = 256 * 1024 * 1024  # one answer after decompression: a 500-item page of 500 KB objects
READ_SIZE = 256 * 1024


class Lost(Exception):
    """The connection ended before the whole answer arrived (``started``: some of it had)."""

    def __init__(self, started: bool, cause: BaseException | None = None):
        super().__init__(str(cause or "connection closed"))
        self.started, self.cause = started, cause


class Stalled(Exception):
    """The answer did not come in time: ``phase`` is ``headers`` or ``body`` (the idle window passed), or
    ``deadline-headers``/``deadline-body`` (the request's deadline passed)."""

    def __init__(self, phase: str):
        super().__init__(phase)
        self.phase = phase


def snippet(data: bytes, limit: int = 40) -> str:
    """A few bytes of what a server sent, safe to show: printable ASCII kept, the rest as ``\\xNN``."""
    text = "".join(chr(b) if 32 <= b < 127 else f"\\x{b:02x}" for b in data[:limit])
    return text + ("..." if len(data) > limit else "")


class AnswerReader:
    """One answer on ``wire``: :meth:`head`, then :meth:`pieces` (the decompressed body as it arrives) or
    :meth:`body` (all of it). ``window``: the idle window in seconds (None for a watch); ``deadline``: a
    ``time.monotonic()`` by which the whole request must be done, or None."""

    def __init__(self, wire, window: float | None, deadline: float | None):
        self.reader, self.sock = wire.reader, wire.sock
        self.window, self.deadline = window, deadline
        self.started = False  # a byte of this answer has arrived
        self.to_eof = False  # the body ran to the end of the connection, which is now spent
        self._until = time.monotonic() + window if window is not None else None
        self._progress = 0  # body bytes since the idle window was last renewed
        self._binding = ""

    # -- waiting ----------------------------------------------------------------------------------

    def _arm(self, phase: str) -> None:
        """Set the socket's timeout for the next read: the sooner of the idle window and the deadline."""
        now, limits = time.monotonic(), []
        if self.deadline is not None:
            if now >= self.deadline:
                raise Stalled("deadline-" + phase)
            limits.append((self.deadline - now, "deadline-" + phase))
        if self._until is not None:
            if now >= self._until:
                raise Stalled(phase)
            limits.append((self._until - now, phase))
        left, self._binding = min(limits) if limits else (None, phase)
        self.sock.settimeout(left)

    def _arrived(self, size: int, phase: str) -> None:
        self.started = True
        if phase == "body" and self.window is not None:
            self._progress += size
            if self._progress >= STALL_FLOOR:  # enough for this window: the next one starts now
                self._progress = 0
                self._until = time.monotonic() + self.window

    def _peek(self, phase: str) -> bytes:
        """Buffered bytes, after at most one read from the socket; Lost at the end of the connection."""
        self._arm(phase)
        try:
            data = self.reader.peek(1)
        except socket.timeout:
            raise Stalled(self._binding) from None
        except OSError as exc:
            raise Lost(self.started, exc) from None
        if not data:
            raise Lost(self.started)
        return data

    def _line(self, phase: str) -> bytes:
        """One line, CRLF included, at most MAX_LINE bytes."""
        parts, size = [], 0
        while True:
            data = self._peek(phase)
            end = data.find(b"\n")
            taken = self.reader.read(end + 1 if end >= 0 else len(data))
            parts.append(taken)
            size += len(taken)
            self._arrived(len(taken), phase)
            if size > MAX_LINE:
                raise BadAnswer(f"the server sent a line longer than {MAX_LINE // 1024} KiB")
            if end >= 0:
                return b"".join(parts)

    def _raw_pieces(self, size: int | None):
        """``size`` bytes as they arrive (None: up to the end of the connection)."""
        while size is None or size > 0:
            try:
                data = self._peek("body")
            except Lost as exc:
                if size is None and exc.cause is None:  # the body's end
                    self.to_eof = True
                    return
                raise
            data = self.reader.read(min(len(data), size if size is not None else len(data), READ_SIZE))
            self._arrived(len(data), "body")
            if size is not None:
                size -= len(data)
            yield data

    # -- the answer -------------------------------------------------------------------------------

    def head(self) -> tuple:
        """(status, headers with lower-case names)."""
        status_line = self._line("headers")
        parts = status_line.split(None, 2)
        if len(parts) < 2 or not parts[0].startswith(b"HTTP/") or not parts[1].isdigit() or len(parts[1]) != 3:
            raise BadAnswer(
                "Unable to connect to the server: net/http: HTTP/1.x transport connection broken: "
                f'malformed HTTP response "{snippet(status_line.rstrip())}"'
            )
        headers, total = {}, len(status_line)
        while True:
            raw = self._line("headers")
            total += len(raw)
            if total > MAX_HEAD_BYTES:
                raise BadAnswer(f"the server's answer has more than {MAX_HEAD_BYTES // 1024} KiB of headers")
            if raw in (b"\r\n", b"\n"):
                break
            name, _, value = raw.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        if self.window is not None:  # the body gets idle windows of its own
            self._until, self._progress = time.monotonic() + self.window, 0
        return int(parts[1]), headers

    def pieces(self, status: int, headers: dict):
        """The body, decompressed, piece by piece as it arrives; at most MAX_ANSWER_BYTES in all."""
        inflate = _Inflater() if headers.get("content-encoding", "").lower() == "gzip" else None
        budget = MAX_ANSWER_BYTES
        for data in self._encoded(status, headers):
            if inflate is not None:
                data = inflate.more(data, budget)
            budget -= len(data)
            if budget < 0:
                raise _too_big()
            yield data
        if inflate is not None:
            yield inflate.end()

    def body(self, status: int, headers: dict) -> bytearray:
        """The whole body (a bytearray grown in place: no second copy of a large answer is made)."""
        out = bytearray()
        for data in self.pieces(status, headers):
            out += data
        return out

    def _encoded(self, status: int, headers: dict):
        """The body's bytes as sent (chunked, by length, or to the end of the connection)."""
        if headers.get("transfer-encoding", "").lower() == "chunked":
            yield from self._chunks()
        elif "content-length" in headers:
            length = headers["content-length"]
            if not length.isdigit():
                raise BadAnswer(f'the server sent an invalid Content-Length "{snippet(length.encode())}"')
            if headers.get("content-encoding", "").lower() != "gzip" and int(length) > MAX_ANSWER_BYTES:
                raise _too_big()
            yield from self._raw_pieces(int(length))
        elif status not in (204, 304) and not 100 <= status < 200:
            yield from self._raw_pieces(None)

    def _chunks(self):
        while True:
            line = self._line("body")
            field = line.split(b";", 1)[0].strip()
            try:
                size = int(field, 16)
            except ValueError:
                size = -1
            if size < 0 or len(field) > 16:
                raise BadAnswer(f'the server sent a malformed chunk size "{snippet(field)}"')
            if size == 0:
                while self._line("body") not in (b"\r\n", b"\n"):  # trailers
                    pass
                return
            yield from self._raw_pieces(size)
            if self._line("body") not in (b"\r\n", b"\n"):
                raise BadAnswer("the server sent a chunk longer than its size")


class _Inflater:
    """gzip undone piece by piece, never producing more than the budget it is given."""

    def __init__(self):
        self._decoder = zlib.decompressobj(31)
        self._fed = False

    def more(self, data: bytes, budget: int) -> bytes:
        self._fed = self._fed or bool(data)
        try:
            out = self._decoder.decompress(data, max(budget, 0) + 1)
        except zlib.error as exc:
            raise BadAnswer(f"the server's gzip answer is corrupt ({exc})") from None
        if len(out) > budget:
            raise _too_big()
        return out

    def end(self) -> bytes:
        try:
            rest = self._decoder.flush()
        except zlib.error as exc:
            raise BadAnswer(f"the server's gzip answer is corrupt ({exc})") from None
        if self._fed and not self._decoder.eof:
            raise BadAnswer("the server's gzip answer is cut short")
        return rest


def _too_big() -> BadAnswer:
    return BadAnswer(
        f"answer from the server exceeds {MAX_ANSWER_BYTES // (1024 * 1024)} MB after decompression "
        "(a smaller --chunk-size reads smaller pages)"
    )
