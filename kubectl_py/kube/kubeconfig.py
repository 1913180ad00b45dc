"""Kubeconfig loading, merging and context selection, the way kubectl does it.

Which files: ``--kubeconfig`` alone, else every file of ``$KUBECONFIG`` merged (missing ones skipped),
else ``~/.kube/config``; when none exists but the pod service-account files do, an ``in-cluster`` context.
Merging: for clusters, users and contexts the first file that names an entry wins; the first non-empty
``current-context`` wins. Relative file paths inside a file are resolved against that file's folder.

Credentials are turned into a :class:`Connection` here. Static credentials (certificates, keys, tokens,
token files, basic auth) are read directly, and ``exec`` credential plugins are run natively
(:mod:`.exec_credentials`, client-go's protocol), which keeps the kubernetes package off the start-up path.
Only users with an ``auth-provider`` are handed to the kubernetes package's own loader, imported only then.
Only the selected contexts are ever authenticated: an exec plugin of another context never runs.
"""

from __future__ import annotations

import base64
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path

from ..errors import ConfigError
from . import kubeconfig_files

IN_CLUSTER_DIR = "/var/run/secrets/kubernetes.io/serviceaccount"
IN_CLUSTER_CONTEXT = "in-cluster"

# Fields of users and clusters that name files, resolved relative to the file that holds them.
_PATH_FIELDS = {
    "clusters": ("certificate-authority",),
    "users": ("client-certificate", "client-key", "tokenFile"),
}

# The value types of each entry's fields, as client-go's structs declare them: kubectl refuses a file where
# one has another type, and so do we. A boolean must be a YAML boolean: the quoted string "false" is
# truthy in Python and would have switched TLS verification off.
_FIELD_TYPES = {
    "clusters": {
        bool: ("insecure-skip-tls-verify", "disable-compression"),
        str: ("server", "certificate-authority", "certificate-authority-data", "tls-server-name", "proxy-url"),
    },
    "users": {
        str: (
            "client-certificate",
            "client-key",
            "client-certificate-data",
            "client-key-data",
            "token",
            "tokenFile",
            "username",
            "password",
            "as",
            "as-uid",
        ),
        list: ("as-groups",),
        dict: ("exec", "auth-provider", "as-user-extra"),
    },
    "contexts": {str: ("cluster", "user", "namespace")},
}
_TYPE_NAMES = {bool: "true or false", str: "a string", list: "a list", dict: "a mapping"}


@dataclass
class KubeConfig:
    """The merged kubeconfig: named clusters, users and contexts as plain dicts."""

    clusters: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)
    contexts: dict = field(default_factory=dict)
    current_context: str = ""
    files: list = field(default_factory=list)

    def as_dict(self) -> dict:
        """The merged config in kubeconfig's own shape (for the official loader)."""
        return {
            "apiVersion": "v1",
            "kind": "Config",
            "current-context": self.current_context,
            "clusters": [{"name": n, "cluster": c} for n, c in self.clusters.items()],
            "users": [{"name": n, "user": u} for n, u in self.users.items()],
            "contexts": [{"name": n, "context": c} for n, c in self.contexts.items()],
        }


@dataclass(frozen=True)
class Overrides:
    """kubectl's connection flags; None means 'not given'."""

    kubeconfig: str | None = None
    cluster: str | None = None
    user: str | None = None
    namespace: str | None = None
    server: str | None = None
    token: str | None = None
    impersonate: str | None = None
    impersonate_groups: tuple = ()
    impersonate_uid: str | None = None
    certificate_authority: str | None = None
    client_certificate: str | None = None
    client_key: str | None = None
    insecure_skip_tls_verify: bool | None = None
    tls_server_name: str | None = None
    request_timeout: float | None = None
    disable_compression: bool | None = None  # --disable-compression; False cannot undo the kubeconfig's true


@dataclass
class Connection:
    """Everything needed to talk to one context's API server. Secrets stay in memory only."""

    context: str
    server: str
    namespace: str = "default"
    cluster: str = ""  # the kubeconfig cluster's name, for messages about its fields
    ca_file: str | None = None
    ca_data: bytes | None = None
    cert_file: str | None = None
    cert_data: bytes | None = None
    key_file: str | None = None
    key_data: bytes | None = None
    token: str | None = None
    basic_auth: str | None = None  # base64 "user:password"
    insecure: bool = False
    tls_server_name: str | None = None
    proxy_url: str | None = None
    impersonate: str | None = None
    impersonate_groups: tuple = ()
    impersonate_uid: str | None = None
    impersonate_extra: tuple = ()  # (key, value) pairs of the user's `as-user-extra`
    timeout: float | None = None
    disable_compression: bool = False  # no Accept-Encoding: gzip (cluster `disable-compression`, or the flag)

    # set for exec plugin users: runs the plugin again and updates token/cert/key (the client's 401 rule)
    refresh_credentials: Callable[[], None] | None = field(default=None, repr=False, compare=False)

    def __repr__(self) -> str:  # never show credentials in logs or tracebacks
        return f"Connection(context={self.context!r}, server={self.server!r})"


