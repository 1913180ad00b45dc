"""The one place that sends HTTP requests to an API server. JSON in, plain dicts out, typed errors out.

Plain sockets and a small HTTP/1.1 reader, one kept-alive TLS connection per context: measured, the
fastest way Python has to read large lists (the kubernetes package's client adds ~1 s of imports and
models). What it does beyond a plain GET, because clusters are reached over real networks:

- **gzip**: ``Accept-Encoding: gzip`` (kube-apiserver compresses answers over 128 KB, ~20x for lists),
  decompressed as the bytes arrive; ``--disable-compression`` turns it off.
- **pipelining**: :meth:`Client.submit` sends a request at once and reads its answer when asked, so
  independent GETs (a describe's joins, the next page of a list) share one round trip on one connection.
- **bounded waits and memory**: 30 s to connect, 10 s for the TLS handshake (kubectl's); an answer's head
  must be complete within 15 s and its body must keep delivering (:mod:`.answer`), so a hung or trickling
  server is reported within seconds, not minutes; ``--request-timeout`` bounds each request as a whole
  (and replaces the 15 s). Answers are capped in size after decompression.
- **watches**: :meth:`Client.watch` streams a watch's events on a connection of its own; it ends when the
  server ends it (``timeoutSeconds``), and the idle limit does not apply to it (a quiet watch is healthy).
- **retries as client-go's**: 429 and 5xx answers that carry ``Retry-After`` are retried after that wait;
  a connection closed before or during an answer is retried once on a fresh connection (GETs only);
  a 401 re-runs an exec credential plugin once; an expired ``continue`` token (410) re-reads the list
  once from the start, skipping what was already returned.
"""

from __future__ import annotations

import json
import re
import ssl
import time
from collections import deque
from urllib.parse import urlencode

from .. import notices
from ..errors import (
    ApiError,
    BadAnswer,
    BadRequest,
    ConfigError,
    Forbidden,
    NotFound,
    Timeout,
    Unauthorized,
    Unreachable,
)
from .answer import MAX_ANSWER_BYTES, STALL_FLOOR, AnswerReader, Lost, Stalled, snippet
from .kubeconfig import Connection
from .wire import IDLE_TIMEOUT, REQUEST_CANCELED, Endpoint, Wire, open_wire, tls_context, unreachable_message

USER_AGENT = "kubectl-py"
JSON = "application/json"

MAX_RETRIES = 5  # answers with Retry-After (429, 5xx), as client-go
MAX_RETRY_WAIT = 10.0  # seconds, one wait
WATCH_GRACE = 30.0  # seconds a server may take past a watch's timeoutSeconds before it is taken as hung


class Pending:
    """A request that was sent; :meth:`result` reads its answer (and those sent before it)."""

    __slots__ = ("client", "url", "accept", "body", "error", "done", "attempts", "deadline")

    def __init__(self, client: "Client", url: str, accept: str):
        self.client, self.url, self.accept = client, url, accept
        self.body: bytes | None = None
        self.error: Exception | None = None
        self.done = False
        self.attempts = 0
        self.deadline: float | None = None

    def result(self) -> bytes:
        """The answer's body (decompressed); a typed error for failures and non-2xx answers."""
        self.client._complete(self)
        if self.error is not None:
            raise self.error
        return self.body

    def json(self) -> dict:
        return _object(self.result(), self.client.endpoint)


