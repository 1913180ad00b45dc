"""Connections to an API server: TCP (through an HTTP CONNECT proxy when configured), then TLS, each
under its own time limit, and kubectl's wording when that fails. What travels over them is
:mod:`.client`'s business."""

from __future__ import annotations

import os
import socket
import ssl
import tempfile
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..errors import ApiError, Timeout, Unreachable
from .kubeconfig import Connection

CONNECT_TIMEOUT = 30.0     # kubectl's dial timeout
HANDSHAKE_TIMEOUT = 10.0   # kubectl's TLS handshake timeout
IDLE_TIMEOUT = 15.0        # no byte for this long while awaiting or reading an answer: the server is hung
READ_SIZE = 256 * 1024

REQUEST_CANCELED = "Unable to connect to the server: net/http: request canceled (Client.Timeout exceeded while {}"


@dataclass(frozen=True)
class Endpoint:
    """Where a connection's server is, from its URL."""

    scheme: str
    host: str
    port: int
    base_path: str

    @classmethod
    def of(cls, conn: Connection) -> "Endpoint":
        url = urlsplit(conn.server)
        scheme = url.scheme or "https"
        return cls(scheme, url.hostname or "localhost", url.port or (443 if scheme == "https" else 80),
                   url.path.rstrip("/"))

    @property
    def display(self) -> str:
        return f"{self.host}:{self.port}" if ":" not in self.host else f"[{self.host}]:{self.port}"


class Wire:
    """One connection: a socket plus a buffered reader that lives as long as it (pipelined answers
    follow each other in the stream, so no read may run past one answer into a lost buffer)."""

    def __init__(self, sock: socket.socket):
        self.sock = sock
        self.reader = sock.makefile("rb", buffering=READ_SIZE)

    def close(self) -> None:
        for closing in (self.reader.close, self.sock.close):
            try:
                closing()
            except OSError:
                pass


def tls_context(conn: Connection) -> ssl.SSLContext:
    """Verify against the kubeconfig's CA only when it gives one (as kubectl does); the system's roots
    otherwise. Loading the system roots costs ~50 ms, so it is skipped when not needed."""
    try:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # hostname checks and CERT_REQUIRED by default
        ctx.set_alpn_protocols(["http/1.1"])
        if conn.insecure:
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
        elif conn.ca_data:
            ctx.load_verify_locations(cadata=conn.ca_data.decode("ascii", "replace"))
        elif conn.ca_file:
            ctx.load_verify_locations(cafile=conn.ca_file)
        else:
            ctx.load_default_certs()
        if conn.cert_data or conn.cert_file:
            _load_client_cert(ctx, conn)
    except (ssl.SSLError, OSError) as exc:
        raise ApiError(f'context "{conn.context}": invalid TLS credentials: {exc}') from None
    return ctx


def _load_client_cert(ctx: ssl.SSLContext, conn: Connection) -> None:
    """ssl can only load certificates from files: write in-memory ones to a private temp file that is
    removed right after loading."""
    if conn.cert_file and not conn.cert_data and (conn.key_file and not conn.key_data):
        ctx.load_cert_chain(conn.cert_file, conn.key_file)
        return
    pem = conn.cert_data or open(conn.cert_file, "rb").read()
    key = conn.key_data or (open(conn.key_file, "rb").read() if conn.key_file else b"")
    fd, path = tempfile.mkstemp(prefix="kubectl-py-", suffix=".pem")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(pem.rstrip(b"\n") + b"\n" + key)
        ctx.load_cert_chain(path)
    finally:
        os.unlink(path)


def dial_target(conn: Connection):
    """(host, port) that :func:`open_wire` dials for ``conn`` when it goes straight to the server; None
    through a proxy."""
    end = Endpoint.of(conn)
    return None if _proxy(conn, end) else (end.host, end.port)