def kubeconfig_paths(explicit: str | None = None) -> list:
    """The files to read, in precedence order (:func:`.kubeconfig_files.listed`, those that exist, each once);
    a ``--kubeconfig`` that does not exist is an error, as in kubectl."""
    paths = [Path(name) for name in kubeconfig_files.listed(explicit)]
    if explicit and not paths[0].is_file():
        raise ConfigError(f"stat {explicit}: no such file or directory")
    return [path for i, path in enumerate(paths) if path.is_file() and path not in paths[:i]]


def _read_yaml(path: Path) -> dict:
    import yaml  # only when a kubeconfig is really read

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        with open(path, encoding="utf-8") as fh:
            data = yaml.load(fh, Loader=loader)
    except OSError as exc:
        raise ConfigError(f"error loading config file \"{path}\": {exc.strerror}") from None
    except UnicodeDecodeError:
        raise ConfigError(f'error loading config file "{path}": not UTF-8 text') from None
    except yaml.YAMLError as exc:
        from .parse_errors import yaml_problem

        raise ConfigError(f'error loading config file "{path}": {yaml_problem(exc)}') from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f'error loading config file "{path}": not a kubeconfig (expected a mapping)')
    return data


def _resolve_paths(kind: str, entry: dict, base: Path) -> dict:
    entry = dict(entry)
    for key in _PATH_FIELDS.get(kind, ()):
        value = entry.get(key)
        if value and not os.path.isabs(os.path.expanduser(value)):
            entry[key] = str(base / value)
        elif value:
            entry[key] = os.path.expanduser(value)
    if kind == "users" and isinstance(entry.get("exec"), dict):
        command = entry["exec"].get("command", "")
        # client-go resolves a relative exec command that contains a path separator against the file
        if command and os.sep in command and not os.path.isabs(command):
            entry["exec"] = dict(entry["exec"], command=str(base / command))
    return entry


def merge(documents: list) -> KubeConfig:
    """Merge parsed kubeconfig documents, given as (path, dict) pairs in precedence order."""
    config = KubeConfig()
    for path, doc in documents:
        config.files.append(str(path))
        base = Path(path).resolve().parent
        for kind, key in (("clusters", "cluster"), ("users", "user"), ("contexts", "context")):
            target = getattr(config, kind)
            items = doc.get(kind) or []
            if not isinstance(items, list):
                raise ConfigError(f'error loading config file "{path}": {kind} must be a list')
            for item in items:
                if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"]:
                    raise ConfigError(f'error loading config file "{path}": {kind} entry without a name')
                entry = _checked(item.get(key) or {}, kind, key, item["name"], path)
                if item["name"] not in target:
                    target[item["name"]] = _resolve_paths(kind, entry, base)
        current = doc.get("current-context")
        if current is not None and not isinstance(current, str):
            raise ConfigError(f'error loading config file "{path}": current-context must be a string')
        if not config.current_context and current:
            config.current_context = current
    return config


def _checked(entry, kind: str, key: str, name: str, path) -> dict:
    """``entry`` when each of its fields has client-go's type, else a ConfigError naming the file, the
    entry and the field."""
    where = f'error loading config file "{path}": {key} "{name}"'
    if not isinstance(entry, dict):
        raise ConfigError(f"{where} must be a mapping, not {_shape(entry)}")
    for expected, fields in _FIELD_TYPES[kind].items():
        for field_name in fields:
            value = entry.get(field_name)
            if value is not None and not isinstance(value, expected):
                raise ConfigError(f"{where}: {field_name} must be {_TYPE_NAMES[expected]}, not {_shape(value)}")
    return entry


_BOOLEAN_WORDS = {"true", "false", "yes", "no", "on", "off", "y", "n", "0", "1", "t", "f"}


def _shape(value) -> str:
    """How a wrong value reads in an error: its type; a quoted boolean word as itself (no other string is
    shown: it could be a credential)."""
    if isinstance(value, str):
        return f'the string "{value}"' if value.lower() in _BOOLEAN_WORDS else "a string"
    return {bool: "a boolean", int: "a number", float: "a number", list: "a list", dict: "a mapping"}.get(
        type(value), type(value).__name__
    )