class Client:
    """Requests against one API server. Not thread-safe: use one per thread (one per context).

    ``early``: where a connection opened ahead of time may be had (``early(conn)`` returns a Wire or None);
    the command line's start-up passes one (:mod:`.preconnect`), a library user need not."""

    def __init__(self, conn: Connection, early=None):
        self.conn = conn
        self._early = early
        self.endpoint = Endpoint.of(conn)
        self.idle_timeout = conn.timeout or IDLE_TIMEOUT
        self._wire: Wire | None = None
        self._ssl: ssl.SSLContext | None = None
        self._in_flight: deque = deque()  # sent on the current wire, answers not read yet
        self._credentials_refreshed = False
        end = self.endpoint
        self._headers = {"Host": end.display if end.port not in (80, 443) else end.host, "User-Agent": USER_AGENT}
        if not conn.disable_compression:
            self._headers["Accept-Encoding"] = "gzip"
        self._set_credentials()

    def _set_credentials(self) -> None:
        conn = self.conn
        self._headers.pop("Authorization", None)
        if conn.token:
            self._headers["Authorization"] = "Bearer " + _header_value(conn.token, "token", conn)
        elif conn.basic_auth:
            self._headers["Authorization"] = "Basic " + _header_value(conn.basic_auth, "basic auth", conn)
        if conn.impersonate:
            self._headers["Impersonate-User"] = _header_value(conn.impersonate, "user to impersonate", conn)
        if conn.impersonate_uid:
            self._headers["Impersonate-Uid"] = _header_value(conn.impersonate_uid, "uid to impersonate", conn)
        for group in conn.impersonate_groups:
            _header_value(group, "group to impersonate", conn)
        for key, value in conn.impersonate_extra:
            _header_value(key + value, "user-extra to impersonate", conn)

    # -- requests ---------------------------------------------------------------------------------

    def submit(self, path: str, query: dict | None = None, accept: str = JSON) -> Pending:
        """Send a GET now and return its :class:`Pending`; the answer is read by ``result()``. Several
        submitted requests travel together on one connection (HTTP/1.1 pipelining)."""
        pending = Pending(self, self._url(path, query), accept)
        if self.conn.timeout:
            pending.deadline = time.monotonic() + self.conn.timeout
        self._resend(pending)  # a connection that cannot be had is this request's answer
        return pending

    def request(self, path: str, query: dict | None = None, accept: str = JSON) -> bytes:
        """GET path and return the body; raise a typed error for anything but 2xx."""
        return self.submit(path, query, accept).result()

    def get_json(self, path: str, query: dict | None = None, accept: str = JSON) -> dict:
        return _object(self.request(path, query, accept), self.endpoint)

    def list_pages(self, path: str, query: dict | None = None, chunk_size: int = 500, accept: str = JSON):
        """The pages of a list (dicts with items and metadata), following ``continue`` tokens: the first
        request is sent at once, each page is read as the returned generator is iterated.

        Pipelined: the next page is requested before this one is parsed, so that the server prepares
        and sends it while we parse. The token is read from the head of the raw page and checked
        against the parsed one. A failure on page N+1 is raised after page N is yielded; callers may
        send requests of their own between pages.

        When the server says the token expired (410 Gone: the list took longer than etcd keeps its
        history), the list is read once more from the start, skipping every item up to the last one
        already yielded (lists come in namespace/name order), and a warning says so."""
        query = dict(query or {})
        if chunk_size and chunk_size > 0:
            query["limit"] = chunk_size
        return self._pages(path, query, accept, self.submit(path, query, accept))

    def _pages(self, path: str, query: dict, accept: str, pending: Pending):
        last_key = skip_through = None
        tokens = set()  # a server that hands out a token twice would make the list go round forever
        while pending is not None:
            try:
                body = pending.result()
            except ApiError as exc:
                if exc.status != 410 or skip_through is not None or last_key is None:
                    raise
                skip_through = last_key
                tokens.clear()
                notices.warn(
                    f"the list of {_what(path)} expired while paging (410 Gone); read it again from the start",
                    self.conn.context,
                )
                pending = self.submit(path, query, accept)
                continue
            early = _continue_token(body)
            if early in tokens:
                early = None
            pending = self.submit(path, dict(query, **{"continue": early}), accept) if early else None
            page = _object(body, self.endpoint)
            token = (page.get("metadata") or {}).get("continue") if isinstance(page.get("metadata"), dict) else None
            if token in tokens:
                raise BadAnswer(
                    f"the server sent the same continue token twice while listing {_what(path)}: "
                    f"the list would never end ({self.endpoint.display})"
                )
            if token:
                tokens.add(token)
            if token != early:  # never with a real server; the early request's answer is left unread
                pending = self.submit(path, dict(query, **{"continue": token}), accept) if token else None
            if skip_through is not None:
                _drop_through(page, skip_through)
            last_key = _last_key(page) or last_key
            yield page

    def watch(self, path: str, query: dict, accept: str = JSON):
        """The events of a watch (dicts: ``type``, ``object``), yielded as they arrive, on a connection of
        its own. ``query`` must carry ``timeoutSeconds``: the server ends the watch then, and the generator
        returns. A quiet watch is healthy, so the idle limit does not apply: a read waits until that time
        plus :data:`WATCH_GRACE`, after which the server is taken as hung (Timeout). An error answer is a
        typed error (status 410: the resourceVersion expired); a connection lost mid-stream is Unreachable."""
        url = self._url(path, query)
        deadline = time.monotonic() + float(query["timeoutSeconds"]) + WATCH_GRACE
        while True:
            wire = self._open()
            try:
                wire.sock.sendall(self._request_head(url, accept))
                answer = AnswerReader(wire, None, deadline)
                status, headers = answer.head()
                if not 200 <= status < 300:
                    body = answer.body(status, headers)
                    if status == 401 and self._refresh_credentials():
                        continue
                    raise self._status_error(status, body)
                rest = b""
                for data in answer.pieces(status, headers):
                    *events, rest = (rest + data).split(b"\n")
                    if len(rest) > MAX_ANSWER_BYTES:
                        raise BadAnswer(f"a watch event from the server exceeds {MAX_ANSWER_BYTES >> 20} MB")
                    for event in events:
                        if event.strip():
                            yield _object(event, self.endpoint)
                return
            except Stalled:
                raise Timeout(
                    f"Unable to connect to the server: the watch was not ended by the server "
                    f"{query['timeoutSeconds']}s after it began ({self.endpoint.display})"
                ) from None
            except Lost as exc:
                raise Unreachable(self._lost_message(exc)) from None
            finally:
                wire.close()

    def close(self) -> None:
        if self._wire is not None:
            self._wire.close()
            self._wire = None
        self._in_flight.clear()

    # -- the exchange -----------------------------------------------------------------------------

    def _open(self, deadline: float | None = None) -> Wire:
        if self._ssl is None and self.endpoint.scheme == "https":
            self._ssl = tls_context(self.conn)  # once per client: loading the CA and certificate costs
        return open_wire(self.conn, self._ssl, deadline=deadline)

    def _send(self, pending: Pending) -> None:
        """Write the request on the current connection (opened on demand). A write that fails is found
        out when its answer is read, and the request is sent again then."""
        pending.attempts += 1
        if self._wire is None:
            early, self._early = self._early, None  # only the first connection can have been opened early
            self._wire = (early(self.conn) if early else None) or self._open(pending.deadline)
        self._in_flight.append(pending)
        try:
            self._wire.sock.sendall(self._request_head(pending.url, pending.accept))
        except OSError:
            pass

    def _url(self, path: str, query: dict | None) -> str:
        """The request target: the server's base path, ``path``, and the query without empty values."""
        url = self.endpoint.base_path + path
        if query:
            url += "?" + urlencode({k: v for k, v in query.items() if v not in (None, "")})
        return url

    def _request_head(self, url: str, accept: str) -> bytes:
        lines = [f"GET {url} HTTP/1.1", f"Accept: {accept}"]
        lines += [f"{name}: {value}" for name, value in self._headers.items()]
        lines += [f"Impersonate-Group: {group}" for group in self.conn.impersonate_groups]
        lines += [f"Impersonate-Extra-{_header_key(key)}: {value}" for key, value in self.conn.impersonate_extra]
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    def _resend(self, pending: Pending) -> None:
        """Send (again) on the current or a new connection; a connection that cannot be had is the answer."""
        try:
            self._send(pending)
        except (Timeout, Unreachable, ApiError) as exc:
            pending.error, pending.done = exc, True

    def _complete(self, target: Pending) -> None:
        """Read answers in the order they were sent until ``target`` has its own."""
        while not target.done:
            if target not in self._in_flight:  # its connection ended before it was answered
                self._resend(target)
                continue
            pending = self._in_flight.popleft()
            try:
                status, headers, body = self._read_answer(pending)
            except (Lost, Stalled) as exc:
                self._connection_failed(pending, exc)
                continue
            except BadAnswer as exc:  # final for this request; where the next answer starts is unknown
                pending.error, pending.done = exc, True
                self._send_again_elsewhere()
                continue
            if headers.get("connection", "").lower() == "close" or self._wire is None:
                self._send_again_elsewhere()  # the server will not answer what was sent after this one
            self._settle(pending, status, headers, body)

    def _send_again_elsewhere(self) -> None:
        """Close the connection and send what is still unanswered on it again, on a fresh one."""
        unanswered = list(self._in_flight)
        self.close()
        for waiting in unanswered:
            waiting.attempts -= 1
            self._resend(waiting)

    def _connection_failed(self, pending: Pending, exc: Exception) -> None:
        """The connection failed while ``pending``'s answer was awaited. A hung server fails every
        request that waits on it; a closed connection is tried once more on a fresh one."""
        unanswered = [pending] + list(self._in_flight)
        self.close()
        for waiting in unanswered:
            if isinstance(exc, Stalled):
                waiting.error, waiting.done = self._stall_error(exc.phase), True
            elif waiting.attempts >= 2:
                lost = exc if waiting is pending else Lost(False)
                waiting.error, waiting.done = Unreachable(self._lost_message(lost)), True
            else:
                self._resend(waiting)

    def _settle(self, pending: Pending, status: int, headers: dict, body: bytes) -> None:
        """Decide what an answer means: a body, a retry, or a typed error."""
        if 200 <= status < 300:
            pending.body, pending.done = body, True
            return
        if status == 401 and self._refresh_credentials():
            pending.attempts = 0
            self._resend(pending)
            return
        wait = _retry_after(status, headers)
        if wait is not None and pending.attempts <= MAX_RETRIES and self._in_time(pending, wait):
            time.sleep(wait)
            self._resend(pending)
            return
        pending.error, pending.done = self._status_error(status, body), True

    def _in_time(self, pending: Pending, wait: float) -> bool:
        return pending.deadline is None or time.monotonic() + wait < pending.deadline

    def _refresh_credentials(self) -> bool:
        """On a 401, re-run the context's credential plugin once (client-go's rule)."""
        if self.conn.refresh_credentials is None or self._credentials_refreshed:
            return False
        self._credentials_refreshed = True
        self.conn.refresh_credentials()
        self._set_credentials()
        # a new client certificate needs a new TLS session: requests still in flight are sent again
        self.close()
        self._ssl = None
        return True

    def _read_answer(self, pending: Pending) -> tuple:
        """(status, headers, body) of the next answer on the wire; gzip is undone as chunks arrive."""
        answer = AnswerReader(self._wire, self.idle_timeout, pending.deadline)
        status, headers = answer.head()
        body = answer.body(status, headers)
        if answer.to_eof:  # the body ran to the end of the connection
            self.close()
        return status, headers, body

    # -- errors -----------------------------------------------------------------------------------

    def _stall_error(self, phase: str) -> Timeout:
        if phase.startswith("deadline") or (self.conn.timeout and self.idle_timeout == self.conn.timeout):
            where = "reading body" if phase.endswith("body") else "awaiting headers"
            return Timeout(REQUEST_CANCELED.format(where + ")"))
        if phase == "body":
            return Timeout(
                "Unable to connect to the server: net/http: timeout reading the answer "
                f"(less than {STALL_FLOOR // 1024} KiB in {self.idle_timeout:g}s)"
            )
        return Timeout("Unable to connect to the server: net/http: timeout awaiting response headers")

    def _lost_message(self, exc: Lost) -> str:
        if exc.started:  # part of the answer had arrived
            return "Unable to connect to the server: unexpected EOF"
        if exc.cause is None:
            return f"Unable to connect to the server: EOF ({self.endpoint.display})"
        return unreachable_message(exc.cause, self.endpoint)

    def _status_error(self, status: int, body: bytes) -> ApiError:
        message = ""
        try:
            doc = json.loads(body)
            if isinstance(doc, dict):
                message = doc.get("message") or ""
        except ValueError:
            message = body[:200].decode("utf-8", "replace").strip()
        if status == 401:
            return Unauthorized(
                "You must be logged in to the server (the server has asked for the client to provide credentials)",
                status,
            )
        cls = {403: Forbidden, 404: NotFound, 400: BadRequest}.get(status, ApiError)
        if not message:
            message = f"the server responded with status {status}"
        return cls(f"Error from server ({_status_reason(status)}): {message}", status)


