"""Fault injection in front of the REAL test API server (stdlib only): the hung or half-broken clusters that
every real fleet contains, for the tests of the HTTP layer's bounded waits and retries.

Each tool is a context manager listening on 127.0.0.1 only, with `.port` and `.url`; it lives at most
`lifetime` seconds (then every connection it holds is closed) and leaves no thread or socket behind on exit.

    HungServer()                                   accepts TCP, never reads, never writes: a dead load balancer
    CutForwarder(host, port, cut_after_bytes)      plain TCP forwarder (TLS passes through) that closes both
                                                   sides once N bytes went server -> client on a connection
    HttpFaultProxy(target_url, ca_cert, ca_key,    TLS-terminating HTTP/1.1 proxy to the apiserver, answering
                   client_cert, client_key, rules) some requests itself by `rules`; `.requests` logs them all

Rules are callables `rule(request) -> Reply | Raw | HANG | None` (None: forward to the apiserver); the first
rule that answers wins. `Fault(reply, match, times)` is the declarative kind; `too_many_requests`,
`fail_continue`, `expire_continue` and `hang` build the usual ones with the apiserver's own answers. `Raw`
answers are bytes written as given: `trickle`, `trickled_headers`, `trickled_body`, `endless_headers`,
`gzip_bomb` and `raw_answer` build the hostile ones (what no apiserver sends, but a broken proxy may).

`kubeconfig_with(kubeconfig, out, {"hung": tool.url, ...})` writes a copy of the test kubeconfig with one more
context per tool: context kpy-a's user and CA with the tool's address, so TLS verification stays on.
"""

import functools
import http.client
import itertools
import json
import os
import select
import shutil
import socket
import ssl
import sys
import tempfile
import threading
import time
import urllib.parse
import zlib
from dataclasses import dataclass, field
from typing import Callable, Dict, Iterable, List, Optional, Tuple, Union

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kubeapi  # noqa: E402
import pki  # noqa: E402

LOOPBACK = "127.0.0.1"
DEFAULT_LIFETIME = 300.0  # seconds: a forgotten tool never outlives a test run by much
_POLL = 0.1  # how often loops look at the stop flag