def _checked_server(server: str, cluster_name: str) -> str:
    """``server`` as a URL with a scheme; a ConfigError for one that cannot be dialled (kubectl's
    ``invalid configuration``)."""
    from urllib.parse import urlsplit

    if "://" not in server:
        server = "https://" + server
    problem = None
    try:
        url = urlsplit(server)
        _ = url.port  # raises for a port out of range or not a number
        if url.scheme not in ("http", "https"):
            problem = f'unsupported scheme "{url.scheme}" (http or https)'
        elif not url.hostname:
            problem = "no host"
    except ValueError as exc:
        problem = str(exc).replace("Port", "port")
    if problem or not server.isprintable():
        problem = problem or "a control character"
        where = f'cluster "{cluster_name}"' if cluster_name else "--server"
        raise ConfigError(f"invalid configuration: {where} has an invalid server URL: {problem}")
    return server.rstrip("/")


# Parsed kubeconfigs by the files' fingerprint: the early connection's thread and the command read the
# same files once between them (the lock makes the second reader wait for the first one's parse).
_parsed: dict = {}
_parsing = threading.Lock()


def load(explicit: str | None = None) -> KubeConfig:
    """Load and merge the kubeconfig kubectl would use; fall back to in-cluster config. Files that have not
    changed since they were last read in this process are not read again."""
    paths = kubeconfig_paths(explicit)
    if paths:
        key = kubeconfig_files.fingerprint([str(p) for p in paths])
        with _parsing:
            if key not in _parsed:
                _parsed[key] = merge([(p, _read_yaml(p)) for p in paths])
            return _parsed[key]
    in_cluster = _in_cluster_config()
    if in_cluster:
        return in_cluster
    raise ConfigError(
        "no configuration has been provided: set --kubeconfig or $KUBECONFIG, create ~/.kube/config, "
        "or read a file with -f"
    )


def _in_cluster_config() -> KubeConfig | None:
    host, port = os.environ.get("KUBERNETES_SERVICE_HOST"), os.environ.get("KUBERNETES_SERVICE_PORT")
    token_file = Path(IN_CLUSTER_DIR, "token")
    if not (host and port and token_file.is_file()):
        return None
    if ":" in host:
        host = f"[{host}]"
    namespace_file = Path(IN_CLUSTER_DIR, "namespace")
    namespace = namespace_file.read_text().strip() if namespace_file.is_file() else "default"
    config = KubeConfig(current_context=IN_CLUSTER_CONTEXT)
    config.clusters[IN_CLUSTER_CONTEXT] = {
        "server": f"https://{host}:{port}",
        "certificate-authority": str(Path(IN_CLUSTER_DIR, "ca.crt")),
    }
    config.users[IN_CLUSTER_CONTEXT] = {"tokenFile": str(token_file)}
    config.contexts[IN_CLUSTER_CONTEXT] = {
        "cluster": IN_CLUSTER_CONTEXT,
        "user": IN_CLUSTER_CONTEXT,
        "namespace": namespace,
    }
    return config


_GLOB_CHARACTERS = "*?["


def _names_in(values) -> list:
    """The items of repeatable, comma-separated flag values, in order."""
    return [name.strip() for value in values or [] for name in value.split(",") if name.strip()]


def _matching(config: KubeConfig, item: str) -> list | None:
    """The contexts ``item`` names: itself when a context has that exact name, else the contexts its glob
    matches (fnmatch, case-sensitive) in the kubeconfig's order; None for a plain name that is no context."""
    if item in config.contexts:
        return [item]
    if not any(c in item for c in _GLOB_CHARACTERS):
        return None
    return [name for name in config.contexts if fnmatchcase(name, item)]


def select_contexts(
    config: KubeConfig, requested: list, all_contexts: bool = False, excluded: list | None = None
) -> list:
    """Context names to query: ``--all-contexts``, else each ``--context`` (repeatable, comma lists, shell
    globs), else the current context; minus every ``--exclude-context`` (same syntax). Unknown names and
    globs that match nothing are errors, as kubectl's unknown context is; so is excluding everything."""
    if all_contexts:
        if not config.contexts:
            raise ConfigError("the kubeconfig defines no contexts")
        names = list(config.contexts)
    else:
        names = []
        for item in _names_in(requested):
            found = _matching(config, item)
            if found is None:
                from ..suggest import did_you_mean

                raise ConfigError(f'context "{item}" does not exist' + did_you_mean(item, config.contexts))
            if not found:
                raise ConfigError(f'no context matches "{item}"')
            names.extend(n for n in found if n not in names)
        if not names:
            if not config.current_context:
                # kubectl can still work with --server alone; we need a name for it
                return [""]
            if config.current_context not in config.contexts:
                raise ConfigError(f'context "{config.current_context}" does not exist')
            names = [config.current_context]
    exclusions = _names_in(excluded)
    if not exclusions:
        return names
    # an exclusion that matches nothing is not an error: it narrows a selection, it does not make one
    dropped = {n for item in exclusions for n in _matching(config, item) or ()}
    kept = [n for n in names if n not in dropped]
    if not kept:
        raise ConfigError(f'--exclude-context "{",".join(exclusions)}" excludes every selected context')
    return kept