def _header_value(value: str, what: str, conn: Connection) -> str:
    """``value`` when it can travel in a header: a line break in a token would end the header and start
    another (header injection), and Go's client refuses such values too. The value is never shown."""
    if not isinstance(value, str) or any(ord(c) < 0x20 and c != "\t" or ord(c) == 0x7F for c in value):
        raise ConfigError(
            f'context "{conn.context}": the {what} holds a control character (a line break?); it is not sent'
        )
    return value


# client-go's headerKeyEscape: the bytes of an HTTP token (RFC 7230) stay, everything else and '%' is %XX
_HEADER_KEY_BYTES = frozenset(b"!#$&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


def _header_key(key: str) -> str:
    return "".join(chr(b) if b in _HEADER_KEY_BYTES else f"%{b:02X}" for b in key.encode())


def _object(body: bytes, endpoint: Endpoint) -> dict:
    """An answer's JSON object; BadAnswer for anything else (a proxy's HTML page, a truncated or too deeply
    nested document, a bare list)."""
    try:
        doc = json.loads(body)
    except RecursionError:
        raise BadAnswer(f"the server's answer is nested too deeply to read ({endpoint.display})") from None
    except ValueError:  # also invalid UTF-8
        raise BadAnswer(
            f'the server\'s answer is not JSON: it begins "{snippet(body.lstrip())}" ({endpoint.display})'
        ) from None
    if not isinstance(doc, dict):
        raise BadAnswer(f"the server's answer is not a Kubernetes object ({endpoint.display})")
    return doc


def _retry_after(status: int, headers: dict) -> float | None:
    """Seconds to wait before retrying, or None when the answer is final: 429 always retries (1 s by
    default), 5xx only when the server asked for it with Retry-After (client-go's rule)."""
    value = headers.get("retry-after")
    if status != 429 and not (500 <= status < 600 and value):
        return None
    try:
        seconds = float(value) if value else 1.0
    except ValueError:
        seconds = 1.0
    return max(0.0, min(seconds, MAX_RETRY_WAIT))


def _what(path: str) -> str:
    return path.rstrip("/").rpartition("/")[2] or path


def _item_key(item: dict) -> tuple:
    """(namespace, name) of a list item or table row; a malformed one (the caller rejects it) sorts first."""
    if not isinstance(item, dict):
        return "", ""
    meta = item.get("metadata") or (item.get("object") or {}).get("metadata") or {}  # items or table rows
    return (meta.get("namespace") or "", meta.get("name") or "") if isinstance(meta, dict) else ("", "")


def _page_items(page: dict) -> tuple:
    """('items' or 'rows', the list) of a page of objects or of a server-rendered Table."""
    key = "rows" if "rows" in page and "items" not in page else "items"
    return key, page.get(key) or []


def _last_key(page: dict):
    _, items = _page_items(page)
    return _item_key(items[-1]) if items else None


def _drop_through(page: dict, last_key: tuple) -> None:
    key, items = _page_items(page)
    page[key] = [item for item in items if _item_key(item) > last_key]


# A list's own metadata comes before its items: `{"kind":..,"apiVersion":..,"metadata":{..,"continue":".."}`
_LIST_HEAD = re.compile(rb'\{"kind":"[^"]*","apiVersion":"[^"]*","metadata":\{[^{}]*?"continue":"([^"\\]+)"')


def _continue_token(body: bytes) -> str | None:
    match = _LIST_HEAD.match(body, 0, 4096)
    return match.group(1).decode("ascii", "replace") if match else None


def _status_reason(status: int) -> str:
    return {
        400: "BadRequest",
        403: "Forbidden",
        404: "NotFound",
        405: "MethodNotAllowed",
        410: "Expired",
        422: "Invalid",
        429: "TooManyRequests",
        500: "InternalError",
        503: "ServiceUnavailable",
        504: "Timeout",
    }.get(status, str(status))
