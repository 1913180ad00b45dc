"""Forward proxies for the tests of proxy support (stdlib only): where a kubeconfig's `proxy-url` or HTTPS_PROXY
leads kubectl and the plugins. Built on faults._Tool: each listens on 127.0.0.1 only, lives at most `lifetime`
seconds, and closes every socket it holds (and joins every thread) on exit.

    HttpConnectProxy(routes, tls=None, credentials=None)  HTTP CONNECT proxy; with `tls` (a pki.KeyPair) an
                                                          https:// proxy: TLS to the proxy, CONNECT inside it
    Socks5Proxy(routes, credentials=None)                 SOCKS5 CONNECT (RFC 1928): no authentication, or
                                                          username/password (RFC 1929) with `credentials`
    TlsEndpoint(pair)                                     completes TLS handshakes with `pair`'s certificate
                                                          and answers nothing: a server whose certificate is
                                                          the test

`.targets` logs every tunnel asked for, in order, as "host:port" in the client's words (for SOCKS5: the name or
the address it sent). `routes` maps the names and addresses a test puts in a kubeconfig ("kubernetes",
"10.96.0.1") to the loopback address the proxy really dials; a target neither routed nor a loopback address is
refused (403, or SOCKS reply 2: not allowed by ruleset), so no proxy reaches beyond this machine. `credentials`
is the (username, password) pair a client must present (HTTP: Basic Proxy-Authorization, else 407).

`kubeconfig_with_clusters(kubeconfig, out, {context: {cluster field: value}})` writes a copy of the test
kubeconfig with one more context per entry: context kpy-a's user, its cluster with the fields given.
"""

import base64
import ipaddress
import json
import os
import select
import socket
import ssl
import sys
from typing import Dict, List, Optional, Tuple

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import faults  # noqa: E402
import kubeapi  # noqa: E402
import pki  # noqa: E402

_HANDSHAKE_TIMEOUT = 10.0  # seconds a client has to say what it wants
_MAX_HEAD = 64 * 1024