def _b64(value: str, what: str, context: str) -> bytes:
    try:
        return base64.b64decode(value, validate=False)
    except (ValueError, TypeError):
        raise ConfigError(f'context "{context}": {what} is not valid base64') from None


def _read_token_file(path: str, context: str) -> str:
    try:
        return Path(path).read_text().strip()
    except OSError as exc:
        raise ConfigError(f'context "{context}": cannot read token file {path}: {exc.strerror}') from None


def connection_for(config: KubeConfig, context: str, overrides: Overrides = Overrides()) -> Connection:
    """Build the connection of one context, applying kubectl's flag overrides."""
    ctx = config.contexts.get(context, {}) if context else {}
    cluster_name = overrides.cluster or ctx.get("cluster", "")
    user_name = overrides.user or ctx.get("user", "")
    if overrides.cluster and overrides.cluster not in config.clusters:
        raise ConfigError(f'cluster "{overrides.cluster}" does not exist')
    if overrides.user and overrides.user not in config.users:
        raise ConfigError(f'user "{overrides.user}" does not exist')
    cluster = dict(config.clusters.get(cluster_name) or {})
    user = dict(config.users.get(user_name) or {})

    server = overrides.server or cluster.get("server")
    if not server:
        where = f'context "{context}"' if context else "the kubeconfig"
        raise ConfigError(f"invalid configuration: no server found for {where} (cluster \"{cluster_name}\")")
    conn = Connection(
        context=context,
        cluster=cluster_name,
        server=_checked_server(server, cluster_name),
        namespace=overrides.namespace or ctx.get("namespace") or "default",
        insecure=cluster.get("insecure-skip-tls-verify") is True,
        # client-go: --server clears the kubeconfig's tls-server-name (it named the other address's certificate)
        tls_server_name=None if overrides.server else cluster.get("tls-server-name"),
        proxy_url=cluster.get("proxy-url"),
        timeout=overrides.request_timeout,
        disable_compression=cluster.get("disable-compression") is True,
    )
    if cluster.get("certificate-authority-data"):
        conn.ca_data = _b64(cluster["certificate-authority-data"], "certificate-authority-data", context)
    elif cluster.get("certificate-authority"):
        conn.ca_file = cluster["certificate-authority"]

    exec_config = user.get("exec")
    if exec_config is not None and "auth-provider" in user:
        raise ConfigError(
            f'context "{context}": authProvider cannot be provided in combination with an exec plugin for {user_name}'
        )
    if "auth-provider" in user:
        _auth_provider_credentials(config, context, user_name, conn)
    else:
        _static_credentials(user, conn)

    _apply_overrides(conn, overrides)
    _check_authentication(conn, user, user_name, overrides)
    # client-go runs the plugin only when no token, basic auth or client certificate is set otherwise
    # (a --token flag, or one beside the exec entry); it is told about the cluster after the flags
    if exec_config is not None and not (conn.token or conn.basic_auth or conn.cert_data or conn.cert_file):
        from . import exec_credentials

        exec_credentials.authenticate(conn, user_name, exec_config, overrides.server or cluster.get("server"), cluster)
    return conn


def _static_credentials(user: dict, conn: Connection) -> None:
    """Certificates, keys and tokens written in the kubeconfig. A token file wins over an inline token
    (client-go's transport reads the file when both are given); basic auth beside a token is refused
    later (:func:`_check_authentication`)."""
    if user.get("client-certificate-data"):
        conn.cert_data = _b64(user["client-certificate-data"], "client-certificate-data", conn.context)
    elif user.get("client-certificate"):
        conn.cert_file = user["client-certificate"]
    if user.get("client-key-data"):
        conn.key_data = _b64(user["client-key-data"], "client-key-data", conn.context)
    elif user.get("client-key"):
        conn.key_file = user["client-key"]
    if user.get("tokenFile"):
        conn.token = _read_token_file(user["tokenFile"], conn.context)
    elif user.get("token"):
        conn.token = user["token"]
    if user.get("username") or user.get("password"):
        credentials = f"{user.get('username') or ''}:{user.get('password') or ''}"
        conn.basic_auth = base64.b64encode(credentials.encode()).decode()
    if user.get("as"):
        conn.impersonate = user["as"]
    if user.get("as-groups"):
        conn.impersonate_groups = tuple(user["as-groups"])
    if user.get("as-uid"):
        conn.impersonate_uid = user["as-uid"]
    for key, values in (user.get("as-user-extra") or {}).items():
        for value in values if isinstance(values, list) else [values]:
            conn.impersonate_extra += ((str(key), str(value)),)


