"""client-go's exec credential plugin protocol (``users[].user.exec``), natively.

The plugin is run with ``KUBERNETES_EXEC_INFO`` set to an ExecCredential request and answers an
ExecCredential on stdout with a bearer token and/or a client certificate and key. Semantics and error
wording follow ``k8s.io/client-go/plugin/pkg/client/auth/exec/exec.go`` (v0.37.2): apiVersion
``client.authentication.k8s.io/v1`` or ``v1beta1``; ``interactiveMode`` decides whether the plugin gets
our stdin; the plugin's stderr is ours; its stdout holds secrets and never appears in an error.

Credentials are cached per user entry (and cluster, when the plugin is told about it) until their
``expirationTimestamp``: contexts that share a user run its plugin once, and different users run
concurrently in their contexts' worker threads. Plugins that get our stdin run one at a time, so two
interactive plugins never share the terminal. Not supported: kubectl's kuberc credential plugin policy
(allowlists), which is not part of the kubeconfig.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import threading
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from ..errors import ConfigError

GROUP = "client.authentication.k8s.io"
API_VERSIONS = (f"{GROUP}/v1", f"{GROUP}/v1beta1")
EXEC_INFO_ENV = "KUBERNETES_EXEC_INFO"
# the cluster extension whose content reaches the plugin as spec.cluster.config
CLUSTER_EXTENSION = f"{GROUP}/exec"
INTERACTIVE_MODES = ("Never", "IfAvailable", "Always")
INSTALL_HELP = (
    "It looks like you are trying to use a client-go credential plugin that is not installed. "
    "To learn more about this feature, consult the documentation available at: "
    "https://kubernetes.io/docs/reference/access-authn-authz/authentication/"
    "#client-go-credential-plugins"
)


class ExecError(Exception):
    """A plugin failure in client-go's words; the caller names the context."""


@dataclass(frozen=True)
class Credentials:
    token: str | None = None
    cert_data: bytes | None = None
    key_data: bytes | None = None
    expires: datetime | None = None

    def expired(self, now: datetime | None = None) -> bool:
        return self.expires is not None and (now or datetime.now(timezone.utc)) > self.expires


# -- the kubeconfig side -----------------------------------------------------------------------------


def validate(exec_config: dict, user_name: str) -> str:
    """The interactive mode of a valid ``exec`` entry (v1beta1 defaults it to IfAvailable); otherwise
    ExecError with clientcmd's validation wording."""
    if not isinstance(exec_config, dict):
        raise ExecError(f"exec of user {user_name} is not a mapping")
    api_version = exec_config.get("apiVersion") or ""
    mode = exec_config.get("interactiveMode") or ""
    if not mode and api_version in (f"{GROUP}/v1beta1", f"{GROUP}/v1alpha1"):
        mode = "IfAvailable"  # client-go's defaulting, for backwards compatibility
    problems = []
    if not exec_config.get("command"):
        problems.append(f"command must be specified for {user_name} to use exec authentication plugin")
    if not api_version:
        problems.append(f"apiVersion must be specified for {user_name} to use exec authentication plugin")
    for env in exec_config.get("env") or []:
        if not (isinstance(env, dict) and env.get("name")):
            problems.append(f"env variable name must be specified for {user_name} to use exec authentication plugin")
    if not mode:
        problems.append(f"interactiveMode must be specified for {user_name} to use exec authentication plugin")
    elif mode not in INTERACTIVE_MODES:
        problems.append(f"invalid interactiveMode for {user_name}: {json.dumps(mode)}")
    if problems:  # kubectl lists several on lines of their own
        raise ExecError("; ".join(problems))
    if api_version not in API_VERSIONS:  # v1alpha1 was removed from client-go
        raise ExecError(f"exec plugin: invalid apiVersion {json.dumps(api_version)}")
    return mode