class _Tool:
    """A listener on 127.0.0.1 with an accept thread, one thread per connection (`_serve`), every socket
    tracked so that `stop()` (or the end of `lifetime`) can close them and join every thread."""

    scheme = "https"

    def __init__(self, lifetime: float = DEFAULT_LIFETIME):
        self.lifetime = lifetime
        self.port = 0
        self.connections = 0  # accepted so far
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._sockets: set = set()
        self._threads: List[threading.Thread] = []
        self._listener: Optional[socket.socket] = None

    @property
    def url(self) -> str:
        return f"{self.scheme}://{LOOPBACK}:{self.port}"

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> None:
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.bind((LOOPBACK, 0))
        self._listener.listen(64)
        self.port = self._listener.getsockname()[1]
        self._spawn(self._accept_loop)

    def stop(self) -> None:
        """Close every socket, wake every thread and wait for them (a few seconds at most)."""
        self._stopping.set()
        self._close_all()
        deadline = time.monotonic() + 10
        for thread in list(self._threads):
            if thread is not threading.current_thread():
                thread.join(max(0.0, deadline - time.monotonic()))
        alive = [t.name for t in self._threads if t.is_alive() and t is not threading.current_thread()]
        if alive:
            raise RuntimeError(f"{type(self).__name__}: threads still running after stop: {alive}")

    def wait_idle(self, timeout: float = 10.0) -> None:
        """Wait until no connection is open: every client closed its own, and all it sent was handled."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                if not self._sockets:
                    return
            if time.monotonic() > deadline:
                raise TimeoutError(f"{type(self).__name__}: connections still open after {timeout:g} s")
            time.sleep(0.02)

    # -- for subclasses -----------------------------------------------------------------------------------
    def _serve(self, sock: socket.socket) -> None:
        raise NotImplementedError

    def _track(self, sock: socket.socket) -> socket.socket:
        with self._lock:
            if self._stopping.is_set():
                _close(sock)
                raise ConnectionAbortedError("tool stopped")
            self._sockets.add(sock)
        return sock

    def _untrack(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.discard(sock)
        _close(sock)

    def _wait_until_stopped(self) -> None:
        """Block until the tool stops (or its lifetime ends)."""
        self._stopping.wait(self.lifetime)

    # -- machinery ----------------------------------------------------------------------------------------
    def _spawn(self, target, *args) -> None:
        thread = threading.Thread(
            target=target, args=args, daemon=True, name=f"{type(self).__name__}-{len(self._threads)}"
        )
        with self._lock:
            self._threads = [t for t in self._threads if t.is_alive()] + [thread]
        thread.start()

    def _accept_loop(self) -> None:
        deadline = time.monotonic() + self.lifetime
        listener = self._listener
        while not self._stopping.is_set():
            if time.monotonic() > deadline:  # lifetime over: behave as if stopped
                self._stopping.set()
                self._close_all()
                return
            try:
                ready, _, _ = select.select([listener], [], [], _POLL)
                if not ready:
                    continue
                sock, _ = listener.accept()
            except (OSError, ValueError):
                return  # listener closed by stop()
            self.connections += 1
            try:
                self._track(sock)
            except ConnectionAbortedError:
                return
            self._spawn(self._serve_guarded, sock)

    def _serve_guarded(self, sock: socket.socket) -> None:
        try:
            self._serve(sock)
        except (OSError, ValueError, http.client.HTTPException):
            pass  # the peer or stop() closed a socket under us: this connection is over
        finally:
            self._untrack(sock)

    def _close_all(self) -> None:
        with self._lock:
            sockets, self._sockets = list(self._sockets), set()
            listener, self._listener = self._listener, None
        if listener is not None:
            _close(listener)
        for sock in sockets:
            _close(sock)


def _close(sock: socket.socket) -> None:
    """Shut down and close; the plain socket's shutdown also wakes a thread blocked in an SSL read."""
    try:
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
    except OSError:
        pass
    try:
        sock.close()
    except OSError:
        pass


# -- the dead load balancer ------------------------------------------------------------------------------
class HungServer(_Tool):
    """Accepts TCP connections and then does nothing at all with them until stopped."""

    def _serve(self, sock: socket.socket) -> None:
        self._wait_until_stopped()


# -- the link that dies mid-answer -----------------------------------------------------------------------
class CutForwarder(_Tool):
    """Forwards TCP to (target_host, target_port) and closes both sides of a connection once
    `cut_after_bytes` bytes went server -> client on it (None: never). The value is read when a connection
    opens, so a test may forward whole first (to warm a cache) and cut later. `.cuts` counts cut connections,
    `.carried` lists the bytes each finished connection carried server -> client."""

    def __init__(
        self, target_host: str, target_port: int, cut_after_bytes: Optional[int], lifetime: float = DEFAULT_LIFETIME
    ):
        super().__init__(lifetime)
        self.target = (target_host, target_port)
        self.cut_after_bytes = cut_after_bytes
        self.cuts = 0
        self.carried: List[int] = []

    def _serve(self, client: socket.socket) -> None:
        limit = self.cut_after_bytes
        upstream = self._track(socket.create_connection(self.target, timeout=10))
        sent = 0
        try:
            while not self._stopping.is_set():
                ready, _, _ = select.select([client, upstream], [], [], _POLL)
                for sock in ready:
                    data = sock.recv(65536)
                    if not data:
                        return  # either side closed: close the other too
                    if sock is client:
                        upstream.sendall(data)
                        continue
                    if limit is not None and sent + len(data) >= limit:
                        client.sendall(data[: limit - sent])
                        sent = limit
                        with self._lock:
                            self.cuts += 1
                        return
                    client.sendall(data)
                    sent += len(data)
        finally:
            self.carried.append(sent)
            self._untrack(upstream)