def _join(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _exactly(sock, size: int) -> bytes:
    data = b""
    while len(data) < size:
        piece = sock.recv(size - len(data))
        if not piece:
            raise ConnectionResetError("the client went away")
        data += piece
    return data


class _Proxy(faults._Tool):
    """Logging, routing and relaying, shared by both kinds of proxy."""

    scheme = "http"

    def __init__(
        self,
        routes: Optional[Dict[str, str]] = None,
        credentials: Optional[Tuple[str, str]] = None,
        lifetime: float = faults.DEFAULT_LIFETIME,
    ):
        super().__init__(lifetime)
        self.routes = {name.lower(): address for name, address in (routes or {}).items()}
        self.credentials = credentials
        self._targets: List[str] = []

    @property
    def targets(self) -> List[str]:
        with self._lock:
            return list(self._targets)

    def _route(self, host: str, port: int) -> Optional[Tuple[str, int]]:
        """Log the target; where to dial for it, or None when it is refused."""
        with self._lock:
            self._targets.append(_join(host, port))
        address = self.routes.get(host.lower(), host)
        return (address, port) if _is_loopback(address) else None

    def _dial(self, address: Tuple[str, int]) -> socket.socket:
        upstream = self._track(socket.create_connection(address, timeout=_HANDSHAKE_TIMEOUT))
        upstream.settimeout(None)  # stop() wakes blocked reads by shutting the socket down
        return upstream

    def _relay(self, client, upstream: socket.socket, early: bytes = b"") -> None:
        """Copy bytes both ways until either side closes (then close the other) or the tool stops."""
        client.settimeout(None)
        try:
            if early:
                upstream.sendall(early)
            while not self._stopping.is_set():
                if isinstance(client, ssl.SSLSocket) and client.pending():
                    ready = [client]  # decrypted bytes wait in the TLS buffer, where select cannot see them
                else:
                    ready, _, _ = select.select([client, upstream], [], [], faults._POLL)
                for sock in ready:
                    data = sock.recv(65536)
                    if not data:
                        return
                    (upstream if sock is client else client).sendall(data)
        finally:
            self._untrack(upstream)


class HttpConnectProxy(_Proxy):
    """An HTTP CONNECT proxy; with `tls` (a pki.KeyPair for 127.0.0.1) an https:// one."""

    def __init__(
        self,
        routes: Optional[Dict[str, str]] = None,
        tls: Optional[pki.KeyPair] = None,
        credentials: Optional[Tuple[str, str]] = None,
        lifetime: float = faults.DEFAULT_LIFETIME,
    ):
        super().__init__(routes, credentials, lifetime)
        self._tls = None
        if tls is not None:
            self.scheme = "https"
            self._tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            self._tls.load_cert_chain(tls.cert, tls.key)

    def _serve(self, raw: socket.socket) -> None:
        raw.settimeout(_HANDSHAKE_TIMEOUT)
        client = raw
        if self._tls is not None:
            client = self._track(self._tls.wrap_socket(raw, server_side=True))  # `raw` is detached now
        try:
            self._one_tunnel(client)
        finally:
            if client is not raw:
                self._untrack(client)

    def _one_tunnel(self, client) -> None:
        buffer = b""
        while b"\r\n\r\n" not in buffer:
            if len(buffer) > _MAX_HEAD or (buffer and not buffer[:1].isalpha()):  # e.g. a TLS ClientHello
                return self._answer(client, 400, "Bad Request")
            data = client.recv(4096)
            if not data:
                return None
            buffer += data
        head, early = buffer.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        method, target, _ = (lines[0].split(" ") + ["", ""])[:3]
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        if method != "CONNECT":
            return self._answer(client, 405, "Method Not Allowed")
        host, _, port = target.rpartition(":")
        host = host[1:-1] if host.startswith("[") and host.endswith("]") else host
        if not host or not port.isdigit():
            return self._answer(client, 400, "Bad Request")
        address = self._route(host, int(port))
        if self.credentials is not None:
            expected = "Basic " + base64.b64encode(":".join(self.credentials).encode()).decode()
            if headers.get("proxy-authorization") != expected:
                return self._answer(
                    client, 407, "Proxy Authentication Required", 'Proxy-Authenticate: Basic realm="kpy"\r\n'
                )
        if address is None:
            return self._answer(client, 403, "Forbidden")
        try:
            upstream = self._dial(address)
        except OSError:
            return self._answer(client, 502, "Bad Gateway")
        client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        self._relay(client, upstream, early)
        return None

    @staticmethod
    def _answer(client, status: int, reason: str, extra: str = "") -> None:
        client.sendall(
            f"HTTP/1.1 {status} {reason}\r\n{extra}Content-Length: 0\r\nConnection: close\r\n\r\n".encode("latin-1")
        )


class Socks5Proxy(_Proxy):
    """A SOCKS5 proxy (CONNECT only); it resolves names through `routes` (only)."""

    scheme = "socks5"

    def _serve(self, client: socket.socket) -> None:
        client.settimeout(_HANDSHAKE_TIMEOUT)
        version, count = _exactly(client, 2)
        if version != 5:
            return
        offered = _exactly(client, count)
        method = 2 if self.credentials is not None else 0
        if method not in offered:
            client.sendall(b"\x05\xff")
            return
        client.sendall(bytes([5, method]))
        if method == 2:
            _, size = _exactly(client, 2)
            username = _exactly(client, size).decode("utf-8", "replace")
            password = _exactly(client, _exactly(client, 1)[0]).decode("utf-8", "replace")
            accepted = (username, password) == tuple(self.credentials)
            client.sendall(b"\x01\x00" if accepted else b"\x01\x01")
            if not accepted:
                return
        _, command, _, kind = _exactly(client, 4)
        if kind == 1:
            host = socket.inet_ntop(socket.AF_INET, _exactly(client, 4))
        elif kind == 4:
            host = socket.inet_ntop(socket.AF_INET6, _exactly(client, 16))
        elif kind == 3:
            host = _exactly(client, _exactly(client, 1)[0]).decode("idna")
        else:
            return self._reply(client, 8)
        port = int.from_bytes(_exactly(client, 2), "big")
        if command != 1:
            return self._reply(client, 7)
        address = self._route(host, port)
        if address is None:
            return self._reply(client, 2)
        try:
            upstream = self._dial(address)
        except OSError:
            return self._reply(client, 5)
        self._reply(client, 0)
        self._relay(client, upstream)
        return None

    @staticmethod
    def _reply(client: socket.socket, code: int) -> None:
        client.sendall(bytes([5, code, 0, 1, 0, 0, 0, 0, 0, 0]))


class TlsEndpoint(faults._Tool):
    """Completes TLS handshakes with `pair`'s certificate, then reads until the client closes: `.handshakes`
    counts the handshakes the client accepted, `.received` the bytes it sent after them."""

    def __init__(self, pair: pki.KeyPair, lifetime: float = faults.DEFAULT_LIFETIME):
        super().__init__(lifetime)
        self._tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self._tls.load_cert_chain(pair.cert, pair.key)
        self.handshakes = 0
        self.received = 0

    def _serve(self, raw: socket.socket) -> None:
        raw.settimeout(_HANDSHAKE_TIMEOUT)
        tls = self._track(self._tls.wrap_socket(raw, server_side=True))  # a refused certificate raises here
        try:
            with self._lock:
                self.handshakes += 1
            while True:
                data = tls.recv(65536)
                if not data:
                    return
                with self._lock:
                    self.received += len(data)
        finally:
            self._untrack(tls)


def kubeconfig_with_clusters(
    kubeconfig: str, out: str, clusters: Dict[str, Dict[str, str]], base_context: str = "kpy-a"
) -> str:
    """Write to `out` a copy of `kubeconfig` with one more context per entry of `clusters` (context name ->
    cluster fields such as server, proxy-url, tls-server-name): the base context's user, its cluster with those
    fields. Returns `out`."""
    config = kubeapi.load_kubeconfig(kubeconfig)
    base = kubeapi._named(config["contexts"], base_context, "context")
    cluster = kubeapi._named(config["clusters"], base["cluster"], "cluster")
    for name, fields in clusters.items():
        config["clusters"].append({"name": name, "cluster": dict(cluster, **fields)})
        config["contexts"].append({"name": name, "context": dict(base, cluster=name)})
    with open(os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
        json.dump(config, f, indent=1)
    return out
