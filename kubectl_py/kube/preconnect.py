"""Open a command's connection while Python is still starting the command.

Over a real network, the TCP and TLS handshakes are two of a small command's three round trips, and
Python spends ~0.1-0.2 s importing typer and our modules before the first request. A thread started
first thing opens the connection of the current (or the one ``--context``) context meanwhile; the
command's client then takes it instead of dialling. Only for the plain case: when a flag changes how
the connection is made (``--server``, credentials, TLS flags, several contexts, ``-f`` ...) or the
context's user runs a credential plugin, nothing is opened early and the command dials as usual.

Reading the kubeconfig (importing yaml and ssl, parsing) takes the thread ~25 ms, about one round trip
of a nearby cloud region, so the TCP handshake goes first: the server the same kubeconfig files and
context led to last time (``dial.json`` in the cache folder, keyed by the files' sizes and mtimes) is
dialled before they are read, and the socket is used only if the files still lead there.
"""

from __future__ import annotations

_state: dict = {}  # "thread", and then "key" + "wire", or "error"


def start(plan) -> None:
    """Begin opening the connection of ``plan``, in a daemon thread: (kubeconfig path or None, context name
    or None), as the command line gives them (the caller reads it: cli.flagtable); None: nothing early."""
    if plan is None or _state:
        return
    import threading

    thread = threading.Thread(target=_open, args=plan, name="kubectl-py-preconnect", daemon=True)
    _state["thread"] = thread
    thread.start()


def take(conn):
    """The connection opened early for ``conn`` (a :class:`.wire.Wire`), or None. Waits for the thread
    when it is still connecting; a failure there (refused, timeout) is raised here, not met twice."""
    thread = _state.pop("thread", None)
    if thread is None:
        return None
    thread.join()
    if _state.get("key") != _key(conn):
        _discard()
        return None
    if "error" in _state:
        raise _state.pop("error")
    _state.pop("key")
    return _state.pop("wire")


def _discard() -> None:
    wire = _state.pop("wire", None)
    if wire is not None:
        wire.close()
    _state.clear()


def _key(conn) -> tuple:
    """What makes two connections interchangeable: where they go and how TLS is set up."""
    return (
        conn.server,
        conn.proxy_url,
        conn.insecure,
        conn.ca_file,
        conn.ca_data,
        conn.cert_file,
        conn.cert_data,
        conn.key_file,
        conn.key_data,
        conn.tls_server_name,
        conn.timeout,
    )


def _open(kubeconfig_path, context) -> None:
    files = _files_key(kubeconfig_path, context)
    remembered = _remembered(files)
    early = _start_dial(remembered) if remembered else None
    try:
        from ..errors import KubectlPyError
        from . import kubeconfig
        from .wire import dial_target, open_wire

        config = kubeconfig.load(kubeconfig_path)
        name = context or config.current_context
        user = config.users.get((config.contexts.get(name) or {}).get("user", "")) or {}
        if not name or name not in config.contexts or "exec" in user or "auth-provider" in user:
            return
        conn = kubeconfig.connection_for(config, name)
        target = dial_target(conn)
        if target != remembered:
            _remember(files, target)
        _state["key"] = _key(conn)
        ready, early = (early, None) if target == remembered else (None, early)  # open_wire owns what it gets
        _state["wire"] = open_wire(conn, dialling=ready)
    except KubectlPyError as exc:
        _state["error"] = exc
    except Exception:  # noqa: BLE001 - an early connection is only a head start; the command dials itself
        _state.pop("key", None)
    finally:
        if early is not None:
            early.close()


# -- dialling before the kubeconfig is read ---------------------------------------------------------------

_DIAL_FILE = "dial.json"  # {files key: [host, port]}
_DIAL_ENTRIES = 32


_PROXY_VARIABLES = ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy")


def _files_key(kubeconfig_path, context) -> str:
    """The kubeconfig files this command reads with their sizes and mtimes, the context asked for and the
    proxy variables (a proxy set since makes the remembered server one not to dial): any edit makes
    another key."""
    import os

    from .kubeconfig_files import fingerprint, listed

    proxies = [f"{name}={os.environ[name]}" for name in _PROXY_VARIABLES if name in os.environ]
    return "|".join(
        [context or ""]
        + proxies
        + [f"{path}:{size}:{mtime}" for path, size, mtime in fingerprint(listed(kubeconfig_path))]
    )


def _dial_file() -> str:
    from .cache import cache_path

    return cache_path(_DIAL_FILE)


def _read_dial_file() -> dict:
    import json

    from .cache import read_file

    text = read_file(_dial_file())
    try:
        entries = json.loads(text) if text is not None else {}
    except ValueError:
        return {}
    return entries if isinstance(entries, dict) else {}


def _remembered(files: str):
    entry = _read_dial_file().get(files)
    if isinstance(entry, list) and len(entry) == 2 and isinstance(entry[0], str) and isinstance(entry[1], int):
        return entry[0], entry[1]
    return None


def _remember(files: str, target) -> None:
    """Keep where these files led (the latest entries only); a cache that cannot be written is no error."""
    import json

    from .cache import write_file

    entries = _read_dial_file()
    entries.pop(files, None)
    if target is not None:
        entries[files] = list(target)
    write_file(_dial_file(), json.dumps(dict(list(entries.items())[-_DIAL_ENTRIES:])))


def _start_dial(target):
    """A non-blocking socket whose TCP handshake with ``target`` is under way, or None."""
    import errno
    import socket

    try:
        family, kind, proto, _, address = socket.getaddrinfo(target[0], target[1], type=socket.SOCK_STREAM)[0]
        sock = socket.socket(family, kind, proto)
    except OSError:
        return None
    sock.setblocking(False)
    if sock.connect_ex(address) not in (0, errno.EINPROGRESS):
        sock.close()
        return None
    return sock