# -- the faulty apiserver ------------------------------------------------------------------------------
@dataclass
class Request:
    """What the proxy received (and what became of it, in `status`: the HTTP status sent, or "hang")."""

    method: str
    target: str  # path?query as sent
    headers: Dict[str, str]  # lower-case names
    time: float  # time.time() at arrival
    status: Union[int, str, None] = None
    injected: bool = False  # answered by a rule, not by the apiserver
    raw_headers: List[Tuple[str, str]] = field(default_factory=list)  # as sent: repeated names kept

    @property
    def path(self) -> str:
        return urllib.parse.urlsplit(self.target).path

    @property
    def query(self) -> Dict[str, str]:
        return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.target).query, keep_blank_values=True))


@dataclass
class Reply:
    """An answer made by the proxy instead of the apiserver."""

    status: int
    body: bytes
    headers: Dict[str, str] = field(default_factory=dict)


@dataclass
class Raw:
    """Bytes the proxy writes instead of an answer, exactly as given: a broken or hostile server. `pieces()`
    (a fresh iterable for each answer, endless ones too) are written one after another, `pause` seconds apart
    (a trickle), until they run out, the client goes away or the tool stops; then the connection is closed."""

    pieces: Callable[[], Iterable[bytes]]
    pause: float = 0.0


HANG = "hang"  # a rule's answer: read the request, never answer it
Rule = Callable[[Request], Union[Reply, Raw, str, None]]


class Fault:
    """Answer `reply` (a Reply or HANG) to the requests `match` accepts, the first `times` of them (None: all)."""

    def __init__(
        self, reply: Union[Reply, str], match: Callable[[Request], bool] = lambda r: True, times: Optional[int] = None
    ):
        self.reply, self.match, self.times = reply, match, times
        self.used = 0
        self._lock = threading.Lock()

    def __call__(self, request: Request) -> Union[Reply, str, None]:
        if not self.match(request):
            return None
        with self._lock:
            if self.times is not None and self.used >= self.times:
                return None
            self.used += 1
        return self.reply


def status_reply(
    code: int, reason: str, message: str, retry_after: Optional[int] = None, details: Optional[Dict] = None
) -> Reply:
    """A metav1.Status answer, as the apiserver writes it."""
    body = {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": message,
        "reason": reason,
    }
    if details:
        body["details"] = details
    body["code"] = code
    headers = {"Content-Type": "application/json"}
    if retry_after is not None:
        headers["Retry-After"] = str(retry_after)
    return Reply(code, json.dumps(body, separators=(",", ":")).encode() + b"\n", headers)


def _has_continue(request: Request) -> bool:
    return bool(request.query.get("continue"))


def too_many_requests(first: int, retry_after: int = 1) -> Fault:
    """429 for the first `first` requests, exactly as the apiserver's max-in-flight and priority-and-fairness
    filters send it (plain text, Retry-After)."""
    return Fault(
        Reply(
            429,
            b"Too many requests, please try again later.\n",
            {
                "Content-Type": "text/plain; charset=utf-8",
                "X-Content-Type-Options": "nosniff",
                "Retry-After": str(retry_after),
            },
        ),
        times=first,
    )


def fail_continue(status: int = 500, retry_after: Optional[int] = None, times: Optional[int] = None) -> Fault:
    """A 5xx Status for requests carrying a `continue` parameter (page 2 and later of a list)."""
    if status == 500:
        reply = status_reply(
            500,
            "InternalError",
            "Internal error occurred: injected fault on a continue request",
            retry_after,
            {"causes": [{"message": "injected fault on a continue request"}]},
        )
    elif status == 503:
        reply = status_reply(
            503, "ServiceUnavailable", "the server is currently unable to handle the request", retry_after
        )
    elif status == 504:
        reply = status_reply(504, "Timeout", "Timeout: injected fault on a continue request", retry_after)
    else:
        raise ValueError(f"fail_continue: no apiserver answer for status {status}")
    return Fault(reply, _has_continue, times)


# apiserver/pkg/storage/etcd3/errors.go: continueExpired, what a compacted continue token gets
CONTINUE_EXPIRED = (
    "The provided continue parameter is too old to display a consistent list result. "
    "You can start a new list without the continue parameter."
)