def cluster_info(server: str, cluster: dict, conn) -> dict:
    """``spec.cluster`` of the request (client-go's ConfigToExecCluster), from the kubeconfig cluster
    entry and the connection after kubectl's flag overrides; field order as client-go serializes it."""
    info = {"server": server}
    if conn.tls_server_name:
        info["tls-server-name"] = conn.tls_server_name
    if conn.insecure:
        info["insecure-skip-tls-verify"] = True
    ca = conn.ca_data
    if ca is None and conn.ca_file:
        try:
            with open(conn.ca_file, "rb") as fh:
                ca = fh.read()
        except OSError as exc:
            raise ExecError(
                f"failed to load CA bundle for execProvider: open {conn.ca_file}: {_go_strerror(exc)}"
            ) from None
    if ca:
        info["certificate-authority-data"] = base64.b64encode(ca).decode("ascii")
    if conn.proxy_url:
        info["proxy-url"] = conn.proxy_url
    if getattr(conn, "disable_compression", False):
        info["disable-compression"] = True
    # a RawExtension with nothing in it is serialized as null
    info["config"] = next(
        (
            e.get("extension")
            for e in cluster.get("extensions") or []
            if isinstance(e, dict) and e.get("name") == CLUSTER_EXTENSION
        ),
        None,
    )
    return info


# -- the protocol ------------------------------------------------------------------------------------


def exec_request(api_version: str, interactive: bool, cluster: dict | None) -> str:
    """The ExecCredential put in KUBERNETES_EXEC_INFO."""
    spec = {"cluster": cluster} if cluster is not None else {}
    spec["interactive"] = interactive
    return json.dumps({"kind": "ExecCredential", "apiVersion": api_version, "spec": spec}, separators=(",", ":"))


def is_interactive(
    mode: str, stdin_is_terminal: bool, stdin_unavailable: bool = False, unavailable_message: str = ""
) -> bool:
    """Whether the plugin gets our stdin (client-go's isInteractive)."""
    if mode == "Never":
        return False
    if mode == "IfAvailable":
        return not stdin_unavailable and stdin_is_terminal
    if mode == "Always":
        if not stdin_is_terminal:
            raise ExecError("exec plugin cannot support interactive mode: standard input is not a terminal")
        if stdin_unavailable:
            suffix = f": {unavailable_message}" if unavailable_message else ""
            raise ExecError(f"exec plugin cannot support interactive mode: standard input is unavailable{suffix}")
        return True
    raise ExecError(f"exec plugin cannot support interactive mode: unknown interactiveMode: {json.dumps(mode)}")


# Go's names of JSON value types, for its decoding errors
_JSON_TYPES = ((bool, "bool"), (str, "string"), ((int, float), "number"), (list, "array"), (dict, "object"))
_TYPE_META = 'struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }'


def parse_answer(stdout: bytes, api_version: str) -> Credentials:
    """Credentials from the plugin's stdout (JSON, or YAML as client-go's decoder also reads). Errors never
    quote it: it holds secrets."""
    answer = _decode(stdout)
    if answer is not None and not isinstance(answer, dict):
        raise ExecError(
            "decoding stdout: couldn't get version/kind; json parse error: json: cannot unmarshal "
            f"{_json_type(answer)} into Go value of type {_TYPE_META}"
        )
    answer = answer or {}
    # a missing kind is taken from the expected type, a missing apiVersion is not
    got_version, kind = answer.get("apiVersion") or f"{GROUP}/__internal", answer.get("kind") or "ExecCredential"
    if got_version not in (*API_VERSIONS, f"{GROUP}/__internal") or kind != "ExecCredential":
        raise ExecError(
            f"decoding stdout: no kind {json.dumps(str(kind))} is registered for version "
            f'{json.dumps(str(got_version))} in scheme "pkg/runtime/scheme.go:111"'
        )
    if got_version != api_version:
        raise ExecError(
            f"exec plugin is configured to use API version {api_version}, plugin returned version {got_version}"
        )
    status = answer.get("status")
    if status is None:
        raise ExecError("exec plugin didn't return a status field")
    if not isinstance(status, dict):
        raise ExecError(
            f"decoding stdout: json: cannot unmarshal {_json_type(status)} into Go struct field "
            "ExecCredential.status of type v1.ExecCredentialStatus"
        )
    token, cert, key = (_string(status, name) for name in ("token", "clientCertificateData", "clientKeyData"))
    if not (token or cert or key):
        raise ExecError("exec plugin didn't return a token or cert/key pair")
    if bool(cert) != bool(key):
        raise ExecError("exec plugin returned only certificate or key, not both")
    if cert:
        _check_key_pair(cert, key)
    return Credentials(
        token or None,
        cert.encode() if cert else None,
        key.encode() if key else None,
        parse_expiry(status.get("expirationTimestamp")),
    )


