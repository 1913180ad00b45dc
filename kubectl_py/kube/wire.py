"""Connections to an API server: TCP, through the proxy kubectl would use (:mod:`.proxy`), then TLS, each
step under its own time limit, and kubectl's (Go's) wording when one fails, TLS verification included. What
travels over them is :mod:`.client`'s business."""

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
from .proxy import (
    Proxy,
    ProxyError,
    TlsInTls,
    error_reason,
    http_connect,
    join_host_port,
    parse_ip,
    proxy_for,
    socks5,
    socks_where,
)

CONNECT_TIMEOUT = 30.0  # kubectl's dial timeout
HANDSHAKE_TIMEOUT = 10.0  # kubectl's TLS handshake timeout
IDLE_TIMEOUT = 15.0  # no byte for this long while awaiting or reading an answer: the server is hung
READ_SIZE = 256 * 1024

UNABLE = "Unable to connect to the server: "
REQUEST_CANCELED = UNABLE + "net/http: request canceled (Client.Timeout exceeded while {}"
VERIFY_FAILED = "tls: failed to verify certificate: "

_NO_CHECK_TIME = 0x200000  # OpenSSL's X509_V_FLAG_NO_CHECK_TIME
_UNKNOWN_AUTHORITY = {2, 18, 19, 20, 21}  # OpenSSL verify codes: no trusted issuer found
_EXPIRED = {9, 10}
_NAME_MISMATCH = {62, 64}


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
        return cls(
            scheme, url.hostname or "localhost", url.port or (443 if scheme == "https" else 80), url.path.rstrip("/")
        )

    @property
    def display(self) -> str:
        return join_host_port(self.host, self.port)


class Wire:
    """One connection: a socket plus a buffered reader that lives as long as it (pipelined answers
    follow each other in the stream, so no read may run past one answer into a lost buffer)."""

    def __init__(self, sock):
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
        ctx.hostname_checks_common_name = False  # Go (since 1.15) reads names from SANs only
        ctx.set_alpn_protocols(["http/1.1"])
        if conn.insecure:
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
        else:
            _load_roots(ctx, conn)
        if conn.cert_data or conn.cert_file:
            _load_client_cert(ctx, conn)
    except (ssl.SSLError, OSError) as exc:
        raise ApiError(f'context "{conn.context}": invalid TLS credentials: {exc}') from None
    return ctx


def _load_roots(ctx: ssl.SSLContext, conn: Connection) -> None:
    if conn.ca_data:
        ctx.load_verify_locations(cadata=conn.ca_data.decode("ascii", "replace"))
    elif conn.ca_file:
        ctx.load_verify_locations(cafile=conn.ca_file)
    else:
        ctx.load_default_certs()