def expire_continue(times: Optional[int] = 1) -> Fault:
    """410 Gone, reason Expired, for the first `times` requests carrying `continue` (None: every one)."""
    return Fault(status_reply(410, "Expired", CONTINUE_EXPIRED), _has_continue, times)


def hang(match: Callable[[Request], bool] = lambda r: True) -> Fault:
    """Read the request and never answer (TLS done, no response headers ever)."""
    return Fault(HANG, match)


_HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-connection",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "host",
}
_MAX_HEAD = 64 * 1024


# -- hostile answers (Raw): what no real apiserver sends, but a broken proxy or an attacker may ----------
def raw_answer(head: bytes, body: bytes = b"") -> Raw:
    return Raw(lambda: [head, body])


def trickle(data: bytes, pause: float = 0.5, repeat: bool = False) -> Raw:
    """`data` a byte at a time, `pause` seconds apart (forever when `repeat`)."""

    def pieces():
        while True:
            yield from (data[i : i + 1] for i in range(len(data)))
            if not repeat:
                return

    return Raw(pieces, pause)


def trickled_headers() -> Raw:
    """A status line, then header bytes one at a time, never ending."""
    return Raw(lambda: itertools.chain([b"HTTP/1.1 200 OK\r\n"], itertools.repeat(b"X")), 0.2)


def trickled_body() -> Raw:
    """A complete head, then a JSON body a byte at a time, forever."""
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    return Raw(lambda: itertools.chain([head], itertools.repeat(b"1\r\n \r\n")), 0.2)


def endless_headers() -> Raw:
    """Headers of 1 KB each, as fast as the client reads them, without end."""
    line = b"X-Filler: " + b"a" * 1000 + b"\r\n"
    return Raw(lambda: itertools.chain([b"HTTP/1.1 200 OK\r\n"], itertools.repeat(line)))


@functools.lru_cache(maxsize=4)
def _bomb(megabytes: int) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = b" " * (1024 * 1024)
    body = packer.compress(b'{"kind":"PodList","apiVersion":"v1","metadata":{},"items":[],"x":"')
    return body + b"".join(packer.compress(block) for _ in range(megabytes)) + packer.compress(b'"}') + packer.flush()


def gzip_bomb(megabytes: int = 1024) -> Raw:
    """A valid gzip JSON-ish answer that inflates to `megabytes` MB (about 1/1000 of that on the wire)."""
    body = _bomb(megabytes)
    head = (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\n"
        b"Content-Length: %d\r\n\r\n" % len(body)
    )
    return raw_answer(head, body)


class _Reader:
    """Reads HTTP/1.1 requests off a socket, keeping what arrived beyond one request (pipelining)."""

    def __init__(self, sock: socket.socket):
        self.sock, self.buffer = sock, b""

    def head(self) -> Optional[bytes]:
        while b"\r\n\r\n" not in self.buffer:
            if len(self.buffer) > _MAX_HEAD:
                raise ValueError("request head too long")
            data = self.sock.recv(65536)
            if not data:
                return None
            self.buffer += data
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        return head

    def exactly(self, n: int) -> bytes:
        while len(self.buffer) < n:
            data = self.sock.recv(65536)
            if not data:
                raise ConnectionResetError("peer closed mid-body")
            self.buffer += data
        body, self.buffer = self.buffer[:n], self.buffer[n:]
        return body


