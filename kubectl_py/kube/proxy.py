"""Proxies as kubectl uses them: which one a server is reached through (the cluster's ``proxy-url``, else
HTTPS_PROXY/HTTP_PROXY minus NO_PROXY, by Go's rules), and the tunnel through it: HTTP CONNECT (inside TLS for
an ``https://`` proxy) or SOCKS5, in Go's words when the proxy says no. :mod:`.wire` dials and times the steps."""

from __future__ import annotations

import io
import os
import socket
import ssl
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from ..errors import ConfigError
from .kubeconfig import Connection

MAX_PROXY_ANSWER = 64 * 1024  # the head of a proxy's answer to CONNECT
READ_SIZE = 256 * 1024
_PROXY_PORTS = {"http": 80, "https": 443, "socks5": 1080, "socks5h": 1080}  # Go's defaults


@dataclass(frozen=True)
class Proxy:
    """A proxy to reach a server through. ``kind``: "http" (CONNECT), "https" (TLS to the proxy, then
    CONNECT) or "socks5"; ``username`` is None when the URL has no user."""

    kind: str
    host: str
    port: int
    username: str | None = None
    password: str = field(default="", repr=False)

    @property
    def display(self) -> str:
        return join_host_port(self.host, self.port)


class ProxyError(Exception):
    """A proxy said no, or said something that is not its protocol; the message is complete."""