def _inspection_context(conn: Connection) -> ssl.SSLContext:
    """The roots of :func:`tls_context` without the name and date checks, and no client certificate:
    to read the names and dates of a certificate that failed verification (kubectl's message gives them)."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_flags |= _NO_CHECK_TIME
    _load_roots(ctx, conn)
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
    return None if proxy_for(conn, end.scheme, end.host, end.port) else (end.host, end.port)


def open_wire(
    conn: Connection,
    context: ssl.SSLContext | None = None,
    dialling: socket.socket | None = None,
    deadline: float | None = None,
) -> Wire:
    """A connected (and for https, TLS-established) Wire; ``deadline`` (a ``time.monotonic()``, the
    request's ``--request-timeout``) bounds the steps together. Failures are Timeout or Unreachable in
    kubectl's words, naming the proxy when that is what failed. ``dialling``: a non-blocking socket whose
    handshake with the server (not a proxy) was started earlier; it is used once connected, and when it
    failed the server is dialled again as usual."""
    end = Endpoint.of(conn)
    proxy = proxy_for(conn, end.scheme, end.host, end.port)
    if deadline is None and conn.timeout:
        deadline = time.monotonic() + conn.timeout
    if proxy is not None and dialling is not None:
        dialling.close()
        dialling = None
    route = _Route(conn, end, proxy, deadline)
    needs_tls = end.scheme == "https" or (proxy is not None and proxy.kind == "https")
    try:
        if needs_tls and context is None:
            context = tls_context(conn)
        return Wire(route.open(context, dialling))
    except socket.timeout:
        raise Timeout(route.timeout_message()) from None
    except ssl.SSLCertVerificationError as exc:
        raise Unreachable(route.verification_message(exc)) from None
    except ProxyError as exc:
        raise Unreachable(UNABLE + str(exc)) from None
    except (OSError, ssl.SSLError) as exc:
        raise Unreachable(route.failure_message(exc)) from None


class _Route:
    """The steps to a server's TLS session: TCP to the server or the proxy, TLS to an https proxy, the
    tunnel (CONNECT or SOCKS5), TLS to the server. ``step`` is the one under way, for a failure's words."""

    def __init__(self, conn: Connection, end: Endpoint, proxy: Proxy | None, deadline: float | None):
        self.conn, self.end, self.proxy, self.deadline = conn, end, proxy, deadline
        self.idle = conn.timeout or IDLE_TIMEOUT
        self.step = "dial"
        self.context: ssl.SSLContext | None = None

    def within(self, limit: float) -> float:
        """``limit``, or what is left of the request's time when that is less (socket.timeout when none is)."""
        if self.deadline is None:
            return limit
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise socket.timeout()
        return min(limit, left)

    def open(
        self, context: ssl.SSLContext | None, dialling: socket.socket | None = None, inspecting: str | None = None
    ):
        """The connected socket (an SSLSocket, or a TlsInTls behind an https proxy). ``inspecting``: the
        step ("proxy-tls" or "handshake") whose TLS handshake uses :func:`_inspection_context` instead; the
        socket is returned right after it."""
        self.step, self.context = "dial", context
        sock = _connected(dialling, self.within(CONNECT_TIMEOUT)) if dialling is not None else None
        if sock is None:
            address = (self.proxy.host, self.proxy.port) if self.proxy else (self.end.host, self.end.port)
            sock = socket.create_connection(address, timeout=self.within(CONNECT_TIMEOUT))
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if self.proxy is not None:
                if self.proxy.kind == "https":  # Go's net/http: the server's TLS settings serve for the proxy too
                    sock = self._tls(
                        sock, context, self.conn.tls_server_name or self.proxy.host, "proxy-tls", inspecting
                    )
                    if inspecting == "proxy-tls":
                        return sock
                self.step = "tunnel"
                sock.settimeout(self.within(self.idle))
                if self.proxy.kind == "socks5":
                    socks5(sock, self.proxy, self.end.host, self.end.port)
                else:
                    http_connect(sock, self.proxy, self.end.host, self.end.port)
            if self.end.scheme == "https":
                sock = self._tls(sock, context, self.conn.tls_server_name or self.end.host, "handshake", inspecting)
            sock.settimeout(self.idle)
            return sock
        except BaseException:
            sock.close()
            raise

    def _tls(self, sock, context: ssl.SSLContext, name: str, step: str, inspecting: str | None):
        self.step = step
        sock.settimeout(self.within(HANDSHAKE_TIMEOUT))
        if step == inspecting:
            context = _inspection_context(self.conn)
        if isinstance(sock, (ssl.SSLSocket, TlsInTls)):
            return TlsInTls(sock, context, name)
        return context.wrap_socket(sock, server_hostname=name)

    # -- the words of a failure ----------------------------------------------------------------------

    def timeout_message(self) -> str:
        if self.deadline is not None and time.monotonic() >= self.deadline - 0.05:
            return REQUEST_CANCELED.format("awaiting headers)")
        proxy = self.proxy
        if self.step == "handshake":
            return UNABLE + "net/http: TLS handshake timeout"
        if self.step == "proxy-tls":
            return UNABLE + "proxyconnect tcp: net/http: TLS handshake timeout"
        if self.step == "tunnel" and proxy.kind == "socks5":
            return UNABLE + f"{socks_where(proxy, self.end.host, self.end.port)}: i/o timeout"
        if self.step == "tunnel":
            return UNABLE + (
                f"proxy {proxy.display} did not answer CONNECT {self.end.display} (no data for {self.idle:g}s)"
            )
        if proxy is not None:
            return UNABLE + f"proxyconnect tcp: dial tcp {proxy.display}: i/o timeout"
        return UNABLE + f"dial tcp {self.end.display}: i/o timeout"

    def failure_message(self, exc: OSError) -> str:
        proxy = self.proxy
        if proxy is None or self.step == "handshake":
            return unreachable_message(exc, self.end)
        if self.step == "dial":
            return UNABLE + "proxyconnect tcp: " + _dial_words(exc, proxy.host, proxy.display)
        if self.step == "proxy-tls":
            return UNABLE + "proxyconnect tcp: " + _tls_words(exc)
        if proxy.kind == "socks5":
            return UNABLE + f"{socks_where(proxy, self.end.host, self.end.port)}: {error_reason(exc)}"
        return UNABLE + f"{error_reason(exc)} (proxy {proxy.display})"

    def verification_message(self, exc: ssl.SSLCertVerificationError) -> str:
        """Go's crypto/x509 words. For a name or date failure the certificate is read again by a second
        handshake (chain verified, nothing sent after it), as ssl gives no certificate that failed."""
        step = self.step
        if step == "proxy-tls":
            name, prefix = self.conn.tls_server_name or self.proxy.host, UNABLE + "proxyconnect tcp: "
        else:
            name, prefix = self.conn.tls_server_name or self.end.host, UNABLE
        certificate = None
        if exc.verify_code in _NAME_MISMATCH | _EXPIRED:
            certificate = self._certificate(step)
        self.step = step
        return prefix + VERIFY_FAILED + _x509_words(exc, name, certificate)

    def _certificate(self, step: str):
        try:
            sock = self.open(self.context, inspecting=step)
        except (OSError, ssl.SSLError, ProxyError, ValueError):
            return None
        try:
            return sock.getpeercert() or None
        finally:
            sock.close()


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
        return f"{UNABLE}dial tcp: lookup {end.host}: no such host"
    if isinstance(exc, ssl.SSLError) and exc.reason == "WRONG_VERSION_NUMBER":
        return UNABLE + _tls_words(exc)
    return f"{UNABLE}{error_reason(exc)} ({end.display})"


def _dial_words(exc: OSError, host: str, address: str) -> str:
    """Go's words for a failed dial of ``address``: "dial tcp 10.0.0.1:3128: connect: connection refused"."""
    if isinstance(exc, socket.gaierror):
        return f"dial tcp: lookup {host}: no such host"
    reason = error_reason(exc)
    return f"dial tcp {address}: connect: {reason[:1].lower()}{reason[1:]}"


def _tls_words(exc: OSError) -> str:
    if isinstance(exc, ssl.SSLError) and exc.reason == "WRONG_VERSION_NUMBER":  # a plain-text peer
        return "tls: first record does not look like a TLS handshake"
    return f"tls: {error_reason(exc)}"


# -- Go's crypto/x509 words --------------------------------------------------------------------------------


def _x509_words(exc: ssl.SSLCertVerificationError, name: str, certificate: dict | None) -> str:
    """``certificate``: getpeercert()'s dict of the failed certificate, or None. Go checks the leaf's dates
    first, then its names, then its chain."""
    code = exc.verify_code
    dates = _outside_validity(certificate) if certificate else None
    if dates:
        return "x509: certificate has expired or is not yet valid: " + dates
    if code in _NAME_MISMATCH:
        return _name_words(name, certificate) if certificate else f"x509: certificate is not valid for {name}"
    if code in _EXPIRED:
        return "x509: certificate has expired or is not yet valid"
    if code in _UNKNOWN_AUTHORITY:
        return "x509: certificate signed by unknown authority"
    return f"x509: {exc.verify_message}"


def _outside_validity(certificate: dict) -> str:
    """Go's detail when now is outside the certificate's dates ("current time ... is after ..."), or ""."""
    try:
        not_before = ssl.cert_time_to_seconds(certificate["notBefore"])
        not_after = ssl.cert_time_to_seconds(certificate["notAfter"])
    except (KeyError, ValueError):
        return ""
    now = time.time()
    if now < not_before:
        return f"current time {_rfc3339(now, local=True)} is before {_rfc3339(not_before)}"
    if now > not_after:
        return f"current time {_rfc3339(now, local=True)} is after {_rfc3339(not_after)}"
    return ""


def _rfc3339(seconds: float, local: bool = False) -> str:
    """Go's time.Format(time.RFC3339): the local zone for now, UTC for a certificate's dates."""
    import datetime

    moment = datetime.datetime.fromtimestamp(int(seconds), datetime.timezone.utc)
    text = (moment.astimezone() if local else moment).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _name_words(name: str, certificate: dict) -> str:
    """Go's x509.HostnameError: the names the certificate is valid for (IP SANs for an IP address)."""
    sans = certificate.get("subjectAltName")
    if sans is None:
        common = [value for rdn in certificate.get("subject", ()) for key, value in rdn if key == "commonName"]
        if common and _matches(common[-1], name):
            return "x509: certificate relies on legacy Common Name field, use SANs instead"
        sans = ()
    if parse_ip(name) is not None:
        valid = [str(parse_ip(value.strip()) or value.strip()) for key, value in sans if key == "IP Address"]
        if not valid:
            return f"x509: cannot validate certificate for {name} because it doesn't contain any IP SANs"
        if len(valid) >= 100:
            return f"x509: certificate is valid for {len(valid)} IP SANs, but none matched {name}"
    else:
        valid = [value for key, value in sans if key == "DNS"]
        if len(valid) >= 100:
            return f"x509: certificate is valid for {len(valid)} names, but none matched {name}"
    if not valid:
        return f"x509: certificate is not valid for any names, but wanted to match {name}"
    return f"x509: certificate is valid for {', '.join(valid)}, not {name}"


def _matches(pattern: str, name: str) -> bool:
    pattern, name = pattern.lower().rstrip("."), name.lower().rstrip(".")
    if pattern.startswith("*.") and "." in name:
        return name.split(".", 1)[1] == pattern[2:]
    return pattern == name