class HttpFaultProxy(_Tool):
    """TLS-terminating HTTP/1.1 proxy in front of the apiserver at `target_url`.

    It serves a certificate for 127.0.0.1/localhost signed by the test CA (`ca_cert`, `ca_key`: PEM files),
    so clients keep verifying TLS; it reaches the apiserver over TLS as the user of `client_cert`/`client_key`
    (PEM files or PEM text). Requests (path, query, Accept, Accept-Encoding and every other end-to-end header)
    are forwarded as they came; answers stream back as they arrive, gzip bodies untouched. `rules` may answer
    instead (see the module docstring). `.requests` is the log, in order of arrival."""

    def __init__(
        self,
        target_url: str,
        ca_cert: str,
        ca_key: str,
        client_cert: str,
        client_key: str,
        rules: Tuple[Rule, ...] = (),
        lifetime: float = DEFAULT_LIFETIME,
    ):
        super().__init__(lifetime)
        target = urllib.parse.urlsplit(target_url)
        self.target = (target.hostname, target.port or 443)
        self.rules = list(rules)
        self._ca = pki.KeyPair(ca_cert, ca_key)
        self._client_pair = (client_cert, client_key)
        self._log: List[Request] = []

    @property
    def requests(self) -> List[Request]:
        with self._lock:
            return list(self._log)

    def start(self) -> None:
        tmpdir = tempfile.mkdtemp(prefix="kpy-fault-proxy-")  # key files only while they are loaded
        try:
            serving = pki.issue(
                tmpdir, "proxy", "kpy-fault-proxy", "server", self._ca, san=["DNS:localhost", f"IP:{LOOPBACK}"]
            )
            self._server_tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            self._server_tls.load_cert_chain(serving.cert, serving.key)
            self._server_tls.set_alpn_protocols(["http/1.1"])
            self._upstream_tls = ssl.create_default_context(cafile=self._ca.cert)
            cert, key = (
                _pem_file(tmpdir, name, value) for name, value in zip(("client.crt", "client.key"), self._client_pair)
            )
            self._upstream_tls.load_cert_chain(cert, key)
        finally:
            shutil.rmtree(tmpdir, ignore_errors=True)
        super().start()

    # -- one client connection ------------------------------------------------------------------------------
    def _serve(self, raw: socket.socket) -> None:
        raw.settimeout(10)  # the handshake, bounded
        tls = self._server_tls.wrap_socket(raw, server_side=True)
        self._track(tls)  # `raw` is detached now: `tls` owns the descriptor
        try:
            tls.settimeout(None)  # stop() wakes blocked reads by shutting the socket down
            reader = _Reader(tls)
            upstream: List[Optional[http.client.HTTPSConnection]] = [None]
            try:
                while not self._stopping.is_set():
                    if not self._one_request(tls, reader, upstream):
                        return
            finally:
                if upstream[0] is not None:
                    upstream[0].close()
        finally:
            self._untrack(tls)

    def _one_request(self, tls, reader: _Reader, upstream) -> bool:
        """Read, answer, log one request; False when the connection is over."""
        head = reader.head()
        if head is None:
            return False
        lines = head.decode("latin-1").split("\r\n")
        method, target, _version = lines[0].split(" ", 2)
        headers: List[Tuple[str, str]] = []
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers.append((name.strip(), value.strip()))
        lower = {k.lower(): v for k, v in headers}
        body = reader.exactly(int(lower.get("content-length") or 0))
        request = Request(method, target, lower, time.time(), raw_headers=headers)
        with self._lock:
            self._log.append(request)
        keep_alive = lower.get("connection", "").lower() != "close"
        answer = next((a for a in (rule(request) for rule in self.rules) if a is not None), None)
        if answer == HANG:
            request.status, request.injected = HANG, True
            self._wait_until_stopped()
            return False
        if isinstance(answer, Raw):
            request.status, request.injected = "raw", True
            self._write_raw(tls, answer)
            return False
        if isinstance(answer, Reply):
            request.injected = True
            request.status = answer.status
            tls.sendall(
                _head(
                    answer.status,
                    http.client.responses.get(answer.status, ""),
                    list(answer.headers.items()) + [("Content-Length", str(len(answer.body)))],
                )
                + answer.body
            )
            return keep_alive
        return self._forward(tls, request, headers, body, upstream) and keep_alive

    def _write_raw(self, tls, answer: Raw) -> None:
        try:
            for piece in answer.pieces():
                if self._stopping.is_set():
                    return
                tls.sendall(piece)
                if answer.pause:
                    self._stopping.wait(answer.pause)
        except OSError:  # the client went away: that is how an endless answer ends
            pass

    def _forward(self, tls, request: Request, headers, body: bytes, upstream) -> bool:
        response = None
        for attempt in (1, 2):  # a kept-alive upstream connection the apiserver closed: reconnect once
            if upstream[0] is None:
                upstream[0] = http.client.HTTPSConnection(*self.target, context=self._upstream_tls, timeout=60)
            conn = upstream[0]
            try:
                conn.putrequest(request.method, request.target, skip_host=True, skip_accept_encoding=True)
                conn.putheader("Host", f"{self.target[0]}:{self.target[1]}")
                for name, value in headers:
                    if name.lower() not in _HOP_BY_HOP and name.lower() != "content-length":
                        conn.putheader(name, value)
                if body or request.method in ("POST", "PUT", "PATCH"):
                    conn.putheader("Content-Length", str(len(body)))
                conn.endheaders(body or None)
                response = conn.getresponse()
                break
            except (http.client.HTTPException, ConnectionError, ssl.SSLError):
                conn.close()
                upstream[0] = None
                if attempt == 2:
                    raise
        request.status = response.status
        out = [(k, v) for k, v in response.getheaders() if k.lower() not in _HOP_BY_HOP]
        has_length = any(k.lower() == "content-length" for k, _ in out)
        no_body = request.method == "HEAD" or response.status in (204, 304) or 100 <= response.status < 200
        chunked = not has_length and not no_body
        if chunked:
            out.append(("Transfer-Encoding", "chunked"))
        tls.sendall(_head(response.status, response.reason, out))
        while not no_body:
            data = response.read1(65536)
            if not data:
                break
            tls.sendall(b"%x\r\n%s\r\n" % (len(data), data) if chunked else data)
        if chunked:
            tls.sendall(b"0\r\n\r\n")
        if response.will_close:
            conn.close()
            upstream[0] = None
        return True