def open_wire(conn: Connection, context: ssl.SSLContext | None = None,
              dialling: socket.socket | None = None, deadline: float | None = None) -> Wire:
    """A connected (and for https, TLS-established) Wire; ``deadline`` (a ``time.monotonic()``, the
    request's ``--request-timeout``) bounds the steps together. Failures are Timeout or Unreachable in
    kubectl's words. ``dialling``: a non-blocking socket whose handshake with the server (not a proxy) was
    started earlier; it is used once connected, and when it failed the server is dialled again as usual."""
    end = Endpoint.of(conn)
    target = _proxy(conn, end) or (end.host, end.port)
    idle = conn.timeout or IDLE_TIMEOUT
    if deadline is None and conn.timeout:
        deadline = time.monotonic() + conn.timeout

    def within(limit: float) -> float:
        """``limit``, or what is left of the request's time when that is less (socket.timeout when none is)."""
        if deadline is None:
            return limit
        left = deadline - time.monotonic()
        if left <= 0:
            raise socket.timeout()
        return min(limit, left)

    phase = "dial"
    try:
        sock = _connected(dialling, within(CONNECT_TIMEOUT)) if dialling is not None else None
        if sock is None:
            sock = socket.create_connection(target, timeout=within(CONNECT_TIMEOUT))
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if target != (end.host, end.port):
            phase = "proxy"
            sock.settimeout(within(idle))
            _tunnel(sock, end.host, end.port)
        if end.scheme == "https":
            phase = "handshake"
            sock.settimeout(within(HANDSHAKE_TIMEOUT))
            context = context or tls_context(conn)
            sock = context.wrap_socket(sock, server_hostname=conn.tls_server_name or end.host)
        sock.settimeout(idle)
    except socket.timeout:
        if deadline is not None and time.monotonic() >= deadline - 0.05:
            raise Timeout(REQUEST_CANCELED.format("awaiting headers)")) from None
        if phase == "handshake":
            raise Timeout("Unable to connect to the server: net/http: TLS handshake timeout") from None
        raise Timeout(f"Unable to connect to the server: dial tcp {end.display}: i/o timeout") from None
    except ssl.SSLCertVerificationError as exc:
        raise Unreachable(f"Unable to connect to the server: tls: {exc.verify_message}") from None
    except (OSError, ssl.SSLError) as exc:
        raise Unreachable(unreachable_message(exc, end)) from None
    return Wire(sock)


def _connected(sock: socket.socket, limit: float):
    """``sock`` once its handshake is done (blocking again); None when it failed (the caller dials
    afresh, which words the error); socket.timeout when it did not finish within ``limit``."""
    import select

    try:
        _, writable, _ = select.select([], [sock], [], None if limit == float("inf") else limit)
    except (OSError, ValueError):  # a descriptor select cannot watch: dial afresh
        writable = None
    if writable == []:
        sock.close()
        raise socket.timeout()
    if writable is None or sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR):
        sock.close()
        return None
    sock.setblocking(True)
    return sock


def unreachable_message(exc: BaseException, end: Endpoint) -> str:
    if isinstance(exc, ConnectionRefusedError):
        return f"The connection to the server {end.display} was refused - did you specify the right host or port?"
    if isinstance(exc, socket.gaierror):
        return f"Unable to connect to the server: dial tcp: lookup {end.host}: no such host"
    reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return f"Unable to connect to the server: {reason} ({end.display})"


def _proxy(conn: Connection, end: Endpoint):
    """(host, port) of the HTTP CONNECT proxy to tunnel through: the cluster's proxy-url, else
    HTTPS_PROXY/HTTP_PROXY minus NO_PROXY; loopback is never proxied (Go's rule, hence kubectl's)."""
    url = conn.proxy_url
    if not url:
        if end.host in ("localhost", "127.0.0.1", "::1") or _no_proxy(end.host):
            return None
        url = os.environ.get(f"{end.scheme}_proxy") or os.environ.get(f"{end.scheme.upper()}_PROXY")
    if not url:
        return None
    parts = urlsplit(url if "://" in url else "http://" + url)
    if parts.scheme not in ("http", ""):
        return None  # only HTTP CONNECT proxies are supported
    return parts.hostname, parts.port or 3128


def _tunnel(sock: socket.socket, host: str, port: int) -> None:
    """HTTP CONNECT through a proxy: after a 200 the socket carries the TLS session to the server."""
    authority = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    sock.sendall(f"CONNECT {authority} HTTP/1.1\r\nHost: {authority}\r\n\r\n".encode("latin-1"))
    answer = b""
    while b"\r\n\r\n" not in answer:
        data = sock.recv(4096)
        if not data:
            raise ConnectionResetError("the proxy closed the connection")
        answer += data
    status = answer.split(None, 2)[1:2]
    if status != [b"200"]:
        raise OSError(f"proxy refused CONNECT: {answer.splitlines()[0].decode('latin-1', 'replace')}")


def _no_proxy(host: str) -> bool:
    entries = (os.environ.get("no_proxy") or os.environ.get("NO_PROXY") or "").split(",")
    for entry in (e.strip().lower() for e in entries):
        if entry == "*" or (entry and (host == entry.lstrip(".") or host.endswith("." + entry.lstrip(".")))):
            return True
    return False
