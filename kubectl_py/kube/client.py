"""The one place that sends HTTP requests to an API server. JSON in, plain dicts out, typed errors out.

Plain ``http.client`` over one kept-alive TLS connection per context: measured, it is the fastest way
Python has to read large lists (the kubernetes package's client adds ~1 s of imports and models).
"""

from __future__ import annotations

import json
import os
import re
import socket
import ssl
import tempfile
from urllib.parse import urlencode, urlsplit

from ..errors import (
    ApiError,
    BadRequest,
    Forbidden,
    NotFound,
    Timeout,
    Unauthorized,
    Unreachable,
)
from .kubeconfig import Connection

USER_AGENT = "kubectl-py"


def _ssl_context(conn: Connection) -> ssl.SSLContext:
    """Verify against the kubeconfig's CA only when it gives one (as kubectl does); the system's roots
    otherwise. Loading the system roots costs ~50 ms, so it is skipped when not needed."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # hostname checks and CERT_REQUIRED by default
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


class Client:
    """Requests against one API server. Not thread-safe: use one per thread (one per context)."""

    def __init__(self, conn: Connection):
        self.conn = conn
        url = urlsplit(conn.server)
        self.scheme = url.scheme or "https"
        self.host = url.hostname or "localhost"
        self.port = url.port or (443 if self.scheme == "https" else 80)
        self.base_path = url.path.rstrip("/")
        self.display = f"{self.host}:{self.port}" if ":" not in self.host else f"[{self.host}]:{self.port}"
        self._http = None
        self._headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "identity"}
        if conn.token:
            self._headers["Authorization"] = "Bearer " + conn.token
        elif conn.basic_auth:
            self._headers["Authorization"] = "Basic " + conn.basic_auth
        if conn.impersonate:
            self._headers["Impersonate-User"] = conn.impersonate
        if conn.impersonate_uid:
            self._headers["Impersonate-Uid"] = conn.impersonate_uid
        self._groups = list(conn.impersonate_groups)

    # -- connection -------------------------------------------------------------------------------

    def _connect(self):
        import http.client

        timeout = self.conn.timeout or None
        if self.scheme == "https":
            try:
                context = _ssl_context(self.conn)
            except (ssl.SSLError, OSError) as exc:
                raise ApiError(f'context "{self.conn.context}": invalid TLS credentials: {exc}') from None
            server_hostname = self.conn.tls_server_name or None
            http_conn = http.client.HTTPSConnection(self.host, self.port, timeout=timeout, context=context)
            if server_hostname:
                # Python checks the certificate against the name it sends in SNI
                http_conn._context = _RenamedContext(context, server_hostname)  # type: ignore[attr-defined]
        else:
            http_conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        proxy = self._proxy()
        if proxy:
            http_conn.set_tunnel(self.host, self.port)
            http_conn.host, http_conn.port = proxy
        return http_conn

    def _proxy(self):
        """(host, port) of the HTTP CONNECT proxy to tunnel through: the cluster's proxy-url, else
        HTTPS_PROXY/HTTP_PROXY minus NO_PROXY; loopback is never proxied (Go's rule, hence kubectl's)."""
        url = self.conn.proxy_url
        if not url:
            if self.host in ("localhost", "127.0.0.1", "::1") or _no_proxy(self.host):
                return None
            url = os.environ.get(f"{self.scheme}_proxy") or os.environ.get(f"{self.scheme.upper()}_PROXY")
        if not url:
            return None
        parts = urlsplit(url if "://" in url else "http://" + url)
        if parts.scheme not in ("http", ""):
            return None  # only HTTP CONNECT proxies are supported
        return parts.hostname, parts.port or 3128

    def close(self) -> None:
        if self._http is not None:
            self._http.close()
            self._http = None

    # -- requests ---------------------------------------------------------------------------------

    def request(self, path: str, query: dict | None = None, accept: str = "application/json") -> bytes:
        """GET path and return the body; raise a typed error for anything but 2xx."""
        return self._round_trip(self._prepare(path, query, accept))

    def get_json(self, path: str, query: dict | None = None, accept: str = "application/json"):
        return json.loads(self.request(path, query, accept))

    def list_pages(self, path: str, query: dict | None = None, chunk_size: int = 500,
                   accept: str = "application/json"):
        """Yield each page of a list (a dict with items and metadata), following ``continue`` tokens.

        Pipelined: the next page is requested before this one is parsed, so that the server prepares
        it while we parse (parsing is most of our time on large lists). The token is read from the
        head of the raw page and checked against the parsed one; the connection is idle again before
        each page is yielded, so the caller may send its own requests in between."""
        query = dict(query or {})
        if chunk_size and chunk_size > 0:
            query["limit"] = chunk_size
        body = self.request(path, query, accept)
        while True:
            early = _continue_token(body)
            ahead = self._prepare(path, dict(query, **{"continue": early}), accept) if early else None
            sent = ahead is not None and self._send_early(ahead)
            page = json.loads(body)
            token = (page.get("metadata") or {}).get("continue")
            failure = None
            try:
                if sent and token != early:
                    self._round_trip(ahead, sent=True)  # never happens with a real server; drop it
                    sent = False
                if token:
                    if not sent:
                        ahead = self._prepare(path, dict(query, **{"continue": token}), accept)
                    body = self._round_trip(ahead, sent)
            except (ApiError, Unreachable, Timeout) as exc:
                failure = exc  # the pages before the failing one are still answers
            yield page
            if failure is not None:
                raise failure
            if not token:
                return

    # -- the exchange -------------------------------------------------------------------------------

    def _prepare(self, path: str, query: dict | None, accept: str) -> tuple:
        url = self.base_path + path
        if query:
            url += "?" + urlencode({k: v for k, v in query.items() if v not in (None, "")})
        return url, dict(self._headers, Accept=accept)

    def _send(self, prepared: tuple) -> None:
        url, headers = prepared
        if self._http is None:
            self._http = self._connect()
        if self._groups:
            self._http.putrequest("GET", url, skip_accept_encoding=True)
            for name, value in headers.items():
                self._http.putheader(name, value)
            for group in self._groups:
                self._http.putheader("Impersonate-Group", group)
            self._http.endheaders()
        else:
            self._http.request("GET", url, headers=headers)

    def _send_early(self, prepared: tuple) -> bool:
        """Send a request whose answer is read later; on any trouble, leave it to ``_round_trip``."""
        try:
            self._send(prepared)
            return True
        except Exception:  # noqa: BLE001 - the request is simply sent again, and its error reported then
            self.close()
            return False

    def _round_trip(self, prepared: tuple, sent: bool = False) -> bytes:
        """Send (unless already ``sent``) and read the answer; typed errors for failures and non-2xx."""
        for attempt in (1, 2):
            try:
                if not sent:
                    self._send(prepared)
                sent = False
                response = self._http.getresponse()
                body = response.read()
                break
            except (ConnectionResetError, BrokenPipeError) as exc:
                # a kept-alive connection the server closed (http.client's RemoteDisconnected is a
                # ConnectionResetError): reconnect once
                self.close()
                if attempt == 2:
                    raise Unreachable(self._unreachable_message(exc)) from None
            except socket.timeout:
                self.close()
                raise Timeout(
                    f"Unable to connect to the server: net/http: request canceled (Client.Timeout exceeded "
                    f"while awaiting headers) ({self.display}, timeout {self.conn.timeout:g}s)"
                ) from None
            except ssl.SSLCertVerificationError as exc:
                self.close()
                raise Unreachable(f"Unable to connect to the server: tls: {exc.verify_message}") from None
            except (OSError, ssl.SSLError) as exc:
                self.close()
                raise Unreachable(self._unreachable_message(exc)) from None
        if 200 <= response.status < 300:
            return body
        raise self._status_error(response.status, body)

    # -- errors -----------------------------------------------------------------------------------

    def _unreachable_message(self, exc: BaseException) -> str:
        if isinstance(exc, ConnectionRefusedError):
            return (
                f"The connection to the server {self.display} was refused - "
                "did you specify the right host or port?"
            )
        if isinstance(exc, socket.gaierror):
            return f"Unable to connect to the server: dial tcp: lookup {self.host}: no such host"
        reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        return f"Unable to connect to the server: {reason} ({self.display})"

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
                "You must be logged in to the server (the server has asked for the client to provide "
                "credentials)", status
            )
        cls = {403: Forbidden, 404: NotFound, 400: BadRequest}.get(status, ApiError)
        if not message:
            message = f"the server responded with status {status}"
        return cls(f"Error from server ({_status_reason(status)}): {message}", status)


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


class _RenamedContext:
    """Wraps an SSLContext so that TLS uses ``tls-server-name`` for SNI and certificate checks."""

    def __init__(self, context: ssl.SSLContext, server_name: str):
        self._context, self._server_name = context, server_name

    def wrap_socket(self, sock, server_hostname=None, **kwargs):
        return self._context.wrap_socket(sock, server_hostname=self._server_name, **kwargs)

    def __getattr__(self, name):
        return getattr(self._context, name)


def _no_proxy(host: str) -> bool:
    entries = (os.environ.get("no_proxy") or os.environ.get("NO_PROXY") or "").split(",")
    for entry in (e.strip().lower() for e in entries):
        if entry == "*" or (entry and (host == entry.lstrip(".") or host.endswith("." + entry.lstrip(".")))):
            return True
    return False