def _pem_file(directory: str, name: str, value: str) -> str:
    """`value` if it is a path; PEM text is written to a private file in `directory`."""
    if not value.lstrip().startswith("-----BEGIN"):
        return value
    path = os.path.join(directory, name)
    with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
        f.write(value)
    return path


def _head(status: int, reason: str, headers: List[Tuple[str, str]]) -> bytes:
    lines = [f"HTTP/1.1 {status} {reason}"] + [f"{k}: {v}" for k, v in headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


# -- pointing a kubeconfig at a tool -----------------------------------------------------------------------
def kubeconfig_with(kubeconfig: str, out: str, servers: Dict[str, str], base_context: str = "kpy-a") -> str:
    """Write to `out` a copy of `kubeconfig` with one more context per entry of `servers` (context name ->
    URL): the base context's user and certificate authority, the given server. Returns `out`."""
    config = kubeapi.load_kubeconfig(kubeconfig)
    base = kubeapi._named(config["contexts"], base_context, "context")
    cluster = kubeapi._named(config["clusters"], base["cluster"], "cluster")
    for name, url in servers.items():
        config["clusters"].append({"name": name, "cluster": dict(cluster, server=url)})
        config["contexts"].append({"name": name, "context": dict(base, cluster=name)})
    with open(os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
        json.dump(config, f, indent=1)
    return out


def fault_proxy_for(cluster, rules: Tuple[Rule, ...] = (), name: str = "a", **kw) -> HttpFaultProxy:
    """An HttpFaultProxy in front of test cluster `name` of a controlplane.ControlPlane, as its admin."""
    (c,) = [c for c in cluster.clusters if c.name == name]
    return HttpFaultProxy(
        c.server,
        os.path.join(c.dir, "ca.crt"),
        os.path.join(c.dir, "ca.key"),
        os.path.join(c.dir, "admin.crt"),
        os.path.join(c.dir, "admin.key"),
        tuple(rules),
        **kw,
    )


def cut_forwarder_for(cluster, cut_after_bytes: Optional[int], name: str = "a", **kw) -> CutForwarder:
    """A CutForwarder in front of test cluster `name`."""
    (c,) = [c for c in cluster.clusters if c.name == name]
    url = urllib.parse.urlsplit(c.server)
    return CutForwarder(url.hostname, url.port, cut_after_bytes, **kw)