def error_reason(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__


def join_host_port(host: str, port) -> str:
    """Go's net.JoinHostPort."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


# -- which proxy ----------------------------------------------------------------------------------------


def proxy_for(conn: Connection, scheme: str, host: str, port: int) -> Proxy | None:
    """The proxy for ``conn``, as kubectl picks it: the cluster's proxy-url for every server (loopback too,
    NO_PROXY aside: client-go's http.ProxyURL); else Go's http.ProxyFromEnvironment (HTTPS_PROXY for https
    servers, HTTP_PROXY for http ones, upper case first) unless :func:`uses_proxy` says no."""
    if conn.proxy_url:
        url = _parse_proxy_url(conn.proxy_url)
        if url.scheme not in ("http", "https", "socks5"):
            raise ConfigError(  # client-go's words (clientcmd validation), the password left out
                f"invalid 'proxy-url' \"{_redacted(conn.proxy_url)}\" for cluster "
                f"\"{conn.cluster}\": unsupported scheme \"{url.scheme}\", must be http, https, or socks5"
            )
        return _proxy_of(url, conn.proxy_url)
    if scheme not in ("http", "https"):
        return None
    value = _env(f"{scheme.upper()}_PROXY", f"{scheme}_proxy")
    if not value or not uses_proxy(host, str(port), _env("NO_PROXY", "no_proxy")):
        return None
    # "host:port" means http://host:port; Go dials any scheme it does not know as an HTTP proxy
    return _proxy_of(_parse_proxy_url(value if "://" in value else "http://" + value), value)


def _parse_proxy_url(text: str):
    try:
        url = urlsplit(text)
        valid = url.hostname and url.port != -1  # .port raises on a bad port
    except ValueError:
        valid = False
    if not valid:
        raise ConfigError(f"invalid proxy address \"{_redacted(text)}\"")
    return url


def _proxy_of(url, text: str) -> Proxy:
    kind = {"https": "https", "socks5": "socks5", "socks5h": "socks5"}.get(url.scheme, "http")
    username = unquote(url.username) if url.username is not None else None
    return Proxy(
        kind, url.hostname, url.port or _PROXY_PORTS.get(url.scheme, 80), username, unquote(url.password or "")
    )


def _redacted(text: str) -> str:
    """The URL with its password replaced, as Go's url.Redacted does."""
    head, at, rest = text.rpartition("@")
    scheme, separator, userinfo = head.rpartition("://")
    if not at or ":" not in userinfo:
        return text
    return f"{scheme}{separator}{userinfo.split(':', 1)[0]}:xxxxx@{rest}"


def _env(*names: str) -> str:
    for name in names:
        value = os.environ.get(name)
        if value:
            return value
    return ""


def uses_proxy(host: str, port: str, no_proxy: str) -> bool:
    """golang.org/x/net/http/httpproxy's rules: localhost and loopback addresses never go through a proxy;
    NO_PROXY is a comma-separated list of `*` (nothing does), CIDRs, IP addresses and domain names, the last
    two with an optional :port; a domain matches itself and its subdomains, with a leading "." (or "*.")
    its subdomains only, and never an IP address."""
    if host == "localhost":
        return False
    ip = parse_ip(host)
    if ip is not None and ip.is_loopback:
        return False
    for entry in no_proxy.split(","):
        entry = entry.strip().lower()
        if entry == "*":
            return False
        if not entry:
            continue
        network = _network(entry) if "/" in entry else None
        if network is not None:
            if ip is not None and ip in network:
                return False
            continue
        entry_host, entry_port = _split_host_port(entry) or (entry, "")
        entry_ip = parse_ip(entry_host)
        port_matches = entry_port in ("", port)
        if entry_ip is not None:
            if ip == entry_ip and port_matches:
                return False
            continue
        if not entry_host or ip is not None:
            continue
        if entry_host.startswith("*."):
            entry_host = entry_host[1:]
        if entry_host.startswith("."):
            matches = host.endswith(entry_host)
        else:
            matches = host == entry_host or host.endswith("." + entry_host)
        if matches and port_matches:
            return False
    return True


def parse_ip(text: str):
    """An ipaddress address (IPv4 for an IPv4-mapped IPv6 one, as Go compares them), or None."""
    import ipaddress

    if "%" in text:  # Go's ParseIP takes no zone
        return None
    try:
        ip = ipaddress.ip_address(text)
    except ValueError:
        return None
    return getattr(ip, "ipv4_mapped", None) or ip


def _network(text: str):
    import ipaddress

    try:
        return ipaddress.ip_network(text, strict=False)
    except ValueError:
        return None


def _split_host_port(text: str):
    """Go's net.SplitHostPort: (host, port) of "host:port" or "[v6]:port"; None for anything else."""
    colon = text.rfind(":")
    if colon < 0:
        return None
    host, port = text[:colon], text[colon + 1 :]
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    elif ":" in host:
        return None
    if "[" in host or "]" in host or "[" in port or "]" in port:
        return None
    return host, port


# -- through the proxy -----------------------------------------------------------------------------------


def http_connect(sock, proxy: Proxy, host: str, port: int) -> None:
    """HTTP CONNECT (as Go's net/http sends it, with Basic Proxy-Authorization from the URL's user); after
    a 200 the socket carries the TLS session to the server."""
    import base64

    authority = join_host_port(host, port)
    head = f"CONNECT {authority} HTTP/1.1\r\nHost: {authority}\r\n"
    if proxy.username is not None:
        secret = base64.b64encode(f"{proxy.username}:{proxy.password}".encode()).decode("ascii")
        head += f"Proxy-Authorization: Basic {secret}\r\n"
    sock.sendall((head + "\r\n").encode("utf-8"))
    answer = b""
    while b"\r\n\r\n" not in answer:
        if len(answer) > MAX_PROXY_ANSWER:
            raise ProxyError(
                f"the proxy's answer to CONNECT exceeds {MAX_PROXY_ANSWER // 1024} KiB (proxy {proxy.display})"
            )
        data = sock.recv(4096)
        if not data:
            raise ProxyError(f"{'unexpected EOF' if answer else 'EOF'} (proxy {proxy.display})")
        answer += data
    status = answer.split(b"\r\n", 1)[0].decode("latin-1")[:200]
    version, _, rest = status.partition(" ")
    code, _, reason = rest.partition(" ")
    if not version.startswith("HTTP/") or not (len(code) == 3 and code.isdigit()):
        raise ProxyError(f"malformed HTTP response \"{status}\" (proxy {proxy.display})")
    if code != "200":  # Go's words are the status text alone
        raise ProxyError(f"{reason or 'unknown status code'} (proxy {proxy.display})")


_SOCKS_REPLIES = {
    1: "general SOCKS server failure",
    2: "connection not allowed by ruleset",
    3: "network unreachable",
    4: "host unreachable",
    5: "connection refused",
    6: "TTL expired",
    7: "command not supported",
    8: "address type not supported",
}


def socks5(sock: socket.socket, proxy: Proxy, host: str, port: int) -> None:
    """SOCKS5 CONNECT (RFC 1928; RFC 1929 username/password when the proxy URL has a user), as Go's
    net/http does it: a name goes to the proxy to resolve, an IP address as an address. Go's words."""
    try:
        _socks5_exchange(sock, proxy, host, port)
    except ProxyError as exc:
        raise ProxyError(f"{socks_where(proxy, host, port)}: {exc}") from None
    except socket.timeout:
        raise
    except OSError as exc:
        raise ProxyError(f"{socks_where(proxy, host, port)}: {error_reason(exc)}") from None


def socks_where(proxy: Proxy, host: str, port: int) -> str:
    return f"socks connect tcp {proxy.display}->{join_host_port(host, port)}"


def _socks5_exchange(sock: socket.socket, proxy: Proxy, host: str, port: int) -> None:
    methods = b"\x00\x02" if proxy.username is not None else b"\x00"
    sock.sendall(b"\x05" + bytes([len(methods)]) + methods)
    version, method = _exactly(sock, 2)
    if version != 5:
        raise ProxyError(f"unexpected protocol version {version}")
    if method == 0xFF:
        raise ProxyError("no acceptable authentication methods")
    if method == 2 and proxy.username is not None:
        user, password = proxy.username.encode(), proxy.password.encode()
        if not user or len(user) > 255 or len(password) > 255:
            raise ProxyError("invalid username/password")
        sock.sendall(b"\x01" + bytes([len(user)]) + user + bytes([len(password)]) + password)
        version, status = _exactly(sock, 2)
        if version != 1:
            raise ProxyError("invalid username/password version")
        if status != 0:
            raise ProxyError("username/password authentication failed")
    elif method != 0:
        raise ProxyError(f"unsupported authentication method {method}")
    ip = parse_ip(host)
    if ip is not None:
        address = (b"\x01" if ip.version == 4 else b"\x04") + ip.packed
    else:
        name = host.encode("idna") if not host.isascii() else host.encode()
        if len(name) > 255:
            raise ProxyError("FQDN too long")
        address = b"\x03" + bytes([len(name)]) + name
    sock.sendall(b"\x05\x01\x00" + address + port.to_bytes(2, "big"))
    version, reply, reserved, kind = _exactly(sock, 4)
    if version != 5:
        raise ProxyError(f"unexpected protocol version {version}")
    if reply != 0:
        raise ProxyError("unknown error " + _SOCKS_REPLIES.get(reply, f"unknown code: {reply}"))
    if reserved != 0:
        raise ProxyError("non-zero reserved field")
    if kind not in (1, 3, 4):
        raise ProxyError(f"unknown address type {kind}")
    size = 4 if kind == 1 else 16 if kind == 4 else _exactly(sock, 1)[0]
    _exactly(sock, size + 2)  # the address the proxy bound: not needed


def _exactly(sock, size: int) -> bytes:
    data = b""
    while len(data) < size:
        piece = sock.recv(size - len(data))
        if not piece:
            raise ProxyError("unexpected EOF" if data else "EOF")
        data += piece
    return data


class TlsInTls:
    """TLS inside the TLS session with an https proxy: ssl cannot wrap an SSLSocket again, so this
    session runs on memory buffers whose bytes travel through the outer one. Offers what a Wire uses."""

    def __init__(self, outer, context: ssl.SSLContext, server_hostname: str):
        self._outer = outer
        self._incoming, self._outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
        self._tls = context.wrap_bio(self._incoming, self._outgoing, server_hostname=server_hostname)
        self._run(self._tls.do_handshake)

    def _run(self, operation, *args):
        while True:
            try:
                result = operation(*args)
            except ssl.SSLWantReadError:
                self._flush()
                if self._incoming.eof:
                    raise ConnectionResetError("the proxy closed the tunnel") from None
                data = self._outer.recv(READ_SIZE)
                if data:
                    self._incoming.write(data)
                else:
                    self._incoming.write_eof()
                continue
            self._flush()
            return result

    def _flush(self) -> None:
        data = self._outgoing.read()
        if data:
            self._outer.sendall(data)

    def recv(self, size: int) -> bytes:
        try:
            return self._run(self._tls.read, size)
        except (ssl.SSLZeroReturnError, ssl.SSLEOFError):  # the end of the session (ragged or not)
            return b""

    def sendall(self, data) -> None:
        view = memoryview(data)
        while view:
            view = view[self._run(self._tls.write, view) :]

    def settimeout(self, value) -> None:
        self._outer.settimeout(value)

    def setsockopt(self, *args) -> None:
        self._outer.setsockopt(*args)

    def getpeercert(self, binary_form: bool = False):
        return self._tls.getpeercert(binary_form)

    def makefile(self, mode: str = "rb", buffering: int = io.DEFAULT_BUFFER_SIZE):
        return io.BufferedReader(_RawTls(self), buffering)

    def close(self) -> None:
        self._outer.close()


class _RawTls(io.RawIOBase):
    def __init__(self, tls: TlsInTls):
        self._tls = tls

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._tls.recv(len(buffer))
        buffer[: len(data)] = data
        return len(data)