def _check_authentication(conn: Connection, user: dict, user_name: str, overrides: Overrides) -> None:
    """client-go's validation of the merged user (kubeconfig and flags): one way to authenticate, and
    impersonation details only with a user to impersonate. kubectl refuses both with these words."""
    if conn.basic_auth and (overrides.token or user.get("token")):
        raise ConfigError(
            f"more than one authentication method found for {user_name}; found [token basicAuth], only one is allowed"
        )
    if conn.basic_auth and conn.token:  # from a token file: client-go's transport refuses it
        raise ConfigError("username/password or bearer token may be set, but not both")
    if (conn.impersonate_groups or conn.impersonate_uid or conn.impersonate_extra) and not conn.impersonate:
        raise ConfigError(f"requesting uid, groups or user-extra for {user_name} without impersonating a user")


def _auth_provider_credentials(config: KubeConfig, context: str, user_name: str, conn: Connection) -> None:
    """Run the kubernetes package's loader for auth providers (legacy, slow import, rare path)."""
    try:
        from kubernetes.client import Configuration
        from kubernetes.config.config_exception import ConfigException
        from kubernetes.config.kube_config import KubeConfigLoader
    except ImportError as exc:  # pragma: no cover - kubernetes is a hard dependency
        raise ConfigError(f"auth-provider credentials need the kubernetes package: {exc}") from None
    doc = config.as_dict()
    # the loader reads the user of the active context; make sure it is the overridden one
    doc["contexts"] = [{"name": context, "context": dict(config.contexts.get(context, {}), user=user_name)}]
    target = Configuration()
    try:
        KubeConfigLoader(config_dict=doc, active_context=context).load_and_set(target)
    except ConfigException as exc:
        raise ConfigError(f'context "{context}": {exc}') from None
    except Exception as exc:  # auth providers fail in many ways; never show their secrets
        raise ConfigError(f'context "{context}": getting credentials failed: {type(exc).__name__}') from None
    authorization = (target.api_key or {}).get("authorization", "")
    if authorization.startswith("Bearer "):
        conn.token = authorization[len("Bearer ") :]
    elif authorization.startswith("Basic "):
        conn.basic_auth = authorization[len("Basic ") :]
    conn.cert_file = target.cert_file or conn.cert_file
    conn.key_file = target.key_file or conn.key_file


def _apply_overrides(conn: Connection, o: Overrides) -> None:
    if o.certificate_authority:
        conn.ca_file, conn.ca_data = o.certificate_authority, None
    if o.client_certificate:
        conn.cert_file, conn.cert_data = o.client_certificate, None
    if o.client_key:
        conn.key_file, conn.key_data = o.client_key, None
    if o.token:  # deliberately unlike kubectl, whose kubeconfig token file would still win over --token
        conn.token = o.token
    if o.insecure_skip_tls_verify is not None:
        conn.insecure = o.insecure_skip_tls_verify
        if conn.insecure and not o.certificate_authority:
            # like kubectl, the flag drops the kubeconfig's CA instead of conflicting with it
            conn.ca_file = conn.ca_data = None
    if o.tls_server_name:
        conn.tls_server_name = o.tls_server_name
    if o.disable_compression:  # kubectl merges the flag over the kubeconfig: false leaves a true in place
        conn.disable_compression = True
    if o.impersonate:
        conn.impersonate = o.impersonate
    if o.impersonate_groups:
        conn.impersonate_groups = tuple(o.impersonate_groups)
    if o.impersonate_uid:
        conn.impersonate_uid = o.impersonate_uid
    if conn.insecure and (conn.ca_file or conn.ca_data):
        raise ConfigError("specifying a root certificates file with the insecure flag is not allowed")


def server_only_connection(overrides: Overrides) -> Connection:
    """A connection made from flags alone (``--server`` with no kubeconfig)."""
    conn = Connection(
        context="",
        server=_checked_server(overrides.server, ""),
        namespace=overrides.namespace or "default",
        timeout=overrides.request_timeout,
    )
    _apply_overrides(conn, overrides)
    return conn