_RFC3339 = re.compile(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d+))?(?:(Z)|([+-])(\d\d):(\d\d))")


def parse_expiry(value) -> datetime | None:
    """``expirationTimestamp`` (RFC 3339 with optional fractional seconds, as metav1.Time reads it); None
    when absent. (datetime.fromisoformat of Python 3.10 reads neither 'Z' nor nanoseconds.)"""
    if value is None or value == "":
        return None
    match = _RFC3339.fullmatch(value) if isinstance(value, str) else None
    try:
        if match is None:
            raise ValueError
        year, month, day, hour, minute, second, fraction, zulu, sign, off_h, off_m = match.groups()
        offset = timedelta(0) if zulu else int(sign + "1") * timedelta(hours=int(off_h), minutes=int(off_m))
        return datetime(
            int(year),
            int(month),
            int(day),
            int(hour),
            int(minute),
            int(second),
            int((fraction or "0")[:6].ljust(6, "0")),
            timezone(offset),
        )
    except ValueError:
        raise ExecError(
            f"decoding stdout: parsing time {json.dumps(str(value))} as "
            '"2006-01-02T15:04:05Z07:00": not an RFC 3339 time'
        ) from None


def _decode(stdout: bytes):
    try:
        return json.loads(stdout)
    except (ValueError, UnicodeDecodeError) as exc:
        json_error = getattr(exc, "msg", "invalid UTF-8")
    import yaml  # a dependency already (kubeconfig); YAML answers are rare

    try:
        return yaml.load(stdout, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (yaml.YAMLError, ValueError):
        raise ExecError(f"decoding stdout: couldn't get version/kind; json parse error: {json_error}") from None


def _json_type(value) -> str:
    return next((name for kind, name in _JSON_TYPES if isinstance(value, kind)), "value")


def _string(status: dict, name: str) -> str:
    value = status.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ExecError(
            f"decoding stdout: json: cannot unmarshal {_json_type(value)} into Go struct field "
            f"ExecCredentialStatus.status.{name} of type string"
        )
    return value


def _check_key_pair(cert: str, key: str) -> None:
    """The PEM checks of Go's tls.X509KeyPair that can be made without parsing keys (ssl parses them when
    the connection is made)."""
    if "-----BEGIN CERTIFICATE-----" not in cert:
        raise ExecError(
            "failed parsing client key/certificate: tls: failed to find any PEM data in certificate input"
            if "-----BEGIN" not in cert
            else 'failed parsing client key/certificate: tls: failed to find "CERTIFICATE" PEM block '
            "in certificate input"
        )
    if "-----BEGIN" not in key:
        raise ExecError("failed parsing client key/certificate: tls: failed to find any PEM data in key input")
    if "PRIVATE KEY-----" not in key:
        raise ExecError(
            'failed parsing client key/certificate: tls: failed to find PEM block with type ending '
            'in "PRIVATE KEY" in key input'
        )


# -- running the plugin ------------------------------------------------------------------------------

# plugins that get our stdin run one at a time: two prompts on one terminal cannot both be answered
_TERMINAL = threading.Lock()


@dataclass(frozen=True)
class Plugin:
    """One configured plugin, ready to run."""

    command: str
    args: tuple
    env: tuple  # (name, value) pairs added to our environment
    api_version: str
    mode: str
    install_hint: str
    cluster: dict | None  # spec.cluster, given when provideClusterInfo

    @classmethod
    def from_config(cls, exec_config: dict, mode: str, cluster: dict | None) -> "Plugin":
        return cls(
            command=os.path.normpath(exec_config["command"]),
            args=tuple(str(a) for a in exec_config.get("args") or ()),
            env=tuple((str(e["name"]), str(e.get("value", ""))) for e in exec_config.get("env") or ()),
            api_version=exec_config["apiVersion"],
            mode=mode,
            install_hint=_printable(exec_config.get("installHint") or ""),
            cluster=cluster,
        )

    def run(self) -> Credentials:
        interactive = is_interactive(self.mode, _stdin_is_terminal())
        env = dict(os.environ)
        env.update(self.env)
        env[EXEC_INFO_ENV] = exec_request(self.api_version, interactive, self.cluster)
        executable = self._executable()
        if interactive:
            with _TERMINAL:
                result = self._spawn(executable, env, None)
        else:
            result = self._spawn(executable, env, subprocess.DEVNULL)
        if result.returncode != 0:
            code = result.returncode if result.returncode > 0 else -1  # killed by a signal: Go says -1
            raise ExecError(f"exec: executable {self.command} failed with exit code {code}")
        return parse_answer(result.stdout, self.api_version)

    def _executable(self) -> str:
        """A bare name is looked up in our PATH (Go's exec.Command), not in the plugin's env."""
        if os.sep in self.command:
            return self.command
        found = shutil.which(self.command)
        if found is None:
            hint = f" {' '.join(self.install_hint.split())}" if self.install_hint else ""
            raise ExecError(f"exec: executable {self.command} not found. {INSTALL_HELP}.{hint}")
        return found

    def _spawn(self, executable: str, env: dict, stdin):
        try:
            # stderr is inherited: the plugin's messages and prompts reach the user as they are
            return subprocess.run([executable, *self.args], env=env, stdin=stdin, stdout=subprocess.PIPE)
        except OSError as exc:
            raise ExecError(f"exec: fork/exec {executable}: {_go_strerror(exc)}") from None


def _stdin_is_terminal() -> bool:
    try:
        return os.isatty(0)
    except OSError:
        return False


def _go_strerror(exc: OSError) -> str:
    text = exc.strerror or str(exc)
    return text[:1].lower() + text[1:]


def _printable(text: str) -> str:
    """client-go's cleanANSIEscapeCodes: control characters other than whitespace shown as U+XXXX."""
    return "".join(
        ch if unicodedata.category(ch)[0] in "LMNPSZ" or ch in "\t\n\v\f\r" else f"U+{ord(ch):04X}" for ch in text
    )


class CachedPlugin:
    """A plugin and its last credentials; the lock makes concurrent contexts of one user run it once."""

    def __init__(self, plugin: Plugin):
        self.plugin = plugin
        self.lock = threading.Lock()
        self.credentials: Credentials | None = None

    def current(self) -> Credentials:
        with self.lock:
            if self.credentials is None or self.credentials.expired():
                self.credentials = self.plugin.run()
            return self.credentials

    def refresh(self, used: Credentials) -> Credentials:
        """Run the plugin again, unless another context already did since ``used`` was handed out."""
        with self.lock:
            if self.credentials is used or self.credentials is None:
                self.credentials = self.plugin.run()
            return self.credentials


_cache: dict = {}
_cache_lock = threading.Lock()


def cached_plugin(user_name: str, plugin: Plugin) -> CachedPlugin:
    """The process-wide cache entry of a user's plugin (its cluster too, when the plugin is told it)."""
    key = (
        user_name,
        plugin.command,
        plugin.args,
        plugin.env,
        plugin.api_version,
        plugin.mode,
        json.dumps(plugin.cluster, sort_keys=True, default=str),
    )
    with _cache_lock:
        return _cache.setdefault(key, CachedPlugin(plugin))


def authenticate(conn, user_name: str, exec_config: dict, server: str, cluster: dict) -> None:
    """Give ``conn`` the plugin's credentials and a ``refresh_credentials`` that re-runs it (on a 401)."""
    try:
        mode = validate(exec_config, user_name)
    except ExecError as exc:
        raise _named(conn.context, exc, running=False) from None
    try:
        info = cluster_info(server, cluster, conn) if exec_config.get("provideClusterInfo") else None
        plugin = Plugin.from_config(exec_config, mode, info)
        entry = cached_plugin(user_name, plugin)
        used = entry.current()
    except ExecError as exc:
        raise _named(conn.context, exc) from None
    _apply(conn, used)

    def refresh_credentials() -> None:
        nonlocal used
        try:
            used = entry.refresh(used)
        except ExecError as exc:
            raise _named(conn.context, exc) from None
        _apply(conn, used)

    conn.refresh_credentials = refresh_credentials


def _apply(conn, credentials: Credentials) -> None:
    """The plugin runs only for connections without a token or client certificate of their own."""
    conn.token = credentials.token
    conn.cert_data, conn.key_data = credentials.cert_data, credentials.key_data


def _named(context: str, exc: ExecError, running: bool = True) -> ConfigError:
    where = f'context "{context}": ' if context else ""
    return ConfigError(f"{where}{'getting credentials: ' if running else ''}{exc}")
