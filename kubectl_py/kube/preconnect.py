"""Open a command's connection while Python is still starting the command.

Over a real network, the TCP and TLS handshakes are two of a small command's three round trips, and
Python spends ~0.1-0.2 s importing typer and our modules before the first request. A thread started
first thing opens the connection of the current (or the one ``--context``) context meanwhile; the
command's client then takes it instead of dialling. Only for the plain case: when a flag changes how
the connection is made (``--server``, credentials, TLS flags, several contexts, ``-f`` ...) or the
context's user runs a credential plugin, nothing is opened early and the command dials as usual.
"""

from __future__ import annotations

# Flags after which the connection is not simply the kubeconfig context's one.
_CHANGES_CONNECTION = (
    "--all-contexts", "--cluster", "--user", "--server", "-s", "--token", "--as", "--as-group", "--as-uid",
    "--certificate-authority", "--client-certificate", "--client-key", "--insecure-skip-tls-verify",
    "--tls-server-name", "--request-timeout", "--filename", "-f", "--exclude-context", "--help", "-h",
)

_state: dict = {}  # "thread", and then "key" + "wire", or "error"


def start(argv: list) -> None:
    """Begin opening the connection ``argv`` will use, in a daemon thread; no-op when unsure."""
    plan = _plan(argv)
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


def _plan(argv: list):
    """(kubeconfig path or None, context name or None) from the command line, or None."""
    kubeconfig = context = None
    args = iter(argv)
    for arg in args:
        name, eq, value = arg.partition("=")
        if name in _CHANGES_CONNECTION:
            return None
        if name in ("--kubeconfig", "--context"):
            if not eq:
                value = next(args, "")
            if name == "--kubeconfig":
                kubeconfig = value
            elif context is not None or any(c in value for c in ",*?["):
                return None  # several contexts
            else:
                context = value
    return kubeconfig, context


def _key(conn) -> tuple:
    """What makes two connections interchangeable: where they go and how TLS is set up."""
    return (conn.server, conn.proxy_url, conn.insecure, conn.ca_file, conn.ca_data, conn.cert_file,
            conn.cert_data, conn.key_file, conn.key_data, conn.tls_server_name, conn.timeout)


def _open(kubeconfig_path, context) -> None:
    try:
        from ..errors import KubectlPyError
        from . import kubeconfig
        from .wire import open_wire

        config = kubeconfig.load(kubeconfig_path)
        name = context or config.current_context
        user = config.users.get((config.contexts.get(name) or {}).get("user", "")) or {}
        if not name or name not in config.contexts or "exec" in user or "auth-provider" in user:
            return
        conn = kubeconfig.connection_for(config, name)
        _state["key"] = _key(conn)
        _state["wire"] = open_wire(conn)
    except KubectlPyError as exc:
        _state["error"] = exc
    except Exception:  # noqa: BLE001 - an early connection is only a head start; the command dials itself
        _state.pop("key", None)
